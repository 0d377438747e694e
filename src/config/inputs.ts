import { existsSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { ConfigurationError } from '../errors.js'
import { readDockerfile, stagesOf, type Stage } from './dockerfile.js'
import { bool, oneOf, text, type RawInputs } from './values.js'
import { parseList, splitKeyValue } from './list.js'

export type Driver = 'docker-container' | 'docker'
export type GateScope = 'atomic' | 'per-target'

/** One image of the step: a Dockerfile stage and the ECR repository it goes to. */
export interface TargetSpec {
  /** '' means the Dockerfile's last stage. */
  stage: string
  repository: string
}
export type TagMutability = 'MUTABLE' | 'IMMUTABLE'

/** Every input of action.yml, typed; keys are the action.yml names. */
export interface Inputs {
  repository: string
  /** `stage=repository` lines; with one image, the `target` and `repository` inputs. */
  targets: TargetSpec[]
  gate: GateScope
  'aws-region': string
  'registry-ids': string[]
  'create-repository': boolean
  'image-tag-mutability': TagMutability
  context: string
  file: string
  target: string
  'build-args': string[]
  secrets: string[]
  'secret-files': string[]
  labels: string[]
  platforms: string[]
  push: boolean
  load: boolean
  'no-cache': boolean
  pull: boolean
  provenance: string
  sbom: string
  driver: Driver
  builder: string
  tags: string[]
  flavor: string[]
  'sha-source': 'merge' | 'head'
  'dry-run': boolean
  scan: boolean
  'github-token': string
}

/** What the Dockerfile says, read once during validation and passed on as data. */
export interface DockerfileFacts {
  path: string
  stages: Stage[]
  /** The stage each target builds, in `targets` order (`target`, or the last stage, for one image). */
  built: Stage[]
}

export type { RawInputs }

const repositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const accountIdPattern = /^\d{12}$/
const labelKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/
const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/
const secretIdPattern = /^[A-Za-z0-9_.-]+$/

function lines(value: string | undefined): string[] {
  return (value ?? '').split(/\r?\n/).filter((line) => line.trim() !== '')
}

function keyValues(raw: RawInputs, name: string, keyPattern: RegExp, what: string): string[] {
  const items = parseList(raw[name] ?? '', { perLine: true })
  for (const item of items) {
    const pair = splitKeyValue(item)
    if (!pair || !keyPattern.test(pair[0])) {
      throw new ConfigurationError(
        `Input '${name}' has the line '${name === 'secrets' ? (pair?.[0] ?? '***') + '=***' : item}': expected ${what}, one per line.`
      )
    }
  }
  return items
}

/** Only a push talks to ECR, so only a push needs a region. */
function region(raw: RawInputs, env: NodeJS.ProcessEnv, push: boolean): string {
  const value = text(raw, 'aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (value === '' && !push) return ''
  if (value === '') {
    throw new ConfigurationError(
      `Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set: set 'aws-region' (e.g. us-east-1) or run aws-actions/configure-aws-credentials first.`
    )
  }
  if (!regionPattern.test(value)) {
    throw new ConfigurationError(
      `Input 'aws-region' is '${value}': expected an AWS region such as 'us-east-1'.`
    )
  }
  return value
}

function checkRepository(name: string, repository: string): void {
  if (repository.length < 2 || repository.length > 256 || !repositoryPattern.test(repository)) {
    throw new ConfigurationError(
      `Input '${name}' ${name === 'repository' ? 'is' : 'has the repository'} '${repository}': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`
    )
  }
}

/** `targets` lines (`stage=repository`), or the one-image form from `target` and `repository`. */
function targetSpecs(raw: RawInputs): TargetSpec[] {
  const lines = parseList(raw.targets ?? '', { perLine: true })
  if (lines.length === 0) {
    const repository = text(raw, 'repository')
    checkRepository('repository', repository)
    return [{ stage: text(raw, 'target'), repository }]
  }
  if (text(raw, 'repository') || text(raw, 'target')) {
    throw new ConfigurationError(
      `Input 'targets' is set together with 'repository' or 'target': use 'targets' (one 'stage=repository' line per image) or 'target' and 'repository' (one image), not both.`
    )
  }
  const specs = lines.map((line) => {
    const pair = splitKeyValue(line)
    if (!pair || pair[1].trim() === '') {
      throw new ConfigurationError(
        `Input 'targets' has the line '${line}': expected 'stage=repository', e.g. 'production=shop/web'.`
      )
    }
    const spec = { stage: pair[0], repository: pair[1].trim() }
    checkRepository('targets', spec.repository)
    return spec
  })
  const repeated = specs.find((spec, index) =>
    specs.some((other, otherIndex) => otherIndex < index && other.repository === spec.repository)
  )
  if (repeated) {
    throw new ConfigurationError(
      `Input 'targets' sends two stages to '${repeated.repository}': each target needs its own repository, or their tags would overwrite each other.`
    )
  }
  return specs
}

/** Parses and validates every input; throws ConfigurationError on the first mistake, before any slow work. */
export function parseInputs(raw: RawInputs, env: NodeJS.ProcessEnv = process.env): Inputs {
  const targets = targetSpecs(raw)
  const repository = targets[0].repository
  const registryIds = parseList(raw['registry-ids'] ?? '')
  const badId = registryIds.find((id) => !accountIdPattern.test(id))
  if (badId !== undefined) {
    throw new ConfigurationError(`Input 'registry-ids' has '${badId}': expected 12-digit AWS account ids.`)
  }
  const context = text(raw, 'context') || '.'
  const platforms = parseList(raw.platforms ?? '')
  const badPlatform = platforms.find((platform) => !/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform))
  if (badPlatform !== undefined) {
    throw new ConfigurationError(
      `Input 'platforms' has '${badPlatform}': expected platforms such as 'linux/amd64,linux/arm64'.`
    )
  }
  const push = bool(raw, 'push', true)
  return {
    repository,
    targets,
    gate: oneOf(raw, 'gate', ['atomic', 'per-target'] as const, 'atomic'),
    'aws-region': region(raw, env, push),
    'registry-ids': registryIds,
    'create-repository': bool(raw, 'create-repository', false),
    'image-tag-mutability': oneOf(raw, 'image-tag-mutability', ['MUTABLE', 'IMMUTABLE'] as const, 'MUTABLE'),
    context,
    file: text(raw, 'file') || path.join(context, 'Dockerfile'),
    target: targets[0].stage,
    'build-args': keyValues(raw, 'build-args', buildArgNamePattern, 'NAME=value'),
    secrets: keyValues(raw, 'secrets', secretIdPattern, 'id=value'),
    'secret-files': keyValues(raw, 'secret-files', secretIdPattern, 'id=path'),
    labels: keyValues(raw, 'labels', labelKeyPattern, 'key=value'),
    platforms,
    push,
    load: bool(raw, 'load', false),
    'no-cache': bool(raw, 'no-cache', false),
    pull: bool(raw, 'pull', false),
    provenance: text(raw, 'provenance'),
    sbom: text(raw, 'sbom'),
    driver: oneOf(raw, 'driver', ['docker-container', 'docker'] as const, 'docker-container'),
    builder: text(raw, 'builder'),
    // Rule lines keep their quotes: parseTagRules reads quoted fields (e.g. a `match=` regex with commas).
    tags: lines(raw.tags),
    flavor: lines(raw.flavor),
    'sha-source': oneOf(raw, 'sha-source', ['head', 'merge'] as const, 'head'),
    'dry-run': bool(raw, 'dry-run', false),
    scan: bool(raw, 'scan', true),
    'github-token': text(raw, 'github-token')
  }
}

/** Checks the Dockerfile and the target against it; the error lists the stages a user can pick. */
export function inspectDockerfile(inputs: Inputs, workspace: string): DockerfileFacts {
  const file = path.resolve(workspace, inputs.file)
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ConfigurationError(
      `Input 'file' is '${inputs.file}': no Dockerfile at ${file}. Set 'file' to the Dockerfile's path (default '<context>/Dockerfile').`
    )
  }
  const context = path.resolve(workspace, inputs.context)
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new ConfigurationError(`Input 'context' is '${inputs.context}': no directory at ${context}.`)
  }
  const stages = stagesOf(readDockerfile(file))
  if (stages.length === 0) {
    throw new ConfigurationError(`Input 'file' is '${inputs.file}': the Dockerfile has no FROM instruction.`)
  }
  const input = inputs.targets.length > 1 ? 'targets' : 'target'
  const built = inputs.targets.map((spec) => {
    const stage = spec.stage
      ? stages.find((candidate) => candidate.name === spec.stage)
      : stages[stages.length - 1]
    if (!stage) {
      const named = stages
        .filter((candidate) => candidate.name !== String(candidate.index))
        .map((s) => s.name)
      throw new ConfigurationError(
        `Input '${input}' ${input === 'target' ? 'is' : 'has the stage'} '${spec.stage}': ${inputs.file} has no stage of that name. Stages: ${named.join(', ') || '(none named; add AS <name> to a FROM)'}.`
      )
    }
    return stage
  })
  return { path: file, stages, built }
}

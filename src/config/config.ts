import { ConfigurationError } from '../errors.js'
import type { RunContext } from '../github/context.js'
import { parseFlavor, parseTagRules, type Flavor, type ShaSource, type TagRule } from '../meta/meta.js'
import { parseBuildConfig, type BuildConfig } from './build.js'
import { parseCacheConfig, type CacheConfig } from './cache.js'
import { parseDockerfileChecksInputs, type DockerfileChecksInputs } from './checks.js'
import { readDockerfile, type DockerfileFacts } from './dockerfile.js'
import { resolveImages, targetRequests, type ImageSpec } from './images.js'
import { parseList } from './lists.js'
import { parseReportConfig, type ReportConfig } from './report.js'
import { checkCombinations } from './rules.js'
import { parseScanConfig, type ScanConfig } from './scan.js'
import { parseSignInputs, type SignInputs } from './sign.js'
import { bool, checkRawInput, oneOf, text, type RawInputs } from './values.js'

export type GateScope = 'atomic' | 'per-target'
export type TagMutability = 'MUTABLE' | 'IMMUTABLE'

export interface AwsConfig {
  /** '' when the step talks to no AWS API (`push: false`). */
  region: string
  registryIds: string[]
  createRepository: boolean
  tagMutability: TagMutability
}

export interface TagConfig {
  /** Parsed `tags`; empty means our default tags. */
  rules: TagRule[]
  flavor: Flavor
  /** Which commit a pull request build names: the PR head, or GITHUB_SHA (the merge commit). */
  shaSource: ShaSource
}

/** Every input, parsed once into the shape the phases use; built before any slow work. */
export interface Config {
  images: ImageSpec[]
  gate: GateScope
  aws: AwsConfig
  build: BuildConfig
  dockerfile: DockerfileFacts
  cache: CacheConfig
  tags: TagConfig
  /** Undefined with `scan: false`. */
  scan?: ScanConfig
  report: ReportConfig
  checks: DockerfileChecksInputs
  sign: SignInputs
  dryRun: boolean
  githubToken: string
}

const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/
const accountIdPattern = /^\d{12}$/

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

function registryIds(raw: RawInputs): string[] {
  const ids = parseList(raw['registry-ids'] ?? '', `Input 'registry-ids'`)
  const bad = ids.find((id) => !accountIdPattern.test(id))
  if (bad !== undefined) {
    throw new ConfigurationError(`Input 'registry-ids' has '${bad}': expected 12-digit AWS account ids.`)
  }
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index)
  if (repeated !== undefined) {
    throw new ConfigurationError(`Input 'registry-ids' names ${repeated} twice: list each account once.`)
  }
  return ids
}

/** Rule lines keep their quotes: parseTagRules reads quoted fields (e.g. a `match=` regex with commas). */
function lines(value: string | undefined): string[] {
  return (value ?? '').split(/\r?\n/).filter((line) => line.trim() !== '')
}

/**
 * Every value a run must never print, from the raw inputs: each line of `secrets` and its value, the
 * token, the signing key (whole and line by line) and its password. Masked before anything is parsed, so
 * not even an error about them can show one.
 */
export function secretValues(raw: RawInputs): string[] {
  const secretLines = (raw.secrets ?? '').split(/\r?\n/).map((line) => line.trim())
  const values = secretLines.flatMap((line) => {
    // What follows the first '=', as written and trimmed; a line without one is all value.
    const value = line.slice(line.indexOf('=') + 1)
    return [line, value.trim(), value]
  })
  const key = (raw['sign-key'] ?? '').split(/\r?\n/).map((line) => line.trim())
  const others = [raw['github-token'], raw['sign-key'], raw['sign-key-password']].map((value) =>
    (value ?? '').trim()
  )
  return [...new Set([...values, ...key, ...others].filter((value) => value.length >= 1))]
}

export interface ConfigEnvironment {
  env: NodeJS.ProcessEnv
  context: RunContext
}

/** Parses and checks every input and the Dockerfile; throws ConfigurationError on the first mistake. */
export function parseConfig(raw: RawInputs, { env, context }: ConfigEnvironment): Config {
  for (const [name, value] of Object.entries(raw)) checkRawInput(name, value)
  const roots = { workspace: context.workspace, runnerTemp: env.RUNNER_TEMP }
  const requests = targetRequests(raw)
  const sign = parseSignInputs(raw, env)
  // The signed provenance referrer replaces buildx's unknown/unknown attestation manifest (docs/signing.md),
  // unless the 'provenance' input asks buildx for its own, which is then the one attested.
  const parsedBuild = parseBuildConfig(raw, roots)
  const build =
    parsedBuild.provenance === '' && sign.attest.includes('provenance')
      ? { ...parsedBuild, provenance: 'false' }
      : parsedBuild
  const dockerfile = readDockerfile(build.file, build.filePath, context.workspace)
  const scan = { ...parseScanConfig(raw, roots), listAllPackages: sign.attest.includes('sbom') }
  const config: Config = {
    images: resolveImages(requests, dockerfile, build.file),
    gate: oneOf(raw, 'gate', ['atomic', 'per-target'] as const, 'atomic'),
    aws: {
      region: region(raw, env, build.push),
      registryIds: registryIds(raw),
      createRepository: bool(raw, 'create-repository', false),
      tagMutability: oneOf(raw, 'image-tag-mutability', ['MUTABLE', 'IMMUTABLE'] as const, 'MUTABLE')
    },
    build,
    dockerfile,
    cache: parseCacheConfig(raw),
    tags: {
      rules: parseTagRules(lines(raw.tags)),
      flavor: parseFlavor(lines(raw.flavor)),
      shaSource: oneOf(raw, 'sha-source', ['head', 'merge'] as const, 'head')
    },
    ...(bool(raw, 'scan', true) ? { scan } : {}),
    report: parseReportConfig(raw),
    checks: parseDockerfileChecksInputs(raw),
    sign,
    dryRun: bool(raw, 'dry-run', false),
    githubToken: text(raw, 'github-token')
  }
  checkCombinations(config, scan)
  return config
}

import * as core from '@actions/core'
import { mkdtemp } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ECRClient } from '@aws-sdk/client-ecr'
import { currentBranch, defaultBranch, readRunContext, type RunContext } from './context.js'
import { inspectDockerfile, parseInputs, type DockerfileFacts, type Inputs, type RawInputs } from './inputs.js'
import { awsCall } from './lib/aws.js'
import type { Runner } from './lib/command.js'
import { DryRunner } from './lib/exec.js'
import { cacheReportLine } from './lib/progress.js'
import { planBuilder, probeBuildx, runBuilder, type BuildxFacts } from './phases/buildx.js'
import { planBuild, runBuild, type BuildOutput, type BuildRequest, type BuildResult } from './phases/build.js'
import {
  hashCacheDependencies,
  parseCacheInputs,
  planCache,
  restoreLocalCache,
  saveLocalCache,
  type CacheInputs,
  type CachePlan
} from './phases/cache.js'
import { ecrAuthorization, planLogin } from './phases/ecr-login.js'
import {
  computeMeta,
  fetchRepositoryMetadata,
  fullReferences,
  parseFlavor,
  parseTagRules,
  type Flavor,
  type Meta,
  type TagRule
} from './phases/meta.js'
import { ensureRepository, type RepositoryFacts } from './phases/repository.js'
import { StateStore } from './state.js'

/** Inputs as the runner passes them: `INPUT_<NAME>` with the name upper-cased, hyphens kept. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([key]) => key.startsWith('INPUT_'))
      .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value])
  )
}

/** Everything a user can get wrong, checked before any slow work. */
interface Validated {
  inputs: Inputs
  cacheInputs: CacheInputs
  dockerfile: DockerfileFacts
  tagRules: TagRule[]
  flavor: Flavor
}

function validate(context: RunContext): Validated {
  const raw = readRawInputs()
  const inputs = parseInputs(raw)
  return {
    inputs,
    cacheInputs: parseCacheInputs(raw),
    dockerfile: inspectDockerfile(inputs, context.workspace),
    tagRules: parseTagRules(inputs.tags),
    flavor: parseFlavor(inputs.flavor)
  }
}

/** Where the image goes: straight to the registry, or first somewhere the scan gate can read it. */
function buildOutput(inputs: Inputs): BuildOutput {
  if (inputs.push) return 'push'
  return inputs.load ? 'load' : 'none'
}

async function ecrClient(region: string): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr')
  return new ECRClient({ region, customUserAgent: 'ecr-build-push' })
}

/** The registry, repository and credentials this run pushes to. */
async function connectEcr(inputs: Inputs, dryRun: boolean) {
  const client = await ecrClient(inputs['aws-region'])
  const authorizations = await awsCall('GetAuthorizationToken', () =>
    ecrAuthorization(client, inputs['registry-ids'])
  )
  authorizations.forEach((authorization) => core.setSecret(authorization.password))
  const repository: RepositoryFacts = await awsCall('DescribeRepositories', () =>
    ensureRepository(client, {
      name: inputs.repository,
      registryId: inputs['registry-ids'][0],
      create: inputs['create-repository'] && !dryRun,
      tagMutability: inputs['image-tag-mutability']
    })
  )
  const registry = authorizations[0].registry
  return { client, authorizations, registry, image: `${registry}/${inputs.repository}`, repository }
}

async function tagsAndLabels(validated: Validated, context: RunContext): Promise<Meta> {
  const { inputs, tagRules, flavor } = validated
  const repositoryMetadata = inputs['github-token']
    ? await fetchRepositoryMetadata(inputs['github-token'], context)
    : undefined
  const meta = computeMeta(
    { rules: tagRules, flavor, userLabels: inputs.labels, shaSource: inputs['sha-source'], repositoryMetadata },
    context,
    new Date()
  )
  meta.warnings.forEach((warning) => core.warning(warning))
  return meta
}

async function cachePlan(
  validated: Validated,
  facts: { context: RunContext; buildx: BuildxFacts; buildkitVersion?: string; registry: string; image: string },
  repository: RepositoryFacts
): Promise<CachePlan> {
  const { inputs, dockerfile } = validated
  const plan = planCache(validated.cacheInputs, {
    driver: inputs.driver,
    buildxVersion: facts.buildx.buildxVersion,
    buildkitVersion: facts.buildkitVersion,
    env: process.env,
    registry: facts.registry,
    repository: inputs.repository,
    tagImmutable: repository.tagMutability === 'IMMUTABLE',
    target: dockerfile.stage.name,
    platforms: inputs.platforms,
    branch: currentBranch(facts.context),
    defaultBranch: defaultBranch(facts.context),
    image: facts.image,
    localCacheDir: path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-cache', dockerfile.stage.name),
    dependencyHash: await hashCacheDependencies(
      dockerfile.path,
      path.resolve(facts.context.workspace, inputs.context)
    ),
    hostedRunner: process.env.RUNNER_ENVIRONMENT === 'github-hosted'
  })
  plan.warnings.forEach((warning) => core.warning(warning))
  return plan
}

function setMetaOutputs(meta: Meta, tags: string[]): void {
  core.setOutput('tags', tags.join('\n'))
  core.setOutput('version', meta.version)
  core.setOutput(
    'labels',
    Object.entries(meta.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')
  )
  core.setOutput('json', JSON.stringify(meta.json))
}

function setBuildOutputs(built: BuildResult): void {
  core.setOutput('digest', built.digest)
  core.setOutput('imageid', built.imageId)
  core.setOutput('metadata', JSON.stringify(built.metadata))
}

function uniqueRunId(context: RunContext): string {
  return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`
}

/** The sequence: inputs → facts → plan each phase → run it → outputs and summary. */
export async function main(runner: Runner): Promise<void> {
  const started = Date.now()
  const context = readRunContext()
  const validated = validate(context)
  const { inputs, dockerfile } = validated
  inputs.secrets.forEach((line) => core.setSecret(line.slice(line.indexOf('=') + 1)))
  const dryRun = inputs['dry-run']
  const executor: Runner = dryRun ? new DryRunner() : runner
  const state = new StateStore()

  const buildx = await probeBuildx(runner)
  const ecr = await connectEcr(inputs, dryRun)
  core.setOutput('registry', ecr.registry)
  core.setOutput('image', ecr.image)
  const meta = await tagsAndLabels(validated, context)
  const tags = fullReferences(ecr.image, meta.tags)
  setMetaOutputs(meta, tags)

  for (const command of planLogin(ecr.authorizations)) await executor.run(command)
  if (!dryRun) state.update({ registries: ecr.authorizations.map((authorization) => authorization.registry) })

  const builder = planBuilder({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) })
  if (builder.created && !dryRun) state.update({ builder: builder.name })
  const buildkitVersion = await runBuilder(executor, builder)

  const cache = await cachePlan(
    validated,
    { context, buildx, buildkitVersion, registry: ecr.registry, image: ecr.image },
    ecr.repository
  )
  const temp = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-'))
  state.update({ tempDir: temp })
  const request: BuildRequest = {
    builder: builder.name,
    file: dockerfile.path,
    context: path.resolve(context.workspace, inputs.context),
    target: inputs.target,
    platforms: inputs.platforms,
    buildArgs: inputs['build-args'],
    secrets: inputs.secrets,
    secretFiles: inputs['secret-files'],
    labels: meta.labels,
    annotations: meta.annotations,
    tags,
    image: ecr.image,
    cacheArgs: cache.args,
    output: buildOutput(inputs),
    noCache: inputs['no-cache'],
    pull: inputs.pull,
    provenance: inputs.provenance,
    sbom: inputs.sbom,
    metadataFile: path.join(temp, 'metadata.json'),
    iidFile: path.join(temp, 'iid.txt')
  }
  if (dryRun) {
    await executor.run(planBuild(request))
    core.info(`Dry run: nothing was built or pushed (buildx ${buildx.buildxVersion}).`)
    return
  }
  const restoredCacheKey = await restoreLocalCache(cache)
  const built = await runBuild(runner, request)
  await saveLocalCache(cache, restoredCacheKey)
  core.info(cacheReportLine(built.stats))
  setBuildOutputs(built)
  await writeSummary({
    image: ecr.image,
    tags,
    target: dockerfile.stage.name,
    built,
    seconds: (Date.now() - started) / 1000
  })
}

async function writeSummary(report: {
  image: string
  tags: string[]
  target: string
  built: BuildResult
  seconds: number
}): Promise<void> {
  await core.summary
    .addHeading(`ecr-build-push: ${report.target}`, 3)
    .addTable([
      [
        { data: 'Image', header: true },
        { data: 'Digest', header: true },
        { data: 'Build time', header: true }
      ],
      [report.image, report.built.digest, `${report.seconds.toFixed(1)}s`]
    ])
    .addList(report.tags)
    .addRaw(cacheReportLine(report.built.stats), true)
    .write()
}

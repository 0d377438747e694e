import * as core from '@actions/core'
import { mkdtemp } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ECRClient } from '@aws-sdk/client-ecr'
import { currentBranch, defaultBranch, readRunContext, type RunContext } from './context.js'
import { ConfigurationError, GateError } from './errors.js'
import {
  inspectDockerfile,
  parseInputs,
  type DockerfileFacts,
  type Inputs,
  type RawInputs
} from './inputs.js'
import { awsCall } from './lib/aws.js'
import type { Runner } from './lib/command.js'
import { DryRunner } from './lib/exec.js'
import { cacheReportLine, slowestStepsMarkdown, type BuildStats } from './lib/progress.js'
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
  parseReportInputs,
  printGate,
  runGate,
  scanBase,
  type GateOutcome,
  type ReportInputs,
  type ScanTarget
} from './phases/gate.js'
import {
  branchTag,
  computeMeta,
  fetchRepositoryMetadata,
  fullReferences,
  parseFlavor,
  parseTagRules,
  type Flavor,
  type Meta,
  type TagRule
} from './phases/meta.js'
import {
  commentBody,
  commentMarker,
  pullRequestOf,
  upsertStickyComment,
  type BaseComparison
} from './phases/pr-comment.js'
import { ecrAccountOf, planTagDigest, pushLoaded, registryLayers, tagOnEcr } from './phases/push.js'
import { relativeToWorkspace, summaryMarkdown, type TargetReport } from './phases/report.js'
import type { SizedLayer } from './lib/size.js'
import { ensureRepository, type RepositoryFacts } from './phases/repository.js'
import { parseScanInputs, type ScanInputs } from './phases/scan.js'
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
  scanInputs: ScanInputs
  reportInputs: ReportInputs
  dockerfile: DockerfileFacts
  tagRules: TagRule[]
  flavor: Flavor
}

function validate(context: RunContext): Validated {
  const raw = readRawInputs()
  const inputs = parseInputs(raw)
  const reportInputs = parseReportInputs(raw)
  if (reportInputs['max-image-size'] !== undefined && !inputs.scan) {
    throw new ConfigurationError(
      `Input 'max-image-size' is set but 'scan' is false: the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings).`
    )
  }
  return {
    inputs,
    cacheInputs: parseCacheInputs(raw),
    scanInputs: parseScanInputs(raw, context.workspace),
    reportInputs,
    dockerfile: inspectDockerfile(inputs, context.workspace),
    tagRules: parseTagRules(inputs.tags),
    flavor: parseFlavor(inputs.flavor)
  }
}

/**
 * Where the build puts the image. Without a scan it goes straight to its tags. With one, it goes where the
 * gate can read it and nobody can pull it by a tag: the daemon (docker driver, or no push), or the
 * registry by digest alone (docker-container).
 */
export function buildOutput(inputs: Pick<Inputs, 'scan' | 'push' | 'load' | 'driver'>): BuildOutput {
  if (!inputs.scan) return inputs.push ? 'push' : inputs.load ? 'load' : 'none'
  return inputs.driver === 'docker' || !inputs.push ? 'load' : 'push-by-digest'
}

/** What the gate scans: the loaded image by its first tag, or the pushed digest once per platform. */
export function scanTargets(
  output: BuildOutput,
  tags: string[],
  image: string,
  digest: string,
  platforms: string[]
): ScanTarget[] {
  if (output !== 'push-by-digest') return [{ imageRef: tags[0], source: 'docker' }]
  const imageRef = `${image}@${digest}`
  if (platforms.length <= 1) return [{ imageRef, source: 'remote' }]
  return platforms.map((platform) => ({ imageRef, source: 'remote', platform }))
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

type Ecr = Awaited<ReturnType<typeof connectEcr>>

async function tagsAndLabels(validated: Validated, context: RunContext): Promise<Meta> {
  const { inputs, tagRules, flavor } = validated
  const repositoryMetadata = await fetchRepositoryMetadata(inputs['github-token'], context)
  const meta = computeMeta(
    {
      rules: tagRules,
      flavor,
      userLabels: inputs.labels,
      shaSource: inputs['sha-source'],
      repositoryMetadata
    },
    context,
    new Date()
  )
  meta.warnings.forEach((warning) => core.warning(warning))
  if (meta.tags.length === 0 && (inputs.push || inputs.scan)) {
    throw new ConfigurationError(
      `Input 'tags' produced no tag for this ${context.eventName || 'run'} event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults.`
    )
  }
  return meta
}

/** Without a push there is no registry to read or write cache: gha and local stay, the rest is dropped. */
function withoutRegistry(cache: CacheInputs): CacheInputs {
  if (cache.cache === 'none') return cache
  const needsRegistry = (backend: string) => backend === 'registry' || backend === 'inline'
  const kept = cache.cache.filter((backend) => !needsRegistry(backend))
  const dropped = cache.cache.filter(needsRegistry)
  if (dropped.length > 0) {
    core.warning(
      `Cache: ${dropped.map((backend) => `'${backend}'`).join(', ')} cache needs the registry, which 'push: false' does not use; it is left out of this build.`
    )
  }
  return { ...cache, cache: kept.length > 0 ? kept : 'none' }
}

async function cachePlan(
  validated: Validated,
  facts: { context: RunContext; buildx: BuildxFacts; buildkitVersion?: string; ecr?: Ecr; image: string }
): Promise<CachePlan> {
  const { inputs, dockerfile } = validated
  const cacheInputs = facts.ecr ? validated.cacheInputs : withoutRegistry(validated.cacheInputs)
  const plan = planCache(cacheInputs, {
    driver: inputs.driver,
    buildxVersion: facts.buildx.buildxVersion,
    buildkitVersion: facts.buildkitVersion,
    env: process.env,
    registry: facts.ecr?.registry ?? '',
    repository: inputs.repository,
    tagImmutable: facts.ecr?.repository.tagMutability === 'IMMUTABLE',
    target: dockerfile.stage.name,
    platforms: inputs.platforms,
    branch: currentBranch(facts.context),
    defaultBranch: defaultBranch(facts.context),
    image: facts.image,
    localCacheDir: path.join(
      process.env.RUNNER_TEMP || os.tmpdir(),
      'ecr-build-push-cache',
      dockerfile.stage.name
    ),
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

function setGateOutputs(gate: GateOutcome): void {
  core.setOutput('vulnerabilities', JSON.stringify(gate.counts))
  core.setOutput('scan-report', gate.reportPaths.join('\n'))
  core.setOutput('sarif-file', gate.sarifPaths.join('\n'))
}

function uniqueRunId(context: RunContext): string {
  return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`
}

/** Gives the scanned image its final tags; returns the digest every tag points at. */
async function publish(
  runner: Runner,
  output: BuildOutput,
  built: BuildResult,
  tags: string[],
  ecr: Ecr | undefined,
  inputs: Inputs
) {
  if (output === 'push' || !ecr) return built.digest
  if (output === 'load') return pushLoaded(runner, tags)
  if (ecrAccountOf(ecr.registry)) {
    await awsCall('PutImage', () =>
      tagOnEcr(ecr.client, {
        repository: inputs.repository,
        registryId: ecr.repository.registryId,
        digest: built.digest,
        tags
      })
    )
  } else {
    await runner.run(planTagDigest(ecr.image, built.digest, tags), { stream: true })
  }
  return built.digest
}

/** Where the pull request's base branch stands: its image in the registry, scanned the same way. */
async function baseComparison(
  runner: Runner,
  validated: Validated,
  facts: { context: RunContext; gate?: GateOutcome; image: string; tempDir: string }
): Promise<BaseComparison | undefined> {
  const pullRequest = pullRequestOf(facts.context)
  if (!pullRequest?.baseRef || !facts.gate || !validated.inputs.push) return undefined
  const reference = `${facts.image}:${branchTag(pullRequest.baseRef)}`
  try {
    return await scanBase({
      runner,
      scan: validated.scanInputs,
      tempDir: facts.tempDir,
      trivy: facts.gate.trivy,
      baseRef: pullRequest.baseRef,
      reference,
      layers: await registryLayers(runner, reference)
    })
  } catch (error) {
    core.warning(`Could not compare with ${reference}: ${(error as Error).message}`)
    return { ref: pullRequest.baseRef }
  }
}

/** Job summary and, on pull requests, the sticky comment: written whether the gate passed or not. */
async function report(
  runner: Runner,
  validated: Validated,
  facts: { context: RunContext; gate?: GateOutcome; image: string; tempDir: string; stats: BuildStats },
  targetReport: TargetReport
): Promise<void> {
  await core.summary
    .addRaw(summaryMarkdown(targetReport), true)
    .addRaw(slowestStepsMarkdown(facts.stats), true)
    .write()
  const pullRequest = pullRequestOf(facts.context)
  const token = validated.inputs['github-token']
  if (!pullRequest || !validated.reportInputs['pr-comment'] || !token) return
  const base = await baseComparison(runner, validated, facts)
  const result = await upsertStickyComment({
    token,
    context: facts.context,
    issueNumber: pullRequest.number,
    marker: commentMarker(validated.inputs.repository, targetReport.target),
    body: commentBody(targetReport, base)
  })
  core.info(`Pull request comment: ${result.action}${result.url ? ` ${result.url}` : ''}`)
}

/** Compressed sizes from the pushed manifest, in place of the sizes the scan saw in the daemon. */
async function compressedLayers(runner: Runner, reference: string, layers: SizedLayer[] | undefined) {
  const pushed = await registryLayers(runner, reference)
  if (!layers || !pushed || pushed.length !== layers.length) return layers
  return layers.map((layer, index) => ({ ...layer, digest: pushed[index].digest, size: pushed[index].size }))
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
  // Without a push (e.g. scan-only on fork pull requests) nothing needs ECR, nor AWS credentials.
  const ecr = inputs.push ? await connectEcr(inputs, dryRun) : undefined
  const image = ecr?.image ?? inputs.repository
  core.setOutput('registry', ecr?.registry ?? '')
  core.setOutput('image', image)
  const meta = await tagsAndLabels(validated, context)
  const tags = fullReferences(image, meta.tags)
  setMetaOutputs(meta, tags)

  if (ecr) {
    for (const command of planLogin(ecr.authorizations)) await executor.run(command)
    if (!dryRun)
      state.update({ registries: ecr.authorizations.map((authorization) => authorization.registry) })
  }

  const builder = planBuilder({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) })
  if (builder.created && !dryRun) state.update({ builder: builder.name })
  const buildkitVersion = await runBuilder(executor, builder)

  const cache = await cachePlan(validated, { context, buildx, buildkitVersion, ecr, image })
  const temp = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-'))
  state.update({ tempDir: temp })
  const output = buildOutput(inputs)
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
    image,
    cacheArgs: cache.args,
    output,
    noCache: inputs['no-cache'],
    pull: inputs.pull,
    provenance: inputs.provenance,
    sbom: inputs.sbom,
    metadataFile: path.join(temp, 'metadata.json'),
    iidFile: path.join(temp, 'iid.txt')
  }
  if (dryRun) {
    await executor.run(planBuild(request))
    if (inputs.scan) {
      const targets = scanTargets(output, tags, image, '<digest>', inputs.platforms)
      await printGate(executor, { scan: validated.scanInputs, targets, tempDir: temp })
    }
    core.info(`Dry run: nothing was built, scanned or pushed (buildx ${buildx.buildxVersion}).`)
    return
  }

  const restoredCacheKey = await restoreLocalCache(cache)
  const built = await runBuild(runner, request)
  await saveLocalCache(cache, restoredCacheKey)
  core.info(cacheReportLine(built.stats))
  core.setOutput('imageid', built.imageId)
  core.setOutput('metadata', JSON.stringify(built.metadata))

  const gate = inputs.scan
    ? await runGate({
        runner,
        scan: validated.scanInputs,
        report: validated.reportInputs,
        context,
        token: inputs['github-token'],
        repository: inputs.repository,
        stage: dockerfile.stage.name,
        target: inputs.target,
        dockerfilePath: dockerfile.path,
        buildArgs: inputs['build-args'],
        targets: scanTargets(output, tags, image, built.digest, inputs.platforms),
        tempDir: temp
      })
    : undefined
  if (gate) setGateOutputs(gate)
  const targetReport: TargetReport = {
    target: dockerfile.stage.name,
    repository: inputs.repository,
    image,
    tags: gate?.blocked || !ecr ? [] : tags,
    buildSeconds: (Date.now() - started) / 1000,
    cachedSteps: cacheReportLine(built.stats),
    pushed: false,
    dockerfile: relativeToWorkspace(dockerfile.path, context.workspace),
    blobUrl: `${context.serverUrl}/${context.repository}/blob/${context.sha}`,
    ...(gate
      ? {
          findings: gate.findings,
          layers: gate.layers,
          ...(gate.sizeCheck ? { sizeCheck: gate.sizeCheck } : {}),
          ...(validated.scanInputs['fail-on'] !== 'none'
            ? { failSeverity: validated.scanInputs['fail-on'] }
            : {})
        }
      : {})
  }
  const facts = { context, gate, image, tempDir: temp, stats: built.stats }
  if (gate?.blocked) {
    await report(runner, validated, facts, targetReport)
    throw new GateError(`No tag was pushed: ${gate.blocked}`)
  }
  const digest = await publish(runner, output, built, tags, ecr, inputs)
  core.setOutput('digest', digest)
  const layers = ecr
    ? await compressedLayers(runner, `${image}@${digest}`, targetReport.layers)
    : targetReport.layers
  await report(runner, validated, facts, {
    ...targetReport,
    digest,
    pushed: Boolean(ecr),
    ...(layers ? { layers } : {})
  })
}

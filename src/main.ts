import * as core from '@actions/core'
import { mkdir, mkdtemp } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { currentBranch, defaultBranch, readRunContext, type RunContext } from './github/context.js'
import { ConfigurationError, GateError } from './errors.js'
import {
  inspectDockerfile,
  parseInputs,
  type DockerfileFacts,
  type Inputs,
  type RawInputs
} from './config/inputs.js'
import type { Runner } from './run/command.js'
import type { Stage } from './config/dockerfile.js'
import { DryRunner } from './run/exec.js'
import { cacheReportLine } from './build/progress.js'
import { planBake, runBake } from './build/bake.js'
import {
  architecturesNeedingEmulation,
  planBuilder,
  planQemu,
  probeBuildx,
  registeredHandlers,
  runBuilder,
  type BuildxFacts
} from './build/buildx.js'
import { buildOutput, planBuild, runBuild, type BuildRequest, type BuildResult } from './build/build.js'
import {
  hashCacheDependencies,
  parseCacheInputs,
  planCache,
  restoreLocalCache,
  saveLocalCache,
  type CacheInputs,
  type CachePlan
} from './cache/cache.js'
import { connectEcr, type EcrConnection } from './ecr/connect.js'
import { planLogin } from './ecr/login.js'
import {
  parseReportInputs,
  prepareTrivy,
  printGate,
  printTrivySetup,
  runGate,
  scanTargets,
  type GateOutcome,
  type ReportInputs
} from './scan/gate.js'
import { writeJobReport } from './report/job-report.js'
import { pullRequestOf } from './report/comment.js'
import {
  baseBranchTag,
  computeMeta,
  stableTags,
  fetchRepositoryMetadata,
  fullReferences,
  parseFlavor,
  parseTagRules,
  type Flavor,
  type Meta,
  type TagRule
} from './meta/meta.js'
import { compressedLayers, publish } from './release/publish.js'
import { ecrAccountOf, planPull, planPushLoaded, planTagDigest, tagOf } from './release/push.js'
import { relativeToWorkspace, type TargetReport } from './report/summary.js'
import { parseScanInputs, type ScanInputs } from './scan/scan.js'
import { StateStore } from './run/state.js'

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
  // The docker driver can hold several platforms with the containerd image store; a builder container can't load them.
  const loaded = buildOutput(inputs) === 'load' || inputs.load
  if (inputs.platforms.length > 1 && inputs.driver === 'docker-container' && loaded) {
    throw new ConfigurationError(
      `Input 'platforms' has ${inputs.platforms.length} platforms, but this image would be loaded into the Docker daemon ('load: true', or 'push: false' with a scan), which takes one platform from a docker-container builder. Set 'push: true' and 'load: false' (the scan then reads each platform from the registry), or build one platform.`
    )
  }
  const cacheInputs = parseCacheInputs(raw)
  const shared = (['cache-ref', 'cache-from', 'cache-to'] as const).find(
    (name) => cacheInputs[name].length > 0
  )
  if (inputs.targets.length > 1 && shared) {
    throw new ConfigurationError(
      `Input '${shared}' is set with ${inputs.targets.length} targets: they would share one cache and overwrite each other's. Leave it empty (each target gets its own cache), or build the targets in separate steps.`
    )
  }
  return {
    inputs,
    cacheInputs,
    scanInputs: parseScanInputs(raw, context.workspace),
    reportInputs,
    dockerfile: inspectDockerfile(inputs, context.workspace),
    tagRules: parseTagRules(inputs.tags),
    flavor: parseFlavor(inputs.flavor)
  }
}

/** Tags and labels, plus the tags earlier runs left: the pull request's base image and the inline cache sources. */
type RunMeta = Meta & { baseTag?: string; previousTags: string[] }

async function tagsAndLabels(validated: Validated, context: RunContext): Promise<RunMeta> {
  const { inputs, tagRules, flavor } = validated
  const repositoryMetadata = await fetchRepositoryMetadata(inputs['github-token'], context)
  const input = {
    rules: tagRules,
    flavor,
    userLabels: inputs.labels,
    shaSource: inputs['sha-source'],
    repositoryMetadata
  }
  const now = new Date()
  const meta = computeMeta(input, context, now)
  const baseRef = pullRequestOf(context)?.baseRef
  meta.warnings.forEach((warning) => core.warning(warning))
  if (meta.tags.length === 0 && (inputs.push || inputs.scan)) {
    throw new ConfigurationError(
      `Input 'tags' produced no tag for this ${context.eventName || 'run'} event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults.`
    )
  }
  const defaultName = defaultBranch(context) ?? repositoryMetadata?.defaultBranch
  const previousTags = [
    stableTags(input, context, now)[0],
    defaultName ? baseBranchTag(input, context, defaultName, now) : undefined
  ].filter((tag): tag is string => Boolean(tag))
  return {
    ...meta,
    previousTags: [...new Set(previousTags)],
    ...(baseRef ? { baseTag: baseBranchTag(input, context, baseRef, now) } : {})
  }
}

/** One image of the step and everything learnt about it on the way. */
interface ImageJob {
  stage: Stage
  repository: string
  /** `registry/repository`, or the repository alone when nothing is pushed. */
  image: string
  tags: string[]
  tempDir: string
  request: BuildRequest
  cache: CachePlan
  built?: BuildResult
  gate?: GateOutcome
  digest?: string
  error?: string
}

interface JobFacts {
  context: RunContext
  buildx: BuildxFacts
  buildkitVersion?: string
  ecr?: EcrConnection
  builder: string
  meta: RunMeta
  temp: string
}

async function planJob(
  validated: Validated,
  facts: JobFacts,
  stage: Stage,
  index: number
): Promise<ImageJob> {
  const { inputs, dockerfile } = validated
  const repository = inputs.targets[index].repository
  const image = facts.ecr ? `${facts.ecr.registry}/${repository}` : repository
  const tags = fullReferences(image, facts.meta.tags)
  const tempDir = path.join(facts.temp, `${index}-${stage.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`)
  await mkdir(tempDir, { recursive: true })
  const buildContext = path.resolve(facts.context.workspace, inputs.context)
  const cache = planCache(validated.cacheInputs, {
    driver: inputs.driver,
    buildxVersion: facts.buildx.buildxVersion,
    buildkitVersion: facts.buildkitVersion,
    env: process.env,
    registry: facts.ecr?.registry ?? '',
    repository,
    tagImmutable: facts.ecr?.repositories.get(repository)?.tagMutability === 'IMMUTABLE',
    target: stage.name,
    platforms: inputs.platforms,
    branch: currentBranch(facts.context),
    defaultBranch: defaultBranch(facts.context),
    image,
    previousTags: facts.meta.previousTags,
    localCacheDir: path.join(
      process.env.RUNNER_TEMP || os.tmpdir(),
      'ecr-build-push-cache',
      repository,
      stage.name
    ),
    dependencyHash: await hashCacheDependencies(dockerfile.path, buildContext),
    hostedRunner: process.env.RUNNER_ENVIRONMENT === 'github-hosted'
  })
  cache.warnings.forEach((warning) => core.warning(warning))
  const request: BuildRequest = {
    builder: facts.builder,
    file: dockerfile.path,
    context: buildContext,
    target: stage.name === String(stage.index) ? '' : stage.name,
    platforms: inputs.platforms,
    buildArgs: inputs['build-args'],
    secrets: inputs.secrets,
    secretFiles: inputs['secret-files'],
    labels: facts.meta.labels,
    annotations: facts.meta.annotations,
    tags,
    image,
    cacheArgs: cache.args,
    output: buildOutput(inputs),
    alsoLoad: inputs.load && inputs.push,
    noCache: inputs['no-cache'],
    pull: inputs.pull,
    provenance: inputs.provenance,
    sbom: inputs.sbom,
    metadataFile: path.join(tempDir, 'metadata.json'),
    iidFile: path.join(tempDir, 'iid.txt')
  }
  return { stage, repository, image, tags, tempDir, request, cache }
}

/** Several targets as one bake, so the stages they share build once. */
function bakeFor(jobs: ImageJob[], facts: JobFacts, inputs: Inputs) {
  const files = {
    definitionFile: path.join(facts.temp, 'bake.json'),
    metadataFile: path.join(facts.temp, 'bake-metadata.json')
  }
  const plan = planBake(
    jobs.map((job) => job.request),
    { ...files, builder: facts.builder, provenance: inputs.provenance, sbom: inputs.sbom }
  )
  return { plan, files }
}

async function buildAll(
  runner: Runner,
  jobs: ImageJob[],
  facts: JobFacts,
  inputs: Inputs
): Promise<BuildResult[]> {
  if (jobs.length === 1) return [await runBuild(runner, jobs[0].request)]
  const { plan, files } = bakeFor(jobs, facts, inputs)
  return runBake(runner, plan, files)
}

async function printPlan(executor: Runner, jobs: ImageJob[], facts: JobFacts, validated: Validated) {
  const { inputs } = validated
  if (jobs.length === 1) {
    await executor.run(planBuild(jobs[0].request))
  } else {
    const { plan, files } = bakeFor(jobs, facts, inputs)
    core.info(`bake definition (${files.definitionFile}):\n${JSON.stringify(plan.definition, null, 2)}`)
    await executor.run(plan.command)
  }
  if (inputs.scan) {
    await printTrivySetup(executor, { scan: validated.scanInputs, tempDir: facts.temp })
    for (const job of jobs) {
      const targets = scanTargets(job.request.output, job.tags, job.image, '<digest>', inputs.platforms)
      await printGate(executor, { scan: validated.scanInputs, targets, tempDir: job.tempDir })
    }
  }
  if (facts.ecr) for (const job of jobs) await printPublish(executor, job, facts.ecr, inputs.load)
}

/** How each image would get its final tags after the gate. */
async function printPublish(executor: Runner, job: ImageJob, ecr: EcrConnection, load: boolean) {
  if (job.request.output === 'load') {
    for (const command of planPushLoaded(job.tags)) await executor.run(command)
  } else if (job.request.output === 'push-by-digest') {
    if (ecrAccountOf(ecr.registry)) {
      core.info(
        `ECR BatchGetImage ${job.repository}@<digest>, then PutImage as ${job.tags.map(tagOf).join(', ')}`
      )
    } else {
      await executor.run(planTagDigest(job.image, '<digest>', job.tags))
    }
    if (load) for (const command of planPull(job.tags)) await executor.run(command)
  }
}

function targetReport(
  job: ImageJob,
  validated: Validated,
  context: RunContext,
  seconds: number
): TargetReport {
  const failOn = validated.scanInputs['fail-on']
  return {
    target: job.stage.name,
    repository: job.repository,
    image: job.image,
    tags: job.digest && validated.inputs.push ? job.tags : [],
    ...(job.digest ? { digest: job.digest } : {}),
    buildSeconds: seconds,
    ...(job.built ? { cachedSteps: cacheReportLine(job.built.stats) } : {}),
    pushed: Boolean(job.digest) && validated.inputs.push,
    dockerfile: relativeToWorkspace(validated.dockerfile.path, context.workspace),
    blobUrl: `${context.serverUrl}/${context.repository}/blob/${context.sha}`,
    ...(job.gate
      ? {
          findings: job.gate.findings,
          layers: job.gate.layers,
          sizesCompressed: job.gate.layersCompressed,
          ...(job.gate.sizeCheck ? { sizeCheck: job.gate.sizeCheck } : {}),
          ...(failOn !== 'none' ? { failSeverity: failOn } : {})
        }
      : {})
  }
}

/** Outputs: `images` for every target; the single-image outputs describe the first target. */
function setOutputs(jobs: ImageJob[], meta: Meta, registry: string, dryRun: boolean): void {
  const [first] = jobs
  core.setOutput('registry', registry)
  core.setOutput('image', first.image)
  const published = Boolean(first.digest) && registry !== ''
  core.setOutput('tags', published || dryRun ? first.tags.join('\n') : '')
  core.setOutput('version', meta.version)
  core.setOutput(
    'labels',
    Object.entries(meta.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')
  )
  core.setOutput('json', JSON.stringify(meta.json))
  if (first.digest !== undefined) core.setOutput('digest', first.digest)
  if (first.built) {
    core.setOutput('imageid', first.built.imageId)
    core.setOutput('metadata', JSON.stringify(first.built.metadata))
  }
  if (first.gate) {
    core.setOutput('vulnerabilities', JSON.stringify(first.gate.counts))
    core.setOutput('scan-report', first.gate.reportPaths.join('\n'))
    core.setOutput('sarif-file', first.gate.sarifPaths.join('\n'))
  }
  core.setOutput(
    'images',
    JSON.stringify(
      jobs.map((job) => ({
        stage: job.stage.name,
        repository: job.repository,
        image: job.image,
        digest: job.digest ?? null,
        tags: job.digest && registry ? job.tags : [],
        vulnerabilities: job.gate?.counts ?? null,
        ...(job.gate?.blocked ? { blocked: job.gate.blocked } : {}),
        ...(job.error ? { error: job.error } : {})
      }))
    )
  )
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
  if (inputs['github-token']) core.setSecret(inputs['github-token'])
  const dryRun = inputs['dry-run']
  const executor: Runner = dryRun ? new DryRunner() : runner
  const state = new StateStore()

  const buildx = await probeBuildx(runner)
  // Without a push (e.g. scan-only on fork pull requests) nothing needs ECR, nor AWS credentials.
  const ecr = inputs.push ? await connectEcr(inputs, dryRun) : undefined
  const meta = await tagsAndLabels(validated, context)
  if (ecr) {
    for (const command of planLogin(ecr.authorizations)) await executor.run(command)
    if (!dryRun)
      state.update({ registries: ecr.authorizations.map((authorization) => authorization.registry) })
  }

  const builder = planBuilder({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) })
  if (builder.created && !dryRun) state.update({ builder: builder.name })
  // Emulators first: a builder sees the platforms it can run when it starts.
  const handlers = inputs.platforms.length > 0 ? await registeredHandlers() : []
  const emulated = architecturesNeedingEmulation(inputs.platforms, process.arch, handlers)
  for (const command of planQemu(emulated)) await executor.run(command, { stream: true })
  const buildkitVersion = await runBuilder(executor, builder)
  const temp = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-'))
  state.update({ tempDir: temp })
  const facts: JobFacts = { context, buildx, buildkitVersion, ecr, builder: builder.name, meta, temp }
  const jobs: ImageJob[] = []
  for (const [index, stage] of dockerfile.built.entries())
    jobs.push(await planJob(validated, facts, stage, index))

  if (dryRun) {
    setOutputs(jobs, meta, ecr?.registry ?? '', true)
    await printPlan(executor, jobs, facts, validated)
    core.info(`Dry run: nothing was built, scanned or pushed (buildx ${buildx.buildxVersion}).`)
    return
  }

  const restored = await Promise.all(jobs.map((job) => restoreLocalCache(job.cache)))
  const built = await buildAll(runner, jobs, facts, inputs)
  jobs.forEach((job, index) => (job.built = built[index]))
  await Promise.all(jobs.map((job, index) => saveLocalCache(job.cache, restored[index])))
  core.info(cacheReportLine(built[0].stats))

  if (inputs.scan) {
    const prepared = await prepareTrivy({ runner, scan: validated.scanInputs, tempDir: temp })
    for (const job of jobs) {
      job.gate = await runGate({
        runner,
        prepared,
        scan: validated.scanInputs,
        report: validated.reportInputs,
        context,
        token: inputs['github-token'],
        repository: job.repository,
        stage: job.stage.name,
        target: job.request.target,
        dockerfilePath: dockerfile.path,
        buildArgs: inputs['build-args'],
        targets: scanTargets(
          job.request.output,
          job.tags,
          job.image,
          job.built?.digest ?? '',
          inputs.platforms
        ),
        tempDir: job.tempDir
      })
    }
  }
  const blocked = jobs.filter((job) => job.gate?.blocked)
  // Atomic by default: one target failing its gate keeps every target's final tags back.
  const releasable =
    inputs.gate === 'atomic' && blocked.length > 0 ? [] : jobs.filter((job) => !job.gate?.blocked)
  if (ecr) {
    const published = await Promise.allSettled(
      releasable.map((job) =>
        publish(runner, {
          output: job.request.output,
          built: job.built!,
          image: job.image,
          repository: job.repository,
          tags: job.tags,
          ecr,
          load: inputs.load
        })
      )
    )
    published.forEach((result, index) => {
      if (result.status === 'fulfilled') releasable[index].digest = result.value
      else releasable[index].error = (result.reason as Error).message
    })
  } else {
    for (const job of releasable) job.digest = job.built?.digest
  }

  setOutputs(jobs, meta, ecr?.registry ?? '', false)
  const seconds = (Date.now() - started) / 1000
  for (const job of jobs) {
    const report = targetReport(job, validated, context, seconds)
    const layers =
      job.digest && ecr
        ? await compressedLayers(runner, `${job.image}@${job.digest}`, report.layers)
        : undefined
    await writeJobReport(
      {
        runner,
        context,
        token: inputs['github-token'],
        prComment: validated.reportInputs['pr-comment'],
        push: inputs.push,
        scan: validated.scanInputs,
        gate: job.gate,
        ...(meta.baseTag ? { baseTag: meta.baseTag } : {}),
        image: job.image,
        tempDir: job.tempDir,
        stats: built[0].stats
      },
      { ...report, ...(layers ? { layers, sizesCompressed: true } : {}) }
    )
  }
  failIfAnyHeldBack(jobs, blocked)
}

/** One error for the step: what the gate blocked, what it held back with them, and what failed to push. */
function failIfAnyHeldBack(jobs: ImageJob[], blocked: ImageJob[]): void {
  const several = jobs.length > 1
  const named = (job: ImageJob) => (several ? `${job.stage.name} (${job.repository}): ` : '')
  if (blocked.length > 0) {
    const subject = several ? ` for ${blocked.map((job) => job.stage.name).join(', ')}` : ''
    const heldBack = jobs.filter((job) => !job.gate?.blocked && !job.digest).map((job) => job.stage.name)
    const held = heldBack.length > 0 ? `\nHeld back with them (gate: atomic): ${heldBack.join(', ')}.` : ''
    const reasons = blocked.map((job) => `${named(job)}${job.gate?.blocked}`).join('\n')
    throw new GateError(`No tag was pushed${subject}: ${reasons}${held}`)
  }
  const failed = jobs.filter((job) => job.error)
  if (failed.length > 0)
    throw new Error(failed.map((job) => `${named(job)}push failed: ${job.error}`).join('\n'))
}

import { mkdir, mkdtemp } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { planBake, runBake } from './build/bake.js'
import { planBuild, readBuildResult, runWithProgress, type BuildResult } from './build/build.js'
import { inspectBuilder, planBuilder, runBuilder } from './build/buildx.js'
import { rewritesTimestamps } from './build/output.js'
import { probeDocker, type DaemonFacts } from './build/daemon.js'
import { planImages, type ImagePlan } from './build/plan.js'
import { setUpEmulation } from './build/emulation.js'
import { hashCacheDependencies, restoreLocalCache, saveLocalCache } from './cache/local.js'
import { parseConfig, secretValues, type Config } from './config/config.js'
import { checkPlatformSupport } from './config/platforms.js'
import { readRawInputs } from './config/values.js'
import { connectEcr, createRepositories, type EcrConnection } from './ecr/connect.js'
import { planLogin } from './ecr/login.js'
import { checkCacheRegistry, dockerLogins } from './ecr/registries.js'
import { defaultBranch, readRunContext, type RunContext } from './github/context.js'
import { fetchBranchesLike } from './github/branches.js'
import { fetchRepositoryMetadata } from './github/repository.js'
import { loadDates, readCommitDate } from './meta/meta.js'
import { runFacts } from './meta/run-facts.js'
import { runMeta, type RunMeta } from './meta/run-tags.js'
import { cacheReportLine } from './report/build-steps.js'
import { failIfAnyHeldBack, setOutputs, type ImageOutcome } from './outcome.js'
import { releaseAll } from './release/phase.js'
import { reportAll } from './report/job.js'
import { DryRunner } from './run/dry.js'
import type { Runner } from './run/command.js'
import { LiveRunner } from './run/live.js'
import { RunnerLog, type Log } from './run/log.js'
import { NoState, RunnerState, type StateStore } from './run/state.js'
import { gateAll } from './scan/phase.js'
import { checkAll } from './dockerfile/phase.js'
import { signAll } from './sign/phase.js'
import { dockerfileFindingsOutput } from './dockerfile/render.js'
import { uniqueFindings as uniqueChecks } from './dockerfile/finding.js'
import { GateError } from './errors.js'
import { capAnnotations, emitAnnotations } from './report/annotations.js'
import { publishFindings } from './report/findings-upload.js'

/** What a run needs from the outside world; tests give stubs. */
export interface Io {
  env: NodeJS.ProcessEnv
  log: Log
  /** The runner that really executes: probes always, changes unless `dry-run`. */
  live(options: { region: string; github: { token: string; apiUrl: string } }): Runner
  now(): Date
}

export function runnerIo(env: NodeJS.ProcessEnv = process.env): Io {
  const log = new RunnerLog()
  return { env, log, live: (options) => new LiveRunner({ log, ...options }), now: () => new Date() }
}

/** Facts probed once, concurrently, before anything changes. */
interface Facts {
  buildxVersion: string
  daemon: DaemonFacts
  ecr?: EcrConnection
  /** Registries docker has credentials for from earlier steps. */
  dockerLogins: string[]
}

async function probeFacts(probe: Runner, config: Config, env: NodeJS.ProcessEnv): Promise<Facts> {
  // docker starts first: its process runs while the ECR SDK's first load compiles on this thread.
  const [docker, ecr, logins] = await Promise.all([
    probeDocker(probe),
    // Without a push (e.g. scan-only on fork pull requests) nothing needs ECR, nor AWS credentials.
    config.build.push ? connectEcr(probe, config.images, config.aws) : Promise.resolve(undefined),
    dockerLogins(env)
  ])
  return { ...docker, dockerLogins: logins, ...(ecr ? { ecr } : {}) }
}

function runKey(context: RunContext): string {
  return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`
}

async function buildAll(
  runner: Runner,
  log: Log,
  plans: ImagePlan[],
  config: Config,
  temp: string,
  builder: string
) {
  if (plans.length === 1) {
    const [plan] = plans
    const stats = await runWithProgress(runner, log, planBuild(plan.request))
    return [runner.dryRun ? dryResult(stats) : await readBuildResult(plan.request, stats)]
  }
  const bake = planBake(
    plans.map((plan) => plan.request),
    {
      definitionFile: path.join(temp, 'bake.json'),
      metadataFile: path.join(temp, 'bake-metadata.json'),
      builder,
      provenance: config.build.provenance,
      sbom: config.build.sbom
    }
  )
  if (!runner.dryRun) return runBake(runner, log, bake)
  await runner.write(bake.definition)
  const stats = await runWithProgress(runner, log, bake.command)
  return plans.map(() => dryResult(stats))
}

function dryResult(stats: BuildResult['stats']): BuildResult {
  return { digest: '<digest>', imageId: '<image id>', metadata: {}, stats }
}

/** The sequence: inputs → tags → facts → ECR → builder → cache → build → gate → release → report. */
export async function runAction(io: Io): Promise<void> {
  const started = Date.now()
  const { log } = io
  const context = readRunContext(io.env)
  const raw = readRawInputs(io.env)
  // Before anything can print one, not even an error about them.
  secretValues(raw).forEach((value) => log.mask(value))
  const config = await log.group('Inputs', async () => parseConfig(raw, { env: io.env, context }))
  const probe = io.live({
    region: config.aws.region,
    github: { token: config.githubToken, apiUrl: context.apiUrl }
  })
  const runner: Runner = config.dryRun ? new DryRunner(log) : probe
  const state: StateStore = config.dryRun ? new NoState() : new RunnerState(log)
  const now = io.now()
  // One key names this run's builder and staging images, so the post step and a re-run tell them apart.
  const key = runKey(context)
  const needsTag = config.build.push || config.scan !== undefined
  const metadata = fetchRepositoryMetadata(probe, log, config.githubToken, context)
  const commitDate = readCommitDate(probe, context, { ...config.tags, created: config.build.created })
  const branch = runFacts(context, config.tags.shaSource, undefined, undefined).branch
  const branchesLike =
    branch && config.githubToken ? fetchBranchesLike(probe, log, context, branch) : Promise.resolve([])

  // A rule set that names no tag is refused before any AWS call (which might create repositories).
  const meta: RunMeta = await log.group('Tags and labels', async () => {
    await loadDates(config.tags)
    const request = {
      tags: config.tags,
      labels: config.build.labels,
      context,
      now,
      needsTag,
      created: config.build.created
    }
    // The payload names the default branch on most events: then no wait for the API before the check.
    if (defaultBranch(context) !== undefined) runMeta(request)
    const [repository, committed, otherBranches] = await Promise.all([metadata, commitDate, branchesLike])
    const result = runMeta({
      ...request,
      otherBranches,
      ...(repository ? { metadata: repository } : {}),
      ...(committed ? { commitDate: committed } : {})
    })
    result.warnings.forEach((warning) => log.warning(warning))
    log.info(`Tags: ${result.tags.join(', ') || '(none)'}`)
    if (config.build.created === 'commit' && result.sourceDateEpoch === undefined)
      log.info(
        `created: commit, but neither the event nor the workspace's git knows when the commit was made: the image's created time is the build time, so a rebuild gives another digest.`
      )
    return result
  })

  const probed = await log.group('Docker, buildx and ECR', async () => {
    const found = await probeFacts(probe, config, io.env)
    // A secret from the moment GetAuthorizationToken returns it, whatever fails before the login.
    found.ecr?.authorizations.forEach((authorization) => log.mask(authorization.password))
    checkPlatformSupport(config, found.daemon)
    checkCacheRegistry(config.cache.ref, {
      ecr: found.ecr?.authorizations.map((authorization) => authorization.registry) ?? [],
      docker: found.dockerLogins
    })
    log.info(
      `buildx ${found.buildxVersion}; daemon ${found.daemon.platform}, ${found.daemon.imageStore} image store`
    )
    return found
  })

  const checks = await log.group('Dockerfile checks', () =>
    checkAll({ probe, log, config, buildxVersion: probed.buildxVersion })
  )
  if (checks.failure) {
    emitAnnotations(log, capAnnotations(checks.annotations))
    log.setOutput('dockerfile-findings', dockerfileFindingsOutput(checks.findings.flat()))
    throw new GateError(checks.failure)
  }

  const facts: Facts = probed.ecr
    ? await log.group('ECR login', async () => {
        const ecr = await createRepositories(runner, probe, probed.ecr!, config.aws)
        for (const authorization of ecr.authorizations) {
          await runner.run(planLogin(authorization))
          state.add({ registry: authorization.registry })
        }
        return { ...probed, ecr }
      })
    : probed

  const { builder, buildkitVersion, rewrites } = await log.group('Builder', async () => {
    const plan = planBuilder({
      driver: config.build.driver,
      builder: config.build.builder,
      runId: key
    })
    if (plan.created) state.add({ builder: plan.name })
    // Emulators first: a builder sees the platforms it can run when it starts.
    await setUpEmulation(runner, config.build.platforms)
    const version = await runBuilder(runner, plan)
    // Only a BuildKit container can clamp file times; a named builder says which kind it is.
    const kind = plan.created
      ? { driver: 'docker-container', ...(version ? { buildkitVersion: version } : {}) }
      : config.build.builder
        ? await inspectBuilder(probe, plan.name)
        : { driver: 'docker' }
    return { builder: plan.name, buildkitVersion: version, rewrites: rewritesTimestamps(kind) }
  })

  const temp = await mkdtemp(path.join(io.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-'))
  state.add({ tempDir: temp })
  const plans = planImages(config, {
    context,
    meta,
    ...(facts.ecr ? { ecr: facts.ecr } : {}),
    daemon: facts.daemon,
    buildxVersion: facts.buildxVersion,
    ...(buildkitVersion ? { buildkitVersion } : {}),
    builder,
    rewritesTimestamps: rewrites,
    temp,
    runKey: key,
    dependencyHash: await hashCacheDependencies(config.dockerfile.path, config.build.context),
    env: io.env
  })
  await Promise.all(plans.map((plan) => mkdir(plan.dir, { recursive: true })))

  const built = await log.group(
    plans.length > 1 ? `Build (one bake, ${plans.length} targets)` : 'Build',
    async () => {
      plans.forEach((plan) => plan.cache.warnings.forEach((warning) => log.warning(warning)))
      const restored = runner.dryRun
        ? []
        : await Promise.all(plans.map((plan) => restoreLocalCache(plan.cache, log)))
      plans.forEach((plan) => plan.delivery === 'daemon-staging' && state.add({ staging: plan.staging }))
      const results = await buildAll(runner, log, plans, config, temp, builder)
      if (!runner.dryRun)
        await Promise.all(plans.map((plan, index) => saveLocalCache(plan.cache, restored[index], log)))
      log.info(cacheReportLine(results[0].stats))
      return results
    }
  )

  const gates = await log.group('Scan gate', () =>
    gateAll({ runner, probe, log, config, context, meta, facts, plans, built })
  )
  await log.group('Code scanning and annotations', () =>
    publishFindings({ runner, log, config, context, checks, gates })
  )
  const released = await log.group('Release', () =>
    releaseAll({ runner, probe, log, config, plans, built, gates, ...(facts.ecr ? { ecr: facts.ecr } : {}) })
  )
  const released_: ImageOutcome[] = plans.map((plan, index) => ({
    plan,
    built: built[index],
    ...(gates.images[index] ? { gate: gates.images[index] } : {}),
    ...released[index]
  }))
  const outcomes = await log.group('Sign and attest', () =>
    signAll({
      runner,
      probe,
      log,
      config,
      env: io.env,
      outcomes: released_,
      ...(facts.ecr ? { ecr: facts.ecr } : {}),
      ...(gates.workspace ? { trivy: gates.workspace } : {})
    })
  )
  setOutputs(log, outcomes, meta, facts.ecr?.registry ?? '', {
    dryRun: config.dryRun,
    push: config.build.push
  })
  log.setOutput('dockerfile-findings', dockerfileFindingsOutput(uniqueChecks(checks.findings.flat())))
  await log.group('Report', () =>
    reportAll({
      runner,
      probe,
      log,
      config,
      context,
      outcomes,
      checks,
      seconds: (Date.now() - started) / 1000
    })
  )
  if (config.dryRun) {
    log.info(`Dry run: nothing was built, scanned or pushed (buildx ${facts.buildxVersion}).`)
    return
  }
  failIfAnyHeldBack(outcomes)
}

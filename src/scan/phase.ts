import { mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import type { BuildResult } from '../build/build.js'
import type { DaemonFacts } from '../build/daemon.js'
import type { ImagePlan } from '../build/plan.js'
import type { Config } from '../config/config.js'
import type { EcrConnection } from '../ecr/connect.js'
import type { RunContext } from '../github/context.js'
import type { RunMeta } from '../meta/run-tags.js'
import { pullRequestOf } from '../report/comment.js'
import { imageRefIn, indexPlatforms, readManifest } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import { comparisonTarget, scanComparison, type Comparison } from './comparison.js'
import { runGate, samePlatform, type ExpectedImage, type GateOutcome } from './gate.js'
import { readLayout } from './layout.js'
import { prepareTrivyWorkspace, planDbDownload, type ScanTarget, type TrivyWorkspace } from './trivy.js'
import { restoreTrivyDb, saveTrivyDb } from './trivy-db.js'
import { installTrivy } from './trivy-install.js'
import { sentence } from '../words.js'

/** An image held in the daemon, as `docker image inspect` describes it right after the build. */
export interface DaemonImage {
  id: string
  platform: string
  diffIds: string[]
}

/** What the gate scans for one image; for daemon staging the id the final tags go onto and the digest a push must give. */
interface Staged {
  targets: Array<ScanTarget & { expected?: ExpectedImage }>
  held?: HeldImage
  problems: string[]
}

/** An image held in the daemon: the id to tag, and (with a layout) the platform manifests that were scanned. */
export interface HeldImage {
  id: string
  /** Platform → the digest of the manifest scanned for it: what the pushed image must consist of. */
  scanned?: Record<string, string>
}

export interface GatePhaseResult {
  /** Per image, in plan order; undefined without a scan. */
  images: Array<GateOutcome | undefined>
  /** Per image: what the daemon holds for the final tags (daemon staging only). */
  held: Array<HeldImage | undefined>
  workspace?: TrivyWorkspace
}

export interface GatePhaseRequest {
  runner: Runner
  probe: Runner
  log: Log
  config: Config
  context: RunContext
  /** The tags earlier runs left (`baseTag`, `previousTags`): where the comparison image is. */
  meta: Pick<RunMeta, 'baseTag' | 'previousTags'>
  facts: { daemon: DaemonFacts; ecr?: EcrConnection }
  plans: ImagePlan[]
  built: BuildResult[]
}

/** The image the staging name holds: its id (what the final tags go onto), platform and layers. */
export async function inspectStaging(probe: Runner, staging: string): Promise<DaemonImage> {
  const { stdout } = await probe.run({
    tool: 'docker',
    args: ['image', 'inspect', '--format', '{{json .}}', staging]
  })
  const image = JSON.parse(stdout) as {
    Id: string
    Os: string
    Architecture: string
    Variant?: string
    RootFS?: { Layers?: string[] }
  }
  return {
    id: image.Id,
    platform: [image.Os, image.Architecture, image.Variant].filter(Boolean).join('/'),
    diffIds: image.RootFS?.Layers ?? []
  }
}

/** Trivy once per step: the binary, a fresh DB (cached daily), and its own folder with the step's policy files. */
async function setUpTrivy(request: GatePhaseRequest, dir: string): Promise<TrivyWorkspace> {
  const scan = request.config.scan!
  const dry = request.runner.dryRun
  const trivy =
    scan.skipSetupTrivy || dry
      ? 'trivy'
      : await installTrivy({ version: scan.trivyVersion, checksum: scan.trivyChecksum, log: request.log })
  const workspace = await prepareTrivyWorkspace(dir, trivy, scan)
  const db = dry ? undefined : await restoreTrivyDb(request.log, { cacheDir: workspace.cacheDir })
  const download = planDbDownload(workspace, scan)
  if (download) await request.runner.run(download, { stream: true })
  if (!dry) await saveTrivyDb(request.log, db)
  return workspace
}

/** The platforms asked for that the image does not have: each would go out unscanned, or not at all. */
function missing(asked: string[], found: string[]): string[] {
  return asked.filter((platform) => !found.some((candidate) => samePlatform(candidate, platform)))
}

/** Each platform of an image the daemon holds: from the OCI layout where there is one, else the daemon itself. */
async function stagedInDaemon(request: GatePhaseRequest, plan: ImagePlan): Promise<Staged> {
  const asked = request.config.build.platforms
  const daemon = await inspectStaging(request.probe, plan.staging)
  if (!plan.layout) {
    const platform = asked[0] ?? daemon.platform
    return {
      held: { id: daemon.id },
      targets: [
        { reference: plan.staging, source: 'docker', platform, expected: { diffIds: daemon.diffIds } }
      ],
      problems: []
    }
  }
  const layout = await readLayout(plan.layout)
  // The daemon may add attestations the layout lacks, so it is compared by content: its own platform's layers.
  const own = layout.platforms.find((entry) => samePlatform(entry.platform, daemon.platform))
  const same = own !== undefined && own.diffIds.join() === daemon.diffIds.join()
  const problems = [
    ...(!same
      ? [
          `The daemon holds another image under ${plan.staging} than the build exported for the scan: nothing was tagged.`
        ]
      : []),
    ...missing(
      asked,
      layout.platforms.map((entry) => entry.platform)
    ).map((platform) => `The image has no ${platform} to scan: it is not tagged.`)
  ]
  return {
    held: {
      id: daemon.id,
      scanned: Object.fromEntries(layout.platforms.map((entry) => [entry.platform, entry.manifestDigest]))
    },
    targets: layout.platforms.map((entry) => ({
      reference: entry.dir,
      source: 'layout',
      platform: entry.platform,
      expected: { diffIds: entry.diffIds }
    })),
    problems
  }
}

/** Each platform the pushed index lists (attestations left out); a single manifest is the platform built. */
async function stagedInRegistry(
  request: GatePhaseRequest,
  plan: ImagePlan,
  built: BuildResult
): Promise<Staged> {
  const asked = request.config.build.platforms
  const reference = `${plan.image}@${built.digest}`
  const fallback = asked.length > 0 ? asked : [request.facts.daemon.platform]
  if (request.runner.dryRun)
    return { targets: fallback.map((platform) => ({ reference, source: 'remote', platform })), problems: [] }
  const stored = await readManifest(request.probe, imageRefIn(request.facts.ecr, plan.spec.repository), {
    imageDigest: built.digest
  })
  const listed = stored ? indexPlatforms(stored.manifest)?.map((entry) => entry.platform) : undefined
  const platforms = listed && listed.length > 0 ? listed : fallback
  return {
    targets: platforms.map((platform) => ({ reference, source: 'remote', platform })),
    problems: missing(asked, platforms).map(
      (platform) => `The pushed image has no ${platform} to scan: it is not tagged.`
    )
  }
}

async function staged(request: GatePhaseRequest, plan: ImagePlan, built: BuildResult): Promise<Staged> {
  if (plan.delivery === 'registry-staging') return stagedInRegistry(request, plan, built)
  const asked = request.config.build.platforms
  if (request.runner.dryRun) {
    const platforms = asked.length > 0 ? asked : [request.facts.daemon.platform]
    return {
      targets: platforms.map((platform) =>
        plan.layout
          ? {
              reference: `${plan.layout}-${platform.replace(/\//g, '-')}`,
              source: 'layout' as const,
              platform
            }
          : { reference: plan.staging, source: 'docker' as const, platform }
      ),
      problems: []
    }
  }
  return stagedInDaemon(request, plan)
}

/**
 * The comparison image of one image, scanned before its own verdict: `fail-on-new` needs it to decide and the
 * pull request comment shows it, so it is scanned once, here. Failing to read or scan it is a warning, and
 * (failing closed) every finding then counts as new.
 */
async function compareWith(
  request: GatePhaseRequest,
  workspace: TrivyWorkspace,
  plan: ImagePlan,
  platforms: string[]
): Promise<Comparison | undefined> {
  const { config, context, log } = request
  const scan = config.scan!
  const commenting = Boolean(pullRequestOf(context) && config.report.prComment && config.githubToken)
  const target = comparisonTarget({
    context,
    meta: request.meta,
    failOnNew: scan.failOnNew === true,
    commenting
  })
  if (!target) return undefined
  const unscanned = platforms.map((platform) => ({ platform }))
  const ecr = request.facts.ecr
  if (!ecr) {
    return scan.failOnNew
      ? { ...target, platforms: unscanned, note: "'push: false' reads no registry" }
      : undefined
  }
  const ref = imageRefIn(ecr, plan.spec.repository)
  try {
    return await scanComparison(request.runner, request.probe, {
      workspace,
      scan,
      ref,
      image: plan.image,
      target,
      platforms,
      dir: plan.dir
    })
  } catch (error) {
    const message = sentence((error as Error).message)
    const image = `${plan.image}:${target.tag ?? target.ref}`
    log.warning(
      `Could not compare with ${image}: ${message}${scan.failOnNew ? ' Every finding counts as new (fail-on-new).' : ''}`
    )
    return { ...target, platforms: unscanned, note: `${image} could not be read or scanned` }
  }
}

/** Scans each image (every platform) before any final tag; uploads SARIF and annotates, whatever the verdict. */
export async function gateAll(request: GatePhaseRequest): Promise<GatePhaseResult> {
  const { config, plans, built, runner, log } = request
  if (!config.scan) return { images: plans.map(() => undefined), held: plans.map(() => undefined) }
  const dir = path.join(path.dirname(plans[0].dir), 'trivy')
  await mkdir(dir, { recursive: true })
  const workspace = await setUpTrivy(request, dir)
  const images: GateOutcome[] = []
  const held: Array<HeldImage | undefined> = []
  // One after another: Trivy holds a lock on its cache while it scans.
  for (const [index, plan] of plans.entries()) {
    const image = await staged(request, plan, built[index])
    held.push(image.held)
    const { targets, problems } = image
    const comparison = await compareWith(
      request,
      workspace,
      plan,
      targets.map((target) => target.platform)
    )
    images.push(
      await runGate(runner, log, {
        workspace,
        scan: config.scan,
        report: config.report,
        dockerfile: config.dockerfile,
        stage: plan.spec.stage,
        repository: plan.spec.repository,
        buildArgs: config.build.buildArgs,
        targets,
        problems,
        dir: plan.dir,
        ...(comparison ? { comparison } : {})
      })
    )
  }
  return { images, held, workspace }
}

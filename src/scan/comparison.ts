import * as path from 'node:path'
import type { ScanConfig } from '../config/scan.js'
import type { RunContext } from '../github/context.js'
import type { RunMeta } from '../meta/run-tags.js'
import { storedLayers } from '../ecr/images.js'
import { type ImageRef, indexPlatforms, readManifest } from '../release/manifests.js'
import { pullRequestOf } from '../report/comment.js'
import type { Runner } from '../run/command.js'
import type { Finding } from './findings.js'
import { platformOf, samePlatform } from './gate.js'
import { planScan, type TrivyWorkspace } from './trivy.js'
import { findingsOf, readTrivyReport } from './trivy-report.js'

/** Which image this run's findings are compared with: the pull request's base branch, or the ref's own tag. */
export interface ComparisonTarget {
  kind: 'base-branch' | 'previous-tag'
  /** The base branch (`main`), or the tag this ref had before this run (`main`, `1.2.3`): what messages name. */
  ref: string
  /** The tag to read under the step's own rules; absent when they give none. */
  tag?: string
}

/** One platform of the comparison image; `findings` absent when it has no such platform (or it could not be scanned). */
export interface PlatformComparison {
  platform: string
  findings?: Finding[]
}

/** What the comparison image holds, platform by platform: scanned once, in the gate, and reused by the report. */
export interface Comparison extends ComparisonTarget {
  /** `registry/repository:tag`; absent when the registry has no image under the tag. */
  image?: string
  digest?: string
  /** One per platform this run scanned. */
  platforms: PlatformComparison[]
  /** Compressed size of its first platform, for the pull request comment. */
  size?: number
  /** Why some or all of it could not be compared, for the summary. */
  note?: string
}

/**
 * What to compare with, or undefined when nothing needs it: `fail-on-new` on any event, the pull request
 * comment on pull requests. On a push it is the ref's own stable tag, read before the release moves it.
 */
export function comparisonTarget(request: {
  context: Pick<RunContext, 'payload'>
  meta: Pick<RunMeta, 'baseTag' | 'previousTags'>
  failOnNew: boolean
  /** The pull request comment will show the comparison. */
  commenting: boolean
}): ComparisonTarget | undefined {
  const pullRequest = pullRequestOf(request.context)
  if (pullRequest?.baseRef) {
    if (!request.failOnNew && !request.commenting) return undefined
    return {
      kind: 'base-branch',
      ref: pullRequest.baseRef,
      ...(request.meta.baseTag ? { tag: request.meta.baseTag } : {})
    }
  }
  if (!request.failOnNew) return undefined
  const tag = request.meta.previousTags[0]
  return { kind: 'previous-tag', ref: tag ?? '', ...(tag ? { tag } : {}) }
}

export interface ComparisonRequest {
  workspace: TrivyWorkspace
  scan: ScanConfig
  /** The repository's registry and name. */
  ref: ImageRef
  /** `registry/repository`. */
  image: string
  target: ComparisonTarget
  /** The platforms this run scanned, in its order. */
  platforms: string[]
  dir: string
}

function comparisonFiles(dir: string, platform: string) {
  const name = `trivy-compare-${platform.replace(/\//g, '-')}`
  return { reportPath: path.join(dir, `${name}.json`), sarifPath: path.join(dir, `${name}.sarif`) }
}

/**
 * Reads where the comparison tag points (once, by digest from then on) and scans each platform this run built,
 * through the same isolated Trivy and policy flags as the image itself, so both sides are counted alike. A
 * platform the comparison image lacks, or whose scan is about another platform, has no findings to compare.
 */
export async function scanComparison(
  runner: Runner,
  probe: Runner,
  request: ComparisonRequest
): Promise<Comparison> {
  const { target } = request
  const unscanned = request.platforms.map((platform) => ({ platform }))
  if (!target.tag) {
    return {
      ...target,
      platforms: unscanned,
      note: 'the tag rules give it no tag that outlives a commit, so there is no image to compare with'
    }
  }
  const image = `${request.image}:${target.tag}`
  const stored = await readManifest(probe, request.ref, { imageTag: target.tag })
  if (!stored) return { ...target, platforms: unscanned, note: `${image} does not exist` }
  const listed = indexPlatforms(stored.manifest)
  const several = request.platforms.length > 1
  const platforms: PlatformComparison[] = []
  for (const platform of request.platforms) {
    if (listed && !listed.some((entry) => samePlatform(entry.platform, platform))) {
      platforms.push({ platform })
      continue
    }
    const files = comparisonFiles(request.dir, platform)
    const [scan] = planScan(
      request.workspace,
      request.scan,
      { reference: `${image}@${stored.digest}`, source: 'remote', platform },
      files
    )
    await runner.run(scan, { stream: true })
    if (runner.dryRun) {
      platforms.push({ platform })
      continue
    }
    const report = await readTrivyReport(files.reportPath)
    const scanned = platformOf(report)
    const matches = scanned === undefined || samePlatform(scanned, platform)
    platforms.push(
      matches ? { platform, findings: findingsOf(report, several ? platform : undefined) } : { platform }
    )
  }
  const missing = platforms.filter((entry) => !entry.findings).map((entry) => entry.platform)
  const layers = await storedLayers(
    probe,
    request.ref,
    { imageDigest: stored.digest },
    request.platforms[0]
  ).catch(() => undefined)
  const size = layers?.reduce((sum, layer) => sum + layer.size, 0)
  return {
    ...target,
    image,
    digest: stored.digest,
    platforms,
    ...(size !== undefined ? { size } : {}),
    ...(missing.length > 0 && !runner.dryRun ? { note: `${image} has no ${missing.join(', ')}` } : {})
  }
}

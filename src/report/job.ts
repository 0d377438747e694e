import { cacheReportLine, slowestStepsMarkdown } from './build-steps.js'
import type { Config } from '../config/config.js'
import type { ChecksResult } from '../dockerfile/phase.js'
import { commentAuthor, upsertStickyComment } from '../github/comments.js'
import type { RunContext } from '../github/context.js'
import type { ImageOutcome } from '../outcome.js'
import { storedLayers } from '../ecr/images.js'
import type { ImageRef } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import { baseComparisonOf, type BaseComparison } from '../scan/base.js'
import type { SizedLayer } from '../scan/size.js'
import { commentBody, commentMarker, pullRequestOf } from './comment.js'
import { cell } from './markdown.js'
import { summaryMarkdown, type TargetReport, type Verdict } from './summary.js'
import { sentence } from '../words.js'

export interface ReportRequest {
  runner: Runner
  probe: Runner
  log: Log
  config: Config
  context: RunContext
  outcomes: ImageOutcome[]
  checks: ChecksResult
  seconds: number
}

function verdictOf(outcome: ImageOutcome, config: Config): Verdict {
  if (config.dryRun) return { kind: 'dry-run' }
  if (!outcome.gate) return { kind: 'not-scanned' }
  if (outcome.gate.blocked) return { kind: 'blocked', reason: outcome.gate.blocked }
  if (outcome.heldBackBy) return { kind: 'held-back', by: outcome.heldBackBy }
  return { kind: 'passed' }
}

/** Compressed sizes from the pushed manifest, in place of the sizes the scan saw; undefined when they don't line up. */
async function pushedLayers(
  probe: Runner,
  ref: ImageRef,
  digest: string,
  layers: SizedLayer[]
): Promise<SizedLayer[] | undefined> {
  const pushed = await storedLayers(probe, ref, { imageDigest: digest })
  if (!pushed || pushed.length !== layers.length) return undefined
  return layers.map((layer, index) => ({ ...layer, digest: pushed[index].digest, size: pushed[index].size }))
}

/** Where the repository lives: the first of `registry-ids` holds every target's repository, as for the push. */
function imageRef(config: Config, repository: string): ImageRef {
  const registryId = config.aws.registryIds[0]
  return { repository, ...(registryId ? { registryId } : {}) }
}

async function targetReport(
  request: ReportRequest,
  outcome: ImageOutcome,
  index: number
): Promise<TargetReport> {
  const { config, context, probe, log } = request
  const { plan, gate, release } = outcome
  const ref = imageRef(config, plan.spec.repository)
  const layers =
    gate && release?.digest && config.build.push
      ? await pushedLayers(probe, ref, release.digest, gate.layers).catch((error: Error) => {
          log.debug(`Could not read the pushed layer sizes: ${error.message}`)
          return undefined
        })
      : undefined
  return {
    target: plan.spec.stage.name,
    repository: plan.spec.repository,
    image: plan.image,
    ...(release?.digest ? { digest: release.digest } : {}),
    tags: release?.written ?? [],
    pushed: config.build.push,
    failedTags: release?.failed ?? [],
    ...(release?.alreadyThere?.length ? { alreadyThere: release.alreadyThere } : {}),
    verdict: verdictOf(outcome, config),
    ...(config.scan ? { failOn: config.scan.failOn } : {}),
    ...(config.scan?.failOnNew ? { failOnNew: true } : {}),
    ...(gate?.comparison ? { comparedWith: gate.comparison } : {}),
    ...(gate?.suppressed ? { suppressed: gate.suppressed } : {}),
    ...(gate
      ? {
          scanner: gate.scanner,
          findings: gate.findings,
          layers: layers ?? gate.layers,
          sizesCompressed: layers !== undefined || gate.layersCompressed
        }
      : {}),
    ...(gate?.sizeCheck ? { sizeCheck: gate.sizeCheck } : {}),
    buildSeconds: request.seconds,
    cachedSteps: cacheReportLine(outcome.built.stats),
    ...(outcome.cleanup ? { cleanup: outcome.cleanup } : {}),
    ...(release?.loadError ? { loadError: release.loadError } : {}),
    ...(outcome.signed ? { signing: outcome.signed.summary } : {}),
    ...(outcome.signError ? { signing: `**Signing failed**: ${cell(outcome.signError)}` } : {}),
    ...(config.checks.enabled
      ? {
          dockerfileChecks: {
            findings: request.checks.findings[index],
            ...(request.checks.note ? { note: request.checks.note } : {})
          }
        }
      : {}),
    dockerfile: config.dockerfile.relativePath,
    blobUrl: `${context.serverUrl}/${context.repository}/blob/${context.sha}`
  }
}

/** Where the pull request's base branch stands: the gate already scanned its image, the same way. */
function baseComparison(outcome: ImageOutcome): BaseComparison | undefined {
  const comparison = outcome.gate?.comparison
  return comparison?.kind === 'base-branch' ? baseComparisonOf(comparison) : undefined
}

/**
 * Per image: the job summary section and, on pull requests, the sticky comment with the base-branch
 * comparison. Reporting never fails the step: an image that was pushed stays pushed whatever happens here.
 */
export async function reportAll(request: ReportRequest): Promise<void> {
  const { config, context, log } = request
  if (config.dryRun) return
  const pullRequest = pullRequestOf(context)
  const commenting = Boolean(pullRequest && config.report.prComment && config.githubToken)
  const author = commenting ? await commentAuthor(request.probe) : ''
  for (const [index, outcome] of request.outcomes.entries()) {
    try {
      const report = await targetReport(request, outcome, index)
      try {
        await log.summary(`${summaryMarkdown(report)}${slowestStepsMarkdown(outcome.built.stats)}`)
      } catch (error) {
        log.warning(
          `Could not write the job summary: ${sentence((error as Error).message)} The image itself is not affected.`
        )
      }
      if (!pullRequest || !commenting) continue
      const base = baseComparison(outcome)
      const result = await upsertStickyComment(request.runner, request.probe, log, context, author, {
        issueNumber: pullRequest.number,
        marker: commentMarker(report.repository, report.target),
        body: commentBody(report, base)
      })
      log.info(
        `Pull request comment for ${report.target}: ${result.action}${result.url ? ` ${result.url}` : ''}`
      )
    } catch (error) {
      log.warning(
        `Could not report on ${outcome.plan.spec.stage.name}: ${sentence((error as Error).message)} The image itself is not affected.`
      )
    }
  }
}

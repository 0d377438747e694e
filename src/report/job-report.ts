import * as core from '@actions/core'
import type { RunContext } from '../github/context.js'
import type { Runner } from '../run/command.js'
import { slowestStepsMarkdown, type BuildStats } from '../build/progress.js'
import { scanBase, type GateOutcome } from '../scan/gate.js'
import {
  commentBody,
  commentMarker,
  pullRequestOf,
  upsertStickyComment,
  type BaseComparison
} from './comment.js'
import { registryLayers } from '../release/push.js'
import { summaryMarkdown, type TargetReport } from './summary.js'
import type { ScanInputs } from '../scan/scan.js'

export interface JobReportRequest {
  runner: Runner
  context: RunContext
  token: string
  prComment: boolean
  /** The base branch's image is only in the registry when this step pushes. */
  push: boolean
  scan: ScanInputs
  gate?: GateOutcome
  /** The base branch's tag under the step's own rules; undefined when they give the branch none. */
  baseTag?: string
  image: string
  tempDir: string
  stats: BuildStats
}

/** Where the pull request's base branch stands: its image in the registry, scanned the same way. */
async function baseComparison(request: JobReportRequest): Promise<BaseComparison | undefined> {
  const pullRequest = pullRequestOf(request.context)
  if (!pullRequest?.baseRef || !request.gate || !request.push) return undefined
  if (!request.baseTag) return { ref: pullRequest.baseRef }
  const reference = `${request.image}:${request.baseTag}`
  try {
    return await scanBase({
      runner: request.runner,
      scan: request.scan,
      tempDir: request.tempDir,
      trivy: request.gate.trivy,
      baseRef: pullRequest.baseRef,
      reference,
      layers: await registryLayers(request.runner, reference)
    })
  } catch (error) {
    core.warning(`Could not compare with ${reference}: ${(error as Error).message}`)
    return { ref: pullRequest.baseRef }
  }
}

/** One target's job summary section and, on pull requests, its sticky comment; whether the gate passed or not. */
export async function writeJobReport(request: JobReportRequest, report: TargetReport): Promise<void> {
  await core.summary
    .addRaw(summaryMarkdown(report), true)
    .addRaw(slowestStepsMarkdown(request.stats), true)
    .write()
  const pullRequest = pullRequestOf(request.context)
  if (!pullRequest || !request.prComment || !request.token) return
  const base = await baseComparison(request)
  const result = await upsertStickyComment({
    token: request.token,
    context: request.context,
    issueNumber: pullRequest.number,
    marker: commentMarker(report.repository, report.target),
    body: commentBody(report, base)
  })
  core.info(
    `Pull request comment for ${report.target}: ${result.action}${result.url ? ` ${result.url}` : ''}`
  )
}

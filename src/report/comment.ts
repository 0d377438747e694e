import * as core from '@actions/core'
import type { RunContext } from '../github/context.js'
import type { Finding } from '../scan/findings.js'
import type { MappedFinding } from '../scan/layer-map.js'
import { formatSize } from '../scan/size.js'
import {
  blocksPush,
  bySeverity,
  cell,
  code,
  limitMarkdown,
  originCell,
  summaryMarkdown,
  uniqueBy,
  uniqueFindings,
  type TargetReport
} from './summary.js'

/** GitHub refuses comment bodies over 65,536 characters; bytes are never fewer than characters. */
export const commentLimitBytes = 60_000

/** What the base branch's image looks like, for the "compared with" section. */
export interface BaseComparison {
  /** The pull request's base branch, e.g. `main`. */
  ref: string
  /** The scanned image, e.g. `…/shop/web:main`; absent when the registry has no image for the base branch. */
  image?: string
  /** The base image's findings; absent when it was not scanned. */
  findings?: Finding[]
  /** The base image's compressed size. */
  size?: number
}

export interface FindingsDiff<Current extends Finding, Base extends Finding> {
  new: Current[]
  fixed: Base[]
  unchanged: Current[]
}

export interface StickyCommentRequest {
  token: string
  context: Pick<RunContext, 'apiUrl' | 'repository'>
  issueNumber: number
  marker: string
  body: string
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  id?: number
  url?: string
}

export interface WarningLog {
  warning(message: string): void
}

/** The hidden first line that finds this target's comment again on the next run. */
export function commentMarker(repository: string, target: string): string {
  return `<!-- ecr-build-push:${repository}:${target} -->`
}

/** The pull request number and base branch when the run is for a pull request. */
export function pullRequestOf(
  context: Pick<RunContext, 'payload'>
): { number: number; baseRef: string } | undefined {
  const pullRequest = context.payload.pull_request
  if (typeof pullRequest?.number !== 'number') return undefined
  return { number: pullRequest.number, baseRef: pullRequest.base?.ref ?? '' }
}

function key(finding: Finding): string {
  return `${finding.id}\u0000${finding.pkgName}`
}

/** Findings this pull request brings in, fixes and leaves alone, by (vulnerability id, package). */
export function diffFindings<Current extends Finding, Base extends Finding>(
  current: Current[],
  base: Base[]
): FindingsDiff<Current, Base> {
  const baseKeys = new Set(base.map(key))
  const currentKeys = new Set(current.map(key))
  const unique = uniqueBy(current, key)
  return {
    new: unique.filter((finding) => !baseKeys.has(key(finding))),
    fixed: uniqueBy(base, key).filter((finding) => !currentKeys.has(key(finding))),
    unchanged: unique.filter((finding) => baseKeys.has(key(finding)))
  }
}

/** `+12.3 kB (+0.8%)`, `-1.2 MB (-10%)` or `no change`. */
export function sizeChange(current: number, base: number): string {
  const difference = current - base
  if (difference === 0) return 'no change'
  const sign = difference > 0 ? '+' : ''
  const percent = base > 0 ? ` (${sign}${Number(((difference / base) * 100).toPrecision(2))}%)` : ''
  return `${sign}${formatSize(difference)}${percent}`
}

function comparisonSection(report: TargetReport, base: BaseComparison): string[] {
  const heading = `### Compared with ${code(base.ref)}`
  if (!base.image)
    return ['', heading, '', `No image for ${code(base.ref)} in the registry yet: nothing to compare with.`]
  const current = uniqueFindings(report.findings ?? [])
  const total = report.layers?.reduce((sum, layer) => sum + layer.size, 0)
  const table = [
    '',
    heading,
    '',
    '| | |',
    '| --- | --- |',
    `| Base image | ${code(base.image)} |`,
    ...(total !== undefined && base.size !== undefined
      ? [`| Size | ${formatSize(total)}, ${sizeChange(total, base.size)} against ${formatSize(base.size)} |`]
      : [])
  ]
  if (!report.findings || !base.findings)
    return [...table, '| Findings | not compared: one side was not scanned |']
  const diff = diffFindings(current, base.findings)
  const newRows = bySeverity(diff.new)
    .slice(0, 20)
    .map((finding: MappedFinding) => {
      const id = finding.primaryUrl ? `[${cell(finding.id)}](${finding.primaryUrl})` : cell(finding.id)
      return `| ${finding.severity} | ${id} | ${cell(finding.pkgName)} | ${originCell(report, finding.origin)} | ${blocksPush(report, finding) ? '⛔' : ''} |`
    })
  const fixed = diff.fixed.slice(0, 30).map((finding) => `${cell(finding.id)} (${cell(finding.pkgName)})`)
  return [
    ...table,
    `| Findings | ${diff.new.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} already on ${code(base.ref)} |`,
    ...(newRows.length > 0
      ? [
          '',
          '**New in this pull request**',
          '',
          '| Severity | ID | Package | Introduced by | Blocks push |',
          '| --- | --- | --- | --- | :---: |',
          ...newRows,
          ...(diff.new.length > newRows.length
            ? ['', `_…and ${diff.new.length - newRows.length} more._`]
            : [])
        ]
      : []),
    ...(fixed.length > 0
      ? [
          '',
          `**Fixed by this pull request**: ${fixed.join(', ')}${diff.fixed.length > fixed.length ? `, and ${diff.fixed.length - fixed.length} more` : ''}`
        ]
      : [])
  ]
}

/** The sticky comment: the marker, the target's summary and, when known, the difference against the base branch. */
export function commentBody(report: TargetReport, base?: BaseComparison): string {
  const lines = [
    commentMarker(report.repository, report.target),
    summaryMarkdown(report, { headingLevel: 2, maxBytes: commentLimitBytes }).trimEnd(),
    ...(base ? comparisonSection(report, base) : [])
  ]
  return limitMarkdown(`${lines.join('\n')}\n`, commentLimitBytes)
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/**
 * Updates this target's comment in place (found by its marker at the start of the body), or posts it once.
 * Without `pull-requests: write` (fork pull requests) it warns and returns: a report never fails the build.
 */
export async function upsertStickyComment(
  request: StickyCommentRequest,
  log: WarningLog = core
): Promise<StickyCommentResult> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(request.token, { baseUrl: request.context.apiUrl })
  const [owner, repo] = request.context.repository.split('/')
  const issue = { owner, repo, issue_number: request.issueNumber }
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 })
    const existing = comments.find((comment) => comment.body?.startsWith(request.marker))
    if (existing?.body === request.body)
      return { action: 'unchanged', id: existing.id, url: existing.html_url }
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body: request.body
      })
      return { action: 'updated', id: data.id, url: data.html_url }
    }
    const { data } = await octokit.rest.issues.createComment({ ...issue, body: request.body })
    return { action: 'created', id: data.id, url: data.html_url }
  } catch (error) {
    const status = httpStatus(error)
    if (status === undefined) throw error
    const why =
      status === 403 || status === 404
        ? `the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report.`
        : `GitHub answered HTTP ${status}: ${(error as Error).message}`
    log.warning(`Skipped the pull request comment on #${request.issueNumber}: ${why}`)
    return { action: 'skipped' }
  }
}

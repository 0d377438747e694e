import type { RunContext } from '../github/context.js'
import type { MappedFinding } from '../scan/layer-map.js'
import type { BaseComparison } from '../scan/base.js'
import { findingKey, type Finding } from '../scan/findings.js'
import { formatSize } from '../scan/size.js'
import { bySeverity, uniqueBy, uniqueFindings } from './findings.js'
import { cell, code, limitMarkdown, link } from './markdown.js'
import { blocksPush, originCell, summaryMarkdown, type TargetReport } from './summary.js'

/** GitHub refuses comment bodies over 65,536 characters; bytes are never fewer than characters. */
export const commentLimitBytes = 60_000

export interface FindingsDiff<Current extends Finding, Base extends Finding> {
  new: Current[]
  fixed: Base[]
  unchanged: Current[]
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

/**
 * Findings this pull request brings in, fixes and leaves alone, matched as the gate matches them for
 * `fail-on-new` (`findingKey`: id, package, installed version and path), so the comment never calls a finding
 * unchanged that the gate blocks as new.
 */
export function diffFindings<Current extends Finding, Base extends Finding>(
  current: Current[],
  base: Base[]
): FindingsDiff<Current, Base> {
  const baseKeys = new Set(base.map(findingKey))
  const currentKeys = new Set(current.map(findingKey))
  const unique = uniqueBy(current, findingKey)
  return {
    new: unique.filter((finding) => !baseKeys.has(findingKey(finding))),
    fixed: uniqueBy(base, findingKey).filter((finding) => !currentKeys.has(findingKey(finding))),
    unchanged: unique.filter((finding) => baseKeys.has(findingKey(finding)))
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
      return `| ${finding.severity} | ${link(finding.id, finding.primaryUrl)} | ${cell(finding.pkgName)} | ${originCell(report, finding.origin)} | ${blocksPush(report, finding) ? '⛔' : ''} |`
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

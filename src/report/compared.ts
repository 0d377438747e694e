import type { Comparison } from '../scan/comparison.js'
import type { SuppressedFinding } from '../scan/findings.js'
import { cell, code, link } from './markdown.js'

/** What the report says about the comparison image: which one, or why there was none. */
export type ComparedWith = Pick<Comparison, 'kind' | 'ref' | 'image' | 'note'>

/** The line under the findings: what they were compared with, and how many this run brought in. */
export function comparisonLine(
  comparedWith: ComparedWith | undefined,
  findings: Array<{ alreadyPresent?: boolean }>,
  failOnNew: boolean
): string[] {
  if (!comparedWith) return []
  if (!comparedWith.image) {
    const why = comparedWith.note ?? 'there is none'
    return failOnNew ? ['', `_No image to compare with (${cell(why)}): every finding counts as new._`] : []
  }
  const present = findings.filter((finding) => finding.alreadyPresent).length
  const note = comparedWith.note ? ` (${cell(comparedWith.note)}: its findings there count as new)` : ''
  return [
    '',
    `Compared with ${code(comparedWith.image)}${note}: ${findings.length - present} new, ${present} already present${failOnNew ? ' (fail-on-new: only new findings block)' : ''}.`
  ]
}

const statusText: Record<string, string> = {
  not_affected: 'not affected (VEX)',
  fixed: 'fixed (VEX)'
}

/** The findings VEX documents silenced, with their justification; ignore-file entries are left out as always. */
export function suppressedTable(suppressed: SuppressedFinding[] | undefined): string[] {
  const stated = (suppressed ?? []).filter((entry) => entry.status !== 'ignored')
  if (stated.length === 0) return []
  const seen = new Set<string>()
  const rows = stated.flatMap((entry) => {
    const { finding } = entry
    const key = [finding.id, finding.pkgName, finding.installedVersion].join('\u0000')
    if (seen.has(key)) return []
    seen.add(key)
    const status = statusText[entry.status] ?? `${cell(entry.status)} (VEX)`
    return [
      `| ${finding.severity} | ${link(finding.id, finding.primaryUrl)} | ${cell(finding.pkgName)} ${cell(finding.installedVersion)} | ${status} | ${cell(entry.statement) || '—'} | ${cell(entry.source)} |`
    ]
  })
  return [
    '',
    '**Not blocking: stated in VEX**',
    '',
    '| Severity | ID | Package | Status | Justification | Source |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.slice(0, 20),
    ...(rows.length > 20 ? ['', `_…and ${rows.length - 20} more in the Trivy report._`] : [])
  ]
}

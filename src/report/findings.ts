import { severityRank } from '../scan/findings.js'
import type { MappedFinding } from '../scan/layer-map.js'
import { byCodeUnit } from '../words.js'

/** The first item for each key, in order. */
export function uniqueBy<T>(items: T[], keyOf: (item: T) => string): T[] {
  const seen = new Map<string, T>()
  for (const item of items) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item)
  return [...seen.values()]
}

/** One entry per vulnerable package version: a multi-platform scan reports the same one once per platform. */
export function uniqueFindings(findings: MappedFinding[]): MappedFinding[] {
  return uniqueBy(findings, (finding) =>
    [finding.id, finding.pkgName, finding.installedVersion].join('\u0000')
  )
}

/** Most severe first, then by Dockerfile line and id, so plans and tables are stable. */
export function bySeverity(findings: MappedFinding[]): MappedFinding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      a.origin.line - b.origin.line ||
      byCodeUnit(a.id, b.id) ||
      byCodeUnit(a.pkgName, b.pkgName)
  )
}

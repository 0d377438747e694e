import { byCodeUnit } from '../words.js'

/** Check severities, most severe first: the levels GitHub annotations have. */
export const checkSeverities = ['error', 'warning', 'notice'] as const
export type CheckSeverity = (typeof checkSeverities)[number]

/** One place where the Dockerfile breaks the container build strategy (ours or Docker's build checks). */
export interface DockerfileFinding {
  /** A rule id of docs/dockerfile-checks.md (`root-user`), or a Docker build check name (`JSONArgsRecommended`). */
  rule: string
  severity: CheckSeverity
  /** Workspace-relative, `/`-separated. */
  file: string
  /** 1-based line of the instruction that causes it. */
  line: number
  message: string
  /** One line saying what to change. */
  fix: string
  /** The rule's documentation, for Docker's build checks. */
  url?: string
}

export function severityRank(severity: CheckSeverity): number {
  return checkSeverities.indexOf(severity)
}

export function atOrAbove(severity: CheckSeverity, threshold: CheckSeverity): boolean {
  return severityRank(severity) <= severityRank(threshold)
}

/** By line, then rule: the order the engine returns and the reports list. */
export function sortFindings(findings: DockerfileFinding[]): DockerfileFinding[] {
  return [...findings].sort(
    (a, b) =>
      a.line - b.line || byCodeUnit(a.rule, b.rule) || severityRank(a.severity) - severityRank(b.severity)
  )
}

/** One finding per rule and line: the first one wins. */
export function uniqueFindings(findings: DockerfileFinding[]): DockerfileFinding[] {
  const seen = new Set<string>()
  return findings.filter((finding) => {
    const key = `${finding.rule}\u0000${finding.line}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

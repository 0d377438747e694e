import { cell, code, markdownCell } from '../report/markdown.js'
import { lineLink } from '../report/summary.js'
import { checkSeverities, type CheckSeverity, type DockerfileFinding } from './finding.js'

const severityMark: Record<CheckSeverity, string> = {
  error: '⛔ error',
  warning: '⚠️ warning',
  notice: 'ℹ️ notice'
}

function counts(findings: DockerfileFinding[]): string {
  return checkSeverities
    .map(
      (severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const
    )
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}${count === 1 ? '' : 's'}`)
    .join(', ')
}

/**
 * The Dockerfile checks section of the job summary and the pull request comment. Cell text is escaped;
 * `blobUrl` (`https://github.com/<owner>/<repo>/blob/<sha>`) turns lines into links.
 */
export function dockerfileChecksMarkdown(
  findings: DockerfileFinding[],
  options: { file: string; blobUrl?: string; headingLevel?: number; maxRows?: number; note?: string }
): string {
  const heading = `${'#'.repeat(options.headingLevel ?? 3)} Dockerfile checks: ${code(options.file)}`
  const note = options.note ? ['', cell(options.note)] : []
  if (findings.length === 0) return [heading, '', 'No findings.', ...note, ''].join('\n')
  const maxRows = options.maxRows ?? 50
  const rows = findings.slice(0, maxRows).map((finding) => {
    const rule = finding.url ? `[${code(finding.rule)}](${finding.url})` : code(finding.rule)
    const where = lineLink({ dockerfile: finding.file, blobUrl: options.blobUrl }, finding.line)
    return `| ${severityMark[finding.severity]} | ${rule} | ${where} | ${cell(finding.message)} | ${markdownCell(finding.fix)} |`
  })
  const more =
    findings.length > maxRows
      ? ['', `_…and ${findings.length - maxRows} more in the run's annotations._`]
      : []
  return [
    heading,
    '',
    `${counts(findings)}.`,
    ...note,
    '',
    '| Severity | Rule | Where | Finding | Fix |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...more,
    ''
  ].join('\n')
}

/** The `dockerfile-findings` output: a JSON list of `{rule, severity, file, line, message}`. */
export function dockerfileFindingsOutput(findings: DockerfileFinding[]): string {
  return JSON.stringify(
    findings.map(({ rule, severity, file, line, message }) => ({ rule, severity, file, line, message }))
  )
}

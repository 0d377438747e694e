import * as core from '@actions/core'
import * as path from 'node:path'
import { severities, severityRank, type Severity } from '../scan/findings.js'
import type { MappedFinding, Origin } from '../scan/layer-map.js'
import { biggestLayers, formatSize, type SizeCheck, type SizedLayer } from '../scan/size.js'

export interface AnnotationPlan {
  level: 'error' | 'warning'
  /** Workspace-relative, `/`-separated: what GitHub needs to place it on the diff. */
  file: string
  line: number
  title: string
  message: string
}

export interface AnnotationOptions {
  file: string
  /** The `annotate-severity` input: findings below it are not annotated. */
  annotateSeverity: Severity
  /** GitHub shows at most 10 errors and 10 warnings per step. */
  maxErrors?: number
  maxWarnings?: number
}

/** What the summary and the pull request comment say about one built target. */
export interface TargetReport {
  /** The built stage, e.g. `production`. */
  target: string
  /** The ECR repository name, e.g. `shop/web`. */
  repository: string
  /** Registry and repository without a tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web`. */
  image: string
  digest?: string
  tags: string[]
  /** Layers with their instructions: compressed from a registry manifest, or as the daemon holds them. */
  layers?: SizedLayer[]
  /** False when `layers` are the daemon's uncompressed sizes (nothing pushed yet). */
  sizesCompressed?: boolean
  sizeCheck?: SizeCheck
  buildSeconds?: number
  /** A line from the build phase, e.g. `7 of 9 steps cached`. */
  cachedSteps?: string
  /** Absent when the scan did not run. */
  findings?: MappedFinding[]
  /** Findings at or above this severity block the push (the scan gate); absent when the scan only reports. */
  failSeverity?: Severity
  pushed: boolean
  /** The Dockerfile, workspace-relative. */
  dockerfile: string
  /** `https://github.com/<owner>/<repo>/blob/<sha>`: turns Dockerfile lines into links. */
  blobUrl?: string
}

export interface SummaryOptions {
  /** How many findings the "Top findings" table lists. */
  topFindings?: number
  /** Hard cap in bytes; the step summary as a whole must stay under GitHub's 1 MiB. */
  maxBytes?: number
  /** Markdown heading level of the target's title. */
  headingLevel?: number
}

export const summaryLimitBytes = 128 * 1024

/** A path as GitHub annotations and SARIF want it: relative to the workspace, with `/` separators. */
export function relativeToWorkspace(file: string, workspace: string): string {
  return path.relative(workspace, path.resolve(workspace, file)).split(path.sep).join('/')
}

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
      a.id.localeCompare(b.id) ||
      a.pkgName.localeCompare(b.pkgName)
  )
}

function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold)
}

function levelOf(severity: Severity): 'error' | 'warning' {
  return severity === 'CRITICAL' || severity === 'HIGH' ? 'error' : 'warning'
}

function versions(finding: MappedFinding): string {
  return `${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'}`
}

function originSentence(origin: Origin): string {
  if (!origin.mapped)
    return "Could not tell which instruction added this layer: shown at the built stage's FROM."
  if (origin.fromBase) return `It comes with the base image ${origin.baseImage ?? ''} that this FROM picks.`
  return `This instruction added it (stage ${origin.stage}).`
}

function annotationOf(finding: MappedFinding, file: string): AnnotationPlan {
  const platform = finding.platform ? ` [${finding.platform}]` : ''
  return {
    level: levelOf(finding.severity),
    file,
    line: finding.origin.line,
    title: `${finding.id}: ${finding.pkgName} (${finding.severity})${platform}`,
    message: [
      `${finding.pkgName} ${versions(finding)} (${finding.severity})${finding.title ? `: ${finding.title}` : ''}`,
      originSentence(finding.origin),
      ...(finding.primaryUrl ? [finding.primaryUrl] : [])
    ].join('\n')
  }
}

function countsText(findings: MappedFinding[]): string {
  return severities
    .map(
      (severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const
    )
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ')
}

function restAnnotation(rest: MappedFinding[], level: 'error' | 'warning', file: string): AnnotationPlan {
  const listed = rest
    .slice(0, 20)
    .map((finding) => `${finding.id} (${finding.pkgName}, line ${finding.origin.line})`)
  const more = rest.length > listed.length ? `, and ${rest.length - listed.length} more` : ''
  return {
    level,
    file,
    line: rest[0].origin.line,
    title: `${rest.length} more findings not annotated`,
    message: `${countsText(rest)}: ${listed.join(', ')}${more}. The job summary lists them by severity.`
  }
}

/**
 * Annotations for findings at or above `annotateSeverity`, most severe first: CRITICAL and HIGH as errors,
 * the rest as warnings. What does not fit GitHub's 10 + 10 goes into one summarizing annotation.
 */
export function planAnnotations(findings: MappedFinding[], options: AnnotationOptions): AnnotationPlan[] {
  const maxErrors = options.maxErrors ?? 10
  const maxWarnings = options.maxWarnings ?? 10
  const eligible = bySeverity(
    uniqueFindings(findings).filter((finding) => atOrAbove(finding.severity, options.annotateSeverity))
  )
  const errors = eligible.filter((finding) => levelOf(finding.severity) === 'error')
  const warnings = eligible.filter((finding) => levelOf(finding.severity) === 'warning')
  // The summarizing annotation takes one slot of the most severe level that overflows.
  const restLevel =
    errors.length > maxErrors ? 'error' : warnings.length > maxWarnings ? 'warning' : undefined
  const shownErrors = errors.slice(0, restLevel === 'error' ? maxErrors - 1 : maxErrors)
  const shownWarnings = warnings.slice(0, restLevel === 'warning' ? maxWarnings - 1 : maxWarnings)
  const rest = [...errors.slice(shownErrors.length), ...warnings.slice(shownWarnings.length)]
  const summary = restLevel && rest.length > 0 ? restAnnotation(rest, restLevel, options.file) : undefined
  return [
    ...shownErrors.map((finding) => annotationOf(finding, options.file)),
    ...(summary?.level === 'error' ? [summary] : []),
    ...shownWarnings.map((finding) => annotationOf(finding, options.file)),
    ...(summary?.level === 'warning' ? [summary] : [])
  ]
}

export interface AnnotationLog {
  error(message: string, properties: core.AnnotationProperties): void
  warning(message: string, properties: core.AnnotationProperties): void
}

export function emitAnnotations(plans: AnnotationPlan[], log: AnnotationLog = core): void {
  for (const plan of plans)
    log[plan.level](plan.message, { file: plan.file, startLine: plan.line, title: plan.title })
}

/** Text for a table cell: one line, pipes escaped, HTML not interpreted. */
export function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim()
}

/** Inline code in a table cell: entities are not decoded inside code spans, so only pipes and backticks change. */
export function code(text: string): string {
  return `\`${text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/`/g, "'")}\``
}

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const rest = total % 60
  if (hours > 0) return `${hours}h ${minutes}m`
  if (minutes > 0) return `${minutes}m ${rest}s`
  return `${rest}s`
}

/** `[line 19](…#L19)` when the blob URL is known, otherwise `line 19`. */
export function lineLink(report: Pick<TargetReport, 'dockerfile' | 'blobUrl'>, line: number): string {
  return report.blobUrl ? `[line ${line}](${report.blobUrl}/${report.dockerfile}#L${line})` : `line ${line}`
}

export function blocksPush(report: Pick<TargetReport, 'failSeverity'>, finding: MappedFinding): boolean {
  return report.failSeverity !== undefined && atOrAbove(finding.severity, report.failSeverity)
}

function sizeRow(report: TargetReport): string[] {
  if (!report.layers) return []
  const total = report.layers.reduce((sum, layer) => sum + layer.size, 0)
  const budget = report.sizeCheck
    ? report.sizeCheck.over
      ? ` — ⛔ over the ${formatSize(report.sizeCheck.budget)} budget`
      : ` (budget ${formatSize(report.sizeCheck.budget)})`
    : ''
  const kind = report.sizesCompressed === false ? 'uncompressed' : 'compressed'
  return [`| Size | ${formatSize(total)} ${kind}, ${report.layers.length} layers${budget} |`]
}

function pushRow(report: TargetReport, findings: MappedFinding[]): string {
  const blocking = findings.filter((finding) => blocksPush(report, finding))
  if (blocking.length > 0) {
    return `| Push | ⛔ blocked by ${blocking.length} ${blocking.length === 1 ? 'finding' : 'findings'} at or above ${report.failSeverity} |`
  }
  if (report.sizeCheck?.over) return '| Push | ⛔ blocked by the size budget |'
  return `| Push | ${report.pushed ? '✅ pushed' : 'not pushed'} |`
}

export function originCell(report: TargetReport, origin: Origin): string {
  const where = lineLink(report, origin.line)
  if (!origin.mapped) return `${where} (not mapped: built stage's FROM)`
  return `${where} ${code(origin.instruction)}${origin.fromBase ? ' (base image)' : ''}`
}

function layerTable(report: TargetReport): string[] {
  if (!report.layers || report.layers.length === 0) return []
  const rows = biggestLayers(report.layers, 5).map((layer) => {
    const origin =
      layer.line === undefined
        ? `${code(layer.digest.slice(0, 19))} (instruction unknown)`
        : `${lineLink(report, layer.line)} ${code(layer.instruction ?? '')}${layer.fromBase ? ' (base image)' : ''}`
    return `| ${formatSize(layer.size)} | ${origin} |`
  })
  return ['', '**Biggest layers**', '', '| Size | Made by |', '| ---: | --- |', ...rows]
}

function findingsTables(report: TargetReport, findings: MappedFinding[], top: number): string[] {
  if (!report.findings) return ['', '_Not scanned._']
  if (findings.length === 0) return ['', '**Vulnerabilities**: none found.']
  const counts = severities.map(
    (severity) => findings.filter((finding) => finding.severity === severity).length
  )
  const sorted = bySeverity(findings)
  const rows = sorted.slice(0, top).map((finding) => {
    const id = finding.primaryUrl ? `[${cell(finding.id)}](${finding.primaryUrl})` : cell(finding.id)
    const blocks = blocksPush(report, finding) ? '⛔' : ''
    return `| ${finding.severity} | ${id} | ${cell(finding.pkgName)} | ${cell(versions(finding))} | ${originCell(report, finding.origin)} | ${blocks} |`
  })
  const more = sorted.length > top ? ['', `_…and ${sorted.length - top} more in the Trivy report._`] : []
  return [
    '',
    '**Vulnerabilities**',
    '',
    '| Critical | High | Medium | Low | Unknown |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${counts.join(' | ')} |`,
    '',
    '**Top findings**',
    '',
    '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
    '| --- | --- | --- | --- | --- | :---: |',
    ...rows,
    ...more
  ]
}

/** Cuts Markdown at a line boundary so it fits `maxBytes` (UTF-8), saying that it did. */
export function limitMarkdown(markdown: string, maxBytes: number): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown
  const note = '\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n'
  const room = maxBytes - Buffer.byteLength(note)
  const cut = Buffer.from(markdown)
    .subarray(0, Math.max(room, 0))
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  const lastLine = cut.lastIndexOf('\n')
  return `${lastLine > 0 ? cut.slice(0, lastLine) : cut}${note}`
}

/** The job summary section for one target. */
export function summaryMarkdown(report: TargetReport, options: SummaryOptions = {}): string {
  const findings = uniqueFindings(report.findings ?? [])
  const heading = '#'.repeat(options.headingLevel ?? 3)
  const reference = report.digest ? `${report.image}@${report.digest}` : report.image
  const lines = [
    `${heading} ${code(report.target)} → ${code(report.image)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Image | ${code(reference)} |`,
    `| Tags | ${report.tags.length > 0 ? report.tags.map(code).join(', ') : 'none'} |`,
    ...sizeRow(report),
    ...(report.buildSeconds !== undefined ? [`| Build time | ${formatDuration(report.buildSeconds)} |`] : []),
    ...(report.cachedSteps ? [`| Cache | ${cell(report.cachedSteps)} |`] : []),
    pushRow(report, findings),
    ...layerTable(report),
    ...findingsTables(report, findings, options.topFindings ?? 10)
  ]
  return limitMarkdown(`${lines.join('\n')}\n`, options.maxBytes ?? summaryLimitBytes)
}

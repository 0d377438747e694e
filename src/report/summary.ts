import { plural } from '../words.js'
import type { FailOn } from '../config/scan.js'
import type { DockerfileFinding } from '../dockerfile/finding.js'
import { dockerfileChecksMarkdown } from '../dockerfile/render.js'
import type { TagFailure } from '../release/release.js'
import { severities } from '../scan/findings.js'
import type { MappedFinding, Origin } from '../scan/layer-map.js'
import { blocks } from '../scan/policy.js'
import { biggestLayers, formatSize, type SizeCheck, type SizedLayer } from '../scan/size.js'
import type { SuppressedFinding } from '../scan/findings.js'
import { comparisonLine, suppressedTable, type ComparedWith } from './compared.js'
import { bySeverity, uniqueFindings } from './findings.js'
import { cell, code, formatDuration, limitMarkdown, link, markdownCell } from './markdown.js'

/** The gate's answer for one image, said first in its section. */
export type Verdict =
  | { kind: 'passed' }
  | { kind: 'blocked'; reason: string }
  | { kind: 'held-back'; by: string[] }
  | { kind: 'not-scanned' }
  | { kind: 'dry-run' }

/** What the summary and the pull request comment say about one built image. */
export interface TargetReport {
  /** The built stage, e.g. `production`. */
  target: string
  /** The ECR repository name, e.g. `shop/web`. */
  repository: string
  /** Registry and repository without a tag. */
  image: string
  digest?: string
  /** Final references that exist now: in the registry, or only in the daemon without a push. */
  tags: string[]
  /** False with `push: false`: the tags are names in the Docker daemon only. */
  pushed: boolean
  /** Final references that could not be written, and why. */
  failedTags: TagFailure[]
  /** Of `tags`, those that already pointed at the image before the run (a re-run): nothing moved them. */
  alreadyThere?: string[]
  verdict: Verdict
  /** Absent when the scan did not run. */
  failOn?: FailOn
  /** `fail-on-new`: findings already in the comparison image do not block. */
  failOnNew?: boolean
  /** The image the findings were compared with, or why there was none. */
  comparedWith?: ComparedWith
  /** Findings VEX documents silenced, with their justification. */
  suppressed?: SuppressedFinding[]
  /** `Trivy 0.75.0`, or what a stand-in says it is. */
  scanner?: string
  /** Layers with their instructions: compressed from a registry manifest, or as the daemon holds them. */
  layers?: SizedLayer[]
  /** False when `layers` are the daemon's uncompressed sizes. */
  sizesCompressed?: boolean
  sizeCheck?: SizeCheck
  buildSeconds?: number
  /** e.g. `7 of 9 build steps from cache`. */
  cachedSteps?: string
  /** Absent when the scan did not run. */
  findings?: MappedFinding[]
  /** What became of a blocked image (deleted, kept, removed from the daemon). */
  cleanup?: string
  /** Why tags could not be pulled back into the daemon (`load`); the push went through. */
  loadError?: string
  /** The signing section: what was signed, by whom, how to verify it; or why signing failed. */
  signing?: string
  /** What the Dockerfile checks found on this image's stages; absent when they are off. */
  dockerfileChecks?: { findings: DockerfileFinding[]; note?: string }
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

/** `[line 19](…#L19)` when the blob URL is known, otherwise `line 19`. */
export function lineLink(report: Pick<TargetReport, 'dockerfile' | 'blobUrl'>, line: number): string {
  return report.blobUrl ? `[line ${line}](${report.blobUrl}/${report.dockerfile}#L${line})` : `line ${line}`
}

export function blocksPush(
  report: Pick<TargetReport, 'failOn' | 'failOnNew'>,
  finding: MappedFinding
): boolean {
  return blocks(finding, report.failOn, report.failOnNew === true)
}

export function originCell(report: TargetReport, origin: Origin): string {
  const where = lineLink(report, origin.line)
  if (!origin.mapped) return `${where} (not mapped: built stage's FROM)`
  return `${where} ${code(origin.instruction)}${origin.fromBase ? ' (base image)' : ''}`
}

/** The first line: the verdict, the policy, and what decided it. */
export function verdictLine(report: TargetReport): string {
  const findings = uniqueFindings(report.findings ?? [])
  const blocking = findings.filter((finding) => blocksPush(report, finding))
  const policy =
    report.failOn === undefined
      ? ''
      : report.failOn === 'none'
        ? 'fail-on none (report only)'
        : `fail-on ${report.failOn}${report.failOnNew ? ' (new findings only)' : ''}`
  switch (report.verdict.kind) {
    case 'passed':
      return `**Gate: passed** — ${policy}, ${plural(blocking.length, 'blocking finding')}${report.sizeCheck ? ', within the size budget' : ''}`
    case 'blocked': {
      const bySeverityCount = severities
        .map(
          (severity) =>
            [severity, blocking.filter((finding) => finding.severity === severity).length] as const
        )
        .filter(([, count]) => count > 0)
        .map(([severity, count]) => `${count} ${severity}`)
      const reasons = [
        ...(bySeverityCount.length > 0 ? [bySeverityCount.join(', ')] : []),
        ...(report.sizeCheck?.over ? ['the size budget'] : []),
        ...(bySeverityCount.length === 0 && !report.sizeCheck?.over ? ['an unverified scan'] : [])
      ]
      return `**Gate: blocked** by ${reasons.join(' and ')} — ${policy}`
    }
    case 'held-back':
      return `**Gate: passed, held back** — ${report.verdict.by.map(code).join(', ')} ${report.verdict.by.length === 1 ? 'was' : 'were'} blocked and 'gate: atomic' releases all targets or none`
    case 'not-scanned':
      return `**Gate: not scanned** — 'scan: false' pushes without a scan`
    case 'dry-run':
      return `**Dry run** — nothing was built, scanned or pushed`
  }
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
  return [`| Size | ${formatSize(total)} ${kind}, ${plural(report.layers.length, 'layer')}${budget} |`]
}

function pushRow(report: TargetReport): string[] {
  if (!report.pushed) {
    const kept =
      report.tags.length > 0 ? `: kept in the Docker daemon as ${report.tags.map(code).join(', ')}` : ''
    return [`| Push | not pushed ('push: false')${kept} |`]
  }
  const failed = report.failedTags
  if (report.tags.length > 0 && failed.length === 0) {
    const there = report.alreadyThere ?? []
    const written =
      there.length === 0
        ? `${plural(report.tags.length, 'tag')} written`
        : there.length === report.tags.length
          ? `${plural(there.length, 'tag')} already there (nothing moved)`
          : `${plural(report.tags.length - there.length, 'tag')} written, ${there.length} already there: ${there.map(code).join(', ')}`
    return [
      `| Push | ✅ ${written}${report.loadError ? `; loading them into the daemon failed: ${cell(report.loadError)}` : ''} |`
    ]
  }
  if (failed.length > 0) {
    const written =
      report.tags.length > 0 ? `${report.tags.map(code).join(', ')} written; ` : 'no tag written; '
    const failures = failed.map((failure) => `${code(failure.tag)}: ${cell(failure.error)}`).join('; ')
    return [`| Push | ⚠️ ${written}failed: ${failures} |`]
  }
  const why =
    report.verdict.kind === 'blocked' || report.verdict.kind === 'held-back' ? '⛔ not pushed' : 'not pushed'
  return [`| Push | ${why}${report.cleanup ? ` — ${markdownCell(report.cleanup)}` : ''} |`]
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

function versions(finding: MappedFinding): string {
  return `${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'}`
}

function findingsTables(report: TargetReport, findings: MappedFinding[], top: number): string[] {
  if (!report.findings) return ['', '_Not scanned._']
  const scanner = report.scanner ? ` (${cell(report.scanner)})` : ''
  if (findings.length === 0) return ['', `**Vulnerabilities**${scanner}: none found.`]
  const counts = severities.map(
    (severity) => findings.filter((finding) => finding.severity === severity).length
  )
  const sorted = bySeverity(findings)
  const rows = sorted.slice(0, top).map((finding) => {
    const blocks = blocksPush(report, finding) ? '⛔' : ''
    const present = finding.alreadyPresent ? ' (already present)' : ''
    return `| ${finding.severity} | ${link(finding.id, finding.primaryUrl)}${present} | ${cell(finding.pkgName)} | ${cell(versions(finding))} | ${originCell(report, finding.origin)} | ${blocks} |`
  })
  const more = sorted.length > top ? ['', `_…and ${sorted.length - top} more in the Trivy report._`] : []
  return [
    '',
    `**Vulnerabilities**${scanner}`,
    '',
    '| Critical | High | Medium | Low | Unknown |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${counts.join(' | ')} |`,
    ...comparisonLine(report.comparedWith, findings, report.failOnNew ?? false),
    '',
    '**Top findings**',
    '',
    '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
    '| --- | --- | --- | --- | --- | :---: |',
    ...rows,
    ...more
  ]
}

/** The job summary section for one target. */
export function summaryMarkdown(report: TargetReport, options: SummaryOptions = {}): string {
  const findings = uniqueFindings(report.findings ?? [])
  const heading = '#'.repeat(options.headingLevel ?? 3)
  const reference = report.digest ? `${report.image}@${report.digest}` : report.image
  const lines = [
    `${heading} ${code(report.target)} → ${code(report.image)}`,
    '',
    verdictLine(report),
    '',
    '| | |',
    '| --- | --- |',
    `| Image | ${code(reference)} |`,
    `| Tags | ${report.tags.length > 0 ? report.tags.map(code).join(', ') : 'none'} |`,
    ...sizeRow(report),
    ...(report.buildSeconds !== undefined ? [`| Build time | ${formatDuration(report.buildSeconds)} |`] : []),
    ...(report.cachedSteps ? [`| Cache | ${cell(report.cachedSteps)} |`] : []),
    ...pushRow(report),
    ...layerTable(report),
    ...findingsTables(report, findings, options.topFindings ?? 10),
    ...suppressedTable(report.suppressed),
    ...(report.signing ? ['', report.signing.trimEnd()] : []),
    ...(report.dockerfileChecks
      ? [
          '',
          dockerfileChecksMarkdown(report.dockerfileChecks.findings, {
            file: report.dockerfile,
            ...(report.blobUrl ? { blobUrl: report.blobUrl } : {}),
            headingLevel: (options.headingLevel ?? 3) + 1,
            ...(report.dockerfileChecks.note ? { note: report.dockerfileChecks.note } : {})
          }).trimEnd()
        ]
      : [])
  ]
  return limitMarkdown(`${lines.join('\n')}\n`, options.maxBytes ?? summaryLimitBytes)
}

import { readFile } from 'node:fs/promises'
import type { Log as SarifLog } from 'sarif'
import type { DockerfileFacts, Stage } from '../config/dockerfile.js'
import type { ReportConfig } from '../config/report.js'
import type { ScanConfig } from '../config/scan.js'
import type { Pair } from '../config/values.js'
import type { SarifUpload } from '../github/code-scanning.js'
import { markBaseline } from '../report/sarif-baseline.js'
import { rewriteSarifLocations } from '../report/sarif-locations.js'
import { defaultCategory, describeOmitted, platformCategory, prepareSarif } from '../report/sarif.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { Comparison } from './comparison.js'
import type { Finding, SeverityCounts, SuppressedFinding } from './findings.js'
import { findingKey } from './findings.js'
import { mapFindings, mapLayers, type LayerMap, type MappedFinding } from './layer-map.js'
import { evaluateGate, type NewOnly } from './policy.js'
import { checkSizeBudget, type SizeCheck, type SizedLayer } from './size.js'
import { planScan, scanFiles, type ScanTarget, type TrivyWorkspace } from './trivy.js'
import {
  countBySeverity,
  findingsOf,
  readTrivyReport,
  suppressedOf,
  type TrivyReport
} from './trivy-report.js'

/** What the gate knows a platform's image must be, to check that Trivy scanned exactly that. */
export interface ExpectedImage {
  /** The uncompressed layer digests, when known (a single-platform image in the daemon). */
  diffIds?: string[]
}

export interface GateRequest {
  workspace: TrivyWorkspace
  scan: ScanConfig
  report: Pick<ReportConfig, 'maxImageSize'>
  dockerfile: DockerfileFacts
  stage: Stage
  repository: string
  buildArgs: Pair[]
  /** One per platform of the image, every one of them. */
  targets: Array<ScanTarget & { expected?: ExpectedImage }>
  /** The image's own folder for report files. */
  dir: string
  /** What the gate already knows is wrong with the image before scanning it (it then blocks). */
  problems?: string[]
  /** The image the findings are compared with (`fail-on-new`, the pull request's base), already scanned. */
  comparison?: Comparison
}

export interface PlatformScan {
  platform: string
  reportPath: string
  sarifPath: string
  counts: SeverityCounts
}

export interface GateOutcome {
  scans: PlatformScan[]
  findings: MappedFinding[]
  counts: SeverityCounts
  layers: SizedLayer[]
  /** Layer sizes come from the registry (compressed), not the daemon. */
  layersCompressed: boolean
  sizeCheck?: SizeCheck
  /** SARIF for code scanning, one per platform, already pointed at the Dockerfile. */
  sarif: SarifUpload[]
  /** What a VEX document (or an ignore file) took out of the findings, with why; only with `vex`. */
  suppressed?: SuppressedFinding[]
  /** What the findings were compared with; findings it has too are `alreadyPresent`. */
  comparison?: Comparison
  /** What scanned it, e.g. `Trivy 0.75.0`, as the report says. */
  scanner: string
  /** When the first scan started and the last ended: what a vulnerability attestation records. */
  startedAt: Date
  finishedAt: Date
  /** Why the image must not be tagged (blocking findings, size budget, an unverified scan); undefined when it passed. */
  blocked?: string
}

function sumCounts(all: SeverityCounts[]): SeverityCounts {
  const total: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
  for (const counts of all)
    for (const key of Object.keys(total) as Array<keyof SeverityCounts>) total[key] += counts[key]
  return total
}

/** The layers as the scan saw them, with the instruction that made each. */
function sizedLayers(report: TrivyReport, map: LayerMap): SizedLayer[] {
  return (report.Metadata.Layers ?? []).map((layer) => {
    const origin = map.layers.find((candidate) => candidate.diffId === layer.DiffID)?.origin
    return {
      digest: layer.Digest ?? layer.DiffID,
      size: layer.Size ?? 0,
      ...(origin?.mapped
        ? { instruction: origin.instruction, line: origin.line, fromBase: origin.fromBase }
        : {})
    }
  })
}

/** The platform a report says Trivy scanned (`ImageConfig.os/architecture`); undefined when it does not say. */
export function platformOf(report: TrivyReport): string | undefined {
  const config = report.Metadata.ImageConfig
  if (!config?.os || !config.architecture) return undefined
  return [config.os, config.architecture, config.variant].filter(Boolean).join('/')
}

/** `linux/arm64` and `linux/arm64/v8` are one platform; otherwise every part must match. */
export function samePlatform(scanned: string, built: string): boolean {
  const normalize = (platform: string) => (platform === 'linux/arm64/v8' ? 'linux/arm64' : platform)
  return normalize(scanned) === normalize(built)
}

/**
 * Marks each finding the comparison image has too, on the same platform (`platform` is the one the run
 * scanned when the findings carry none). A platform the comparison lacks leaves its findings new.
 */
export function markPresent<T extends Finding>(
  findings: T[],
  comparison: Comparison | undefined,
  platform: string
): T[] {
  if (!comparison?.image) return findings
  const keys = new Map(
    comparison.platforms.map((entry) => [entry.platform, new Set(entry.findings?.map(findingKey))])
  )
  const keysFor = (scanned: string) =>
    [...keys.entries()].find(([candidate]) => samePlatform(candidate, scanned))?.[1]
  return findings.map((finding) =>
    keysFor(finding.platform ?? platform)?.has(findingKey(finding))
      ? { ...finding, alreadyPresent: true }
      : finding
  )
}

/**
 * Fails closed when the report is not about the image that was built: another platform (Trivy picks
 * linux/amd64 of an index it cannot match), or other layers. The gate then has nothing to vouch with.
 */
export function verifyScanned(
  report: TrivyReport,
  target: ScanTarget & { expected?: ExpectedImage }
): string | undefined {
  const scanned = platformOf(report)
  if (scanned !== undefined && !samePlatform(scanned, target.platform)) {
    return `Trivy scanned ${scanned} of ${target.reference}, but ${target.platform} was built: that platform was not scanned, so the image is not tagged.`
  }
  const diffIds = report.Metadata.DiffIDs ?? report.Metadata.ImageConfig?.rootfs?.diff_ids
  const expected = target.expected?.diffIds
  if (expected && diffIds && expected.join() !== diffIds.join()) {
    return `Trivy scanned an image with other layers than the one built (${target.reference}, ${target.platform}): the scan cannot vouch for it, so the image is not tagged.`
  }
  return undefined
}

function categoryFor(request: GateRequest, platform: string | undefined): string {
  return request.scan.sarifCategory
    ? platformCategory(request.scan.sarifCategory, platform)
    : defaultCategory(request.repository, request.stage.name, platform)
}

/** `fail-on-new`'s view of the comparison; undefined without `fail-on-new`. */
function newOnlyOf(request: GateRequest): NewOnly | undefined {
  if (!request.scan.failOnNew) return undefined
  const { image, note } = request.comparison ?? {}
  return image ? { image } : { note }
}

/**
 * Scans every platform of the image before any final tag exists and says whether it may be tagged: nothing
 * failing the policy, the size budget or the scan's own checks ever carries a final tag. With `fail-on-new`
 * only findings the comparison image lacks block. In a dry run the scans are printed and the gate is assumed
 * to pass.
 */
export async function runGate(runner: Runner, log: Log, request: GateRequest): Promise<GateOutcome> {
  const several = request.targets.length > 1
  const scans: PlatformScan[] = []
  const findings: MappedFinding[] = []
  const suppressed: SuppressedFinding[] = []
  const sarif: SarifUpload[] = []
  const problems: string[] = [...(request.problems ?? [])]
  let layers: SizedLayer[] = []
  let scanner = 'Trivy'
  const startedAt = new Date()
  for (const target of request.targets) {
    const files = scanFiles(request.dir, target.platform)
    for (const command of planScan(request.workspace, request.scan, target, files))
      await runner.run(command, { stream: true })
    if (runner.dryRun) continue
    const report = await readTrivyReport(files.reportPath)
    if (report.Trivy?.Version) scanner = `Trivy ${report.Trivy.Version}`
    const problem = verifyScanned(report, target)
    if (problem) problems.push(problem)
    const platform = several ? target.platform : undefined
    const map = mapLayers({
      config: report.Metadata.ImageConfig ?? {},
      dockerfile: request.dockerfile.parsed,
      stage: request.stage,
      buildArgs: request.buildArgs
    })
    if (map.problem) log.info(`Layer mapping: ${map.problem}`)
    const mapped = markPresent(
      mapFindings(findingsOf(report, platform), map),
      request.comparison,
      target.platform
    )
    findings.push(...mapped)
    suppressed.push(...suppressedOf(report, platform))
    scans.push({ platform: target.platform, ...files, counts: countBySeverity(mapped) })
    if (layers.length === 0) layers = sizedLayers(report, map)
    const category = categoryFor(request, platform)
    const raw = JSON.parse(await readFile(files.sarifPath, 'utf8')) as SarifLog
    const located = rewriteSarifLocations(raw, mapped, request.dockerfile.relativePath, map.fallback)
    const prepared = prepareSarif(request.comparison?.image ? markBaseline(located, mapped) : located, {
      category
    })
    const omitted = describeOmitted(prepared.omitted)
    if (omitted) log.warning(omitted)
    sarif.push({ category, sarif: prepared.log })
  }
  const verdict = evaluateGate(findings, request.scan.failOn, newOnlyOf(request))
  const layersCompressed = request.targets.every((target) => target.source === 'remote')
  const budget = request.report.maxImageSize
  const sizeCheck =
    budget !== undefined && !runner.dryRun ? checkSizeBudget(layers, budget, layersCompressed) : undefined
  const reasons = [...problems]
  if (verdict.message) reasons.push(verdict.message)
  if (sizeCheck?.over) reasons.push(sizeCheck.message)
  return {
    scans,
    findings,
    counts: sumCounts(scans.map((scan) => scan.counts)),
    layers,
    layersCompressed,
    ...(sizeCheck ? { sizeCheck } : {}),
    sarif,
    ...(suppressed.length > 0 ? { suppressed } : {}),
    ...(request.comparison ? { comparison: request.comparison } : {}),
    scanner,
    startedAt,
    finishedAt: new Date(),
    ...(reasons.length > 0 ? { blocked: reasons.join('\n') } : {})
  }
}

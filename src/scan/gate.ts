import * as core from '@actions/core'
import { readFile, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { Log } from 'sarif'
import type { RunContext } from '../github/context.js'
import { bool, oneOf, type RawInputs } from '../config/values.js'
import type { Runner } from '../run/command.js'
import type { BuildOutput } from '../build/build.js'
import { severities, type Severity, type SeverityCounts } from './findings.js'
import {
  mapFindings,
  mapLayers,
  rewriteSarifLocations,
  type LayerMap,
  type MappedFinding
} from './layer-map.js'
import { checkSizeBudget, parseSizeBudget, type SizeCheck, type SizedLayer } from './size.js'
import type { TrivyReport } from './trivy-report.js'
import { emitAnnotations, planAnnotations, relativeToWorkspace } from '../report/summary.js'
import type { BaseComparison } from '../report/comment.js'
import {
  describeOmitted,
  defaultCategory,
  platformCategory,
  prepareSarif,
  uploadSarif
} from '../report/sarif.js'
import {
  evaluateGate,
  mergeIgnoreFiles,
  planDbDownload,
  planScan,
  runDbDownload,
  runScan,
  type ScanInputs,
  type ScanRequest
} from './scan.js'
import { installTrivy, restoreTrivyDb, saveTrivyDb } from './trivy-setup.js'

/** The report inputs of action.yml; keys are the action.yml names. */
export interface ReportInputs {
  'annotate-severity': Severity
  'pr-comment': boolean
  /** Bytes; undefined when there is no budget. */
  'max-image-size'?: number
}

export function parseReportInputs(raw: RawInputs): ReportInputs {
  return {
    'annotate-severity': oneOf(raw, 'annotate-severity', severities, 'HIGH'),
    'pr-comment': bool(raw, 'pr-comment', true),
    'max-image-size': parseSizeBudget(raw['max-image-size'] ?? '')
  }
}

/** One image the gate scans: the loaded image in the daemon, or a digest (one platform of it) in the registry. */
export interface ScanTarget {
  imageRef: string
  source: 'docker' | 'remote'
  platform?: string
}

/** What the gate scans: the loaded image by its first tag, or the pushed digest once per platform. */
export function scanTargets(
  output: BuildOutput,
  tags: string[],
  image: string,
  digest: string,
  platforms: string[]
): ScanTarget[] {
  if (output !== 'push-by-digest') return [{ imageRef: tags[0], source: 'docker' }]
  const imageRef = `${image}@${digest}`
  if (platforms.length <= 1) return [{ imageRef, source: 'remote' }]
  return platforms.map((platform) => ({ imageRef, source: 'remote', platform }))
}

export interface GateRequest {
  runner: Runner
  prepared: PreparedTrivy
  scan: ScanInputs
  report: ReportInputs
  context: RunContext
  token: string
  repository: string
  /** The built stage's name. */
  stage: string
  /** The `target` input ('' means the last stage). */
  target: string
  dockerfilePath: string
  buildArgs: string[]
  targets: ScanTarget[]
  tempDir: string
}

export interface GateOutcome {
  /** The trivy binary the gate used, for later scans in the same run. */
  trivy: string
  findings: MappedFinding[]
  counts: SeverityCounts
  reportPaths: string[]
  sarifPaths: string[]
  layers: SizedLayer[]
  /** Layer sizes come from the registry (compressed), not the daemon. */
  layersCompressed: boolean
  sizeCheck?: SizeCheck
  /** Why the image must not be tagged (blocking findings, size budget); undefined when it passed. */
  blocked?: string
}

function sumCounts(all: SeverityCounts[]): SeverityCounts {
  const total: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
  for (const counts of all) {
    for (const key of Object.keys(total) as Array<keyof SeverityCounts>) total[key] += counts[key]
  }
  return total
}

function scanFiles(tempDir: string, target: ScanTarget): { reportPath: string; sarifPath: string } {
  const suffix = target.platform ? `-${target.platform.replace(/\//g, '-')}` : ''
  return {
    reportPath: path.join(tempDir, `trivy${suffix}.json`),
    sarifPath: path.join(tempDir, `trivy${suffix}.sarif`)
  }
}

async function trivyBinary(inputs: ScanInputs): Promise<string> {
  return inputs['skip-setup-trivy'] ? 'trivy' : installTrivy({ version: inputs['trivy-version'] })
}

/** The layers as the scan saw them, with the instruction that made each. */
function sizedLayers(report: TrivyReport, map: LayerMap): SizedLayer[] {
  return (report.Metadata?.Layers ?? []).map((layer) => {
    const mapped = map.layers.find((candidate) => candidate.diffId === layer.DiffID)
    const origin = mapped?.origin
    return {
      digest: layer.Digest ?? layer.DiffID ?? '',
      size: layer.Size ?? 0,
      ...(origin?.mapped
        ? { instruction: origin.instruction, line: origin.line, fromBase: origin.fromBase }
        : {})
    }
  })
}

/** The trivy commands a dry run prints. */
export function planGate(request: Pick<GateRequest, 'scan' | 'targets' | 'tempDir'>): ScanRequest[] {
  return request.targets.map((target) => ({
    trivy: 'trivy',
    ...target,
    ...scanFiles(request.tempDir, target),
    inputs: request.scan
  }))
}

export async function printGate(runner: Runner, request: Pick<GateRequest, 'scan' | 'targets' | 'tempDir'>) {
  for (const scan of planGate(request)) for (const command of planScan(scan)) await runner.run(command)
}

/** The one DB download a dry run would make before its scans. */
export async function printTrivySetup(runner: Runner, request: Pick<GateRequest, 'scan' | 'tempDir'>) {
  const command = planDbDownload({
    trivy: 'trivy',
    inputs: request.scan,
    dockerConfigDir: path.join(request.tempDir, 'trivy-db-docker-config')
  })
  if (command) await runner.run(command)
}

async function uploadFindings(
  request: GateRequest,
  sarifPath: string,
  mapped: MappedFinding[],
  map: LayerMap,
  platform?: string
): Promise<void> {
  const file = relativeToWorkspace(request.dockerfilePath, request.context.workspace)
  const category = request.scan['sarif-category']
    ? platformCategory(request.scan['sarif-category'], platform)
    : defaultCategory(request.repository, request.stage, platform)
  const sarif = JSON.parse(await readFile(sarifPath, 'utf8')) as Log
  const prepared = prepareSarif(rewriteSarifLocations(sarif, mapped, file, map.fallback), { category })
  await writeFile(sarifPath, JSON.stringify(prepared.log))
  const omitted = describeOmitted(prepared.omitted)
  if (omitted) core.warning(omitted)
  if (!request.scan['sarif-upload']) return
  if (!request.token) {
    core.warning("SARIF upload skipped: 'github-token' is empty.")
    return
  }
  const result = await uploadSarif({
    token: request.token,
    context: request.context,
    sarif: prepared.log,
    category,
    checkoutUri: `file://${request.context.workspace}`,
    commitSha: request.context.sha,
    ref: request.context.ref
  })
  core.info(`SARIF upload (${category}): ${result.status}${result.url ? ` ${result.url}` : ''}`)
}

/**
 * Scans what was built before any final tag exists, uploads the findings (also when they block), and says
 * whether the image may be tagged: nothing failing the policy or the size budget ever carries a final tag.
 */
/** Trivy ready to scan, once per job: the binary, a fresh vulnerability DB and one merged ignore file. */
export interface PreparedTrivy {
  trivy: string
  ignoreFile?: string
}

export async function prepareTrivy(
  request: Pick<GateRequest, 'runner' | 'scan' | 'tempDir'>
): Promise<PreparedTrivy> {
  const trivy = await trivyBinary(request.scan)
  const db = await restoreTrivyDb()
  await runDbDownload(request.runner, { trivy, inputs: request.scan, tempDir: request.tempDir })
  await saveTrivyDb(db)
  const ignoreFile = await mergeIgnoreFiles(
    request.scan.trivyignores,
    path.join(request.tempDir, 'trivyignore')
  )
  return { trivy, ...(ignoreFile ? { ignoreFile } : {}) }
}

export async function runGate(request: GateRequest): Promise<GateOutcome> {
  const { trivy, ignoreFile } = request.prepared
  const dockerfile = await readFile(request.dockerfilePath, 'utf8')
  const findings: MappedFinding[] = []
  const counts: SeverityCounts[] = []
  const outcome: Omit<GateOutcome, 'findings' | 'counts' | 'trivy' | 'layersCompressed'> = {
    reportPaths: [],
    sarifPaths: [],
    layers: []
  }
  for (const target of request.targets) {
    const scanned = await runScan(request.runner, {
      trivy,
      ...target,
      ...scanFiles(request.tempDir, target),
      inputs: request.scan,
      ...(ignoreFile ? { ignoreFile } : {})
    })
    const map = mapLayers({
      config: scanned.report.Metadata?.ImageConfig ?? {},
      dockerfile,
      target: request.target,
      buildArgs: request.buildArgs
    })
    if (map.problem) core.info(`Layer mapping: ${map.problem}`)
    const mapped = mapFindings(scanned.findings, map)
    findings.push(...mapped)
    counts.push(scanned.counts)
    outcome.reportPaths.push(scanned.reportPath)
    outcome.sarifPaths.push(scanned.sarifPath)
    if (outcome.layers.length === 0) outcome.layers = sizedLayers(scanned.report, map)
    await uploadFindings(request, scanned.sarifPath, mapped, map, target.platform)
  }
  emitAnnotations(
    planAnnotations(findings, {
      file: relativeToWorkspace(request.dockerfilePath, request.context.workspace),
      annotateSeverity: request.report['annotate-severity']
    })
  )
  const gate = evaluateGate(findings, request.scan['fail-on'])
  const budget = request.report['max-image-size']
  const layersCompressed = request.targets.every((target) => target.source === 'remote')
  const sizeCheck =
    budget !== undefined ? checkSizeBudget(outcome.layers, budget, layersCompressed) : undefined
  const reasons = [gate.message, sizeCheck?.over ? sizeCheck.message : undefined].filter(Boolean)
  return {
    ...outcome,
    layersCompressed,
    trivy,
    findings,
    counts: sumCounts(counts),
    ...(sizeCheck ? { sizeCheck } : {}),
    ...(reasons.length > 0 ? { blocked: reasons.join('\n') } : {})
  }
}

/**
 * The pull request's base image: the base branch's tag in the registry, scanned the same way, so the
 * comment can say which findings this pull request brings in and which it fixes.
 */
export async function scanBase(
  request: Pick<GateRequest, 'runner' | 'scan' | 'tempDir'> & {
    trivy: string
    baseRef: string
    reference: string
    layers: Array<{ size: number }> | undefined
  }
): Promise<BaseComparison> {
  if (!request.layers) return { ref: request.baseRef }
  const scanned = await runScan(request.runner, {
    trivy: request.trivy,
    imageRef: request.reference,
    source: 'remote',
    reportPath: path.join(request.tempDir, 'trivy-base.json'),
    sarifPath: path.join(request.tempDir, 'trivy-base.sarif'),
    inputs: request.scan
  })
  return {
    ref: request.baseRef,
    image: request.reference,
    findings: scanned.findings,
    size: request.layers.reduce((sum, layer) => sum + layer.size, 0)
  }
}

import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import semver from 'semver'
import { ConfigurationError } from '../errors.js'
import { bool, text, type RawInputs } from '../config/values.js'
import type { Command, Runner } from '../run/command.js'
import { severities, severityRank, type Finding, type Severity, type SeverityCounts } from './findings.js'
import { parseList } from '../config/list.js'
import { countBySeverity, findingsOf, readTrivyReport, type TrivyReport } from './trivy-report.js'

export type FailOn = Severity | 'none'
export type Scanner = 'vuln' | 'secret' | 'misconfig'
export type PkgType = 'os' | 'library'

export const defaultTrivyVersion = '0.75.0'
/** `--pkg-types` (Trivy 0.51) is the oldest flag the plan relies on. */
const minimumTrivyVersion = '0.51.0'
const scannerNames: readonly Scanner[] = ['vuln', 'secret', 'misconfig']
const pkgTypeNames: readonly PkgType[] = ['os', 'library']
const failOnValues: readonly FailOn[] = [...severities, 'none']

/** The scan inputs of action.yml, typed; keys are the action.yml names. */
export interface ScanInputs {
  'trivy-version': string
  'skip-setup-trivy': boolean
  /** Empty: Trivy's own mirror order. */
  'trivy-db-repository': string[]
  severity: Severity[]
  'fail-on': FailOn
  'ignore-unfixed': boolean
  /** Absolute paths of existing files. */
  trivyignores: string[]
  scanners: Scanner[]
  'pkg-types': PkgType[]
  'sarif-upload': boolean
  /** Empty: `defaultCategory(...)`. */
  'sarif-category': string
}

/** A list input of known values, returned in the order of `allowed` without repeats. */
function listOf<T extends string>(raw: RawInputs, name: string, allowed: readonly T[], fallback: T[]): T[] {
  const items = parseList(raw[name] ?? '')
  if (items.length === 0) return fallback
  const chosen = items.map((item) => {
    const found = allowed.find((option) => option.toLowerCase() === item.toLowerCase())
    if (!found) {
      throw new ConfigurationError(
        `Input '${name}' has '${item}': expected a comma-separated list of ${allowed.map((a) => `'${a}'`).join(', ')}.`
      )
    }
    return found
  })
  return allowed.filter((option) => chosen.includes(option))
}

function failOn(raw: RawInputs): FailOn {
  const value = text(raw, 'fail-on')
  if (value === '') return 'CRITICAL'
  const found = failOnValues.find((option) => option.toLowerCase() === value.toLowerCase())
  if (!found) {
    throw new ConfigurationError(
      `Input 'fail-on' is '${value}': expected one severity (${failOnValues.join(', ')}); findings at or above it block the image.`
    )
  }
  return found
}

function trivyVersion(raw: RawInputs): string {
  const value = text(raw, 'trivy-version')
  if (value === '') return defaultTrivyVersion
  const version = semver.valid(value.replace(/^v/, ''))
  if (!version || semver.lt(version, minimumTrivyVersion)) {
    throw new ConfigurationError(
      `Input 'trivy-version' is '${value}': expected a Trivy release version such as '${defaultTrivyVersion}' (${minimumTrivyVersion} or later).`
    )
  }
  return version
}

function trivyignores(raw: RawInputs, workspace: string): string[] {
  const files = parseList(raw.trivyignores ?? '').map((file) => path.resolve(workspace, file))
  const missing = files.find((file) => !existsSync(file) || !statSync(file).isFile())
  if (missing) {
    throw new ConfigurationError(`Input 'trivyignores' names ${missing}, which is not a file.`)
  }
  if (files.length > 1 && files.some((file) => /\.ya?ml$/.test(file))) {
    throw new ConfigurationError(
      `Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one.`
    )
  }
  return files
}

/** Parses and validates the scan inputs; relative `trivyignores` are read from `workspace`. */
export function parseScanInputs(raw: RawInputs, workspace = process.cwd()): ScanInputs {
  const dbRepositories = parseList(raw['trivy-db-repository'] ?? '')
  const badRepository = dbRepositories.find((repository) => /\s|^[a-z]+:\/\//i.test(repository))
  if (badRepository !== undefined) {
    throw new ConfigurationError(
      `Input 'trivy-db-repository' has '${badRepository}': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'.`
    )
  }
  return {
    'trivy-version': trivyVersion(raw),
    'skip-setup-trivy': bool(raw, 'skip-setup-trivy', false),
    'trivy-db-repository': dbRepositories,
    severity: listOf(raw, 'severity', severities, [...severities]),
    'fail-on': failOn(raw),
    'ignore-unfixed': bool(raw, 'ignore-unfixed', false),
    trivyignores: trivyignores(raw, workspace),
    scanners: listOf(raw, 'scanners', scannerNames, ['vuln']),
    'pkg-types': listOf(raw, 'pkg-types', pkgTypeNames, ['os', 'library']),
    'sarif-upload': bool(raw, 'sarif-upload', true),
    'sarif-category': text(raw, 'sarif-category')
  }
}

/** The severities the scan records: what is reported plus everything the gate needs to see. */
export function scanSeverities(inputs: Pick<ScanInputs, 'severity' | 'fail-on'>): Severity[] {
  const failOn = inputs['fail-on']
  return severities.filter(
    (severity) =>
      inputs.severity.includes(severity) ||
      (failOn !== 'none' && severityRank(severity) <= severityRank(failOn))
  )
}

/** What one scan looks at: a local image in the daemon, or a digest in the registry. */
export interface ScanRequest {
  /** The trivy binary: a path from the installer, or `trivy` on PATH. */
  trivy: string
  imageRef: string
  source: 'docker' | 'remote'
  /** For multi-platform images, e.g. `linux/arm64`. */
  platform?: string
  reportPath: string
  sarifPath: string
  inputs: Pick<ScanInputs, 'severity' | 'fail-on' | 'ignore-unfixed' | 'scanners' | 'pkg-types'>
  /** One ignore file: a single `trivyignores` entry, or `mergeIgnoreFiles` of several. */
  ignoreFile?: string
}

/**
 * Scan once to JSON (the source of truth for gate, counts and reports), then convert that JSON to SARIF.
 * The DB was fetched by `planDbDownload` first, so the scan skips the update and uses the job's own
 * docker config, which holds the registry login needed for `--image-src remote`.
 */
export function planScan(request: ScanRequest): Command[] {
  const { inputs } = request
  const scan: Command = {
    tool: request.trivy,
    args: [
      'image',
      '--format',
      'json',
      '--output',
      request.reportPath,
      '--severity',
      scanSeverities(inputs).join(','),
      '--scanners',
      inputs.scanners.join(','),
      ...(inputs.scanners.includes('vuln') ? ['--pkg-types', inputs['pkg-types'].join(',')] : []),
      ...(inputs['ignore-unfixed'] ? ['--ignore-unfixed'] : []),
      ...(request.ignoreFile ? ['--ignorefile', request.ignoreFile] : []),
      ...(request.platform ? ['--platform', request.platform] : []),
      '--image-src',
      request.source,
      ...(inputs.scanners.includes('vuln') ? ['--skip-db-update'] : []),
      '--no-progress',
      request.imageRef
    ]
  }
  const convert: Command = {
    tool: request.trivy,
    args: ['convert', '--format', 'sarif', '--output', request.sarifPath, request.reportPath]
  }
  return [scan, convert]
}

export interface DbDownloadRequest {
  trivy: string
  inputs: Pick<ScanInputs, 'scanners' | 'trivy-db-repository'>
  /** A directory whose config.json has no ECR-Public credentials: see `writeDbDockerConfig`. */
  dockerConfigDir: string
}

/**
 * Fetches the vulnerability DB before any scan, with a docker config that has no ECR-Public
 * credentials: expired ones make the anonymous pull of a public DB fail. Undefined without `vuln`.
 */
export function planDbDownload(request: DbDownloadRequest): Command | undefined {
  if (!request.inputs.scanners.includes('vuln')) return undefined
  const repositories = request.inputs['trivy-db-repository']
  return {
    tool: request.trivy,
    args: ['image', '--download-db-only', '--no-progress'],
    env: {
      DOCKER_CONFIG: request.dockerConfigDir,
      ...(repositories.length > 0 ? { TRIVY_DB_REPOSITORY: repositories.join(',') } : {})
    }
  }
}

const ecrPublicHost = /^(?:https?:\/\/)?public\.ecr\.aws(?:\/|$)/

/** A docker config without ECR-Public entries in `auths` and `credHelpers`; everything else is kept. */
export function withoutEcrPublic(config: Record<string, unknown>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = { ...config }
  for (const key of ['auths', 'credHelpers']) {
    const entries = config[key]
    if (entries && typeof entries === 'object') {
      cleaned[key] = Object.fromEntries(Object.entries(entries).filter(([host]) => !ecrPublicHost.test(host)))
    }
  }
  return cleaned
}

/** Writes `<directory>/config.json`: the job's docker config minus ECR-Public; private DB mirrors keep their login. */
export async function writeDbDockerConfig(
  directory: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  const source = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json')
  const config = existsSync(source)
    ? (JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>)
    : {}
  await mkdir(directory, { recursive: true, mode: 0o700 })
  await writeFile(path.join(directory, 'config.json'), JSON.stringify(withoutEcrPublic(config)), {
    mode: 0o600
  })
  return directory
}

/** Trivy reads one `--ignorefile`: several plain-format files are concatenated into `file`. */
export async function mergeIgnoreFiles(files: string[], file: string): Promise<string | undefined> {
  if (files.length <= 1) return files[0]
  const parts = await Promise.all(files.map(async (name) => `# ${name}\n${await readFile(name, 'utf8')}\n`))
  await writeFile(file, parts.join(''))
  return file
}

export interface GateResult {
  blocked: Finding[]
  /** Set when something blocks: each blocking finding and the policy that blocked it. */
  message?: string
}

export function describeFinding(finding: Finding): string {
  const where = finding.platform ? `, ${finding.platform}` : ''
  if (finding.class === 'secret' || finding.class === 'config') {
    const at = finding.installedVersion ? ` ${finding.installedVersion}` : ''
    return `${finding.id} in ${finding.target}${at} (${finding.severity}${where})`
  }
  const fix = finding.fixedVersion ?? 'no fixed version'
  return `${finding.id} in ${finding.pkgName} ${finding.installedVersion} → ${fix} (${finding.severity}${where})`
}

export function describePolicy(failOn: FailOn): string {
  if (failOn === 'none') return 'fail-on: none reports findings without blocking'
  return failOn === 'UNKNOWN'
    ? 'fail-on: UNKNOWN blocks every finding'
    : `fail-on: ${failOn} blocks ${failOn} and above`
}

/** The policy gate: findings at or above `fail-on` block the image from getting its tags. */
export function evaluateGate(findings: Finding[], failOn: FailOn): GateResult {
  if (failOn === 'none') return { blocked: [] }
  const blocked = findings.filter((finding) => severityRank(finding.severity) <= severityRank(failOn))
  if (blocked.length === 0) return { blocked }
  const lines = blocked.map((finding) => `  ${describeFinding(finding)}`)
  const count = blocked.length === 1 ? '1 finding blocks' : `${blocked.length} findings block`
  return {
    blocked,
    message: [
      `The image was not tagged: ${count} it (${describePolicy(failOn)}):`,
      ...lines,
      `Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'.`
    ].join('\n')
  }
}

export interface ScanResult {
  report: TrivyReport
  findings: Finding[]
  counts: SeverityCounts
  reportPath: string
  sarifPath: string
}

/** Fetches the DB once per job, before the scans (see `planDbDownload`). */
export async function runDbDownload(
  runner: Runner,
  request: Omit<DbDownloadRequest, 'dockerConfigDir'> & { tempDir: string }
): Promise<void> {
  const dockerConfigDir = await writeDbDockerConfig(path.join(request.tempDir, 'trivy-db-docker-config'))
  const command = planDbDownload({ ...request, dockerConfigDir })
  if (command) await runner.run(command, { stream: true })
}

/** Runs the scan and the SARIF conversion, then reads the JSON report back as findings. */
export async function runScan(runner: Runner, request: ScanRequest): Promise<ScanResult> {
  for (const command of planScan(request)) await runner.run(command, { stream: true })
  const report = await readTrivyReport(request.reportPath)
  const findings = findingsOf(report, request.platform)
  return {
    report,
    findings,
    counts: countBySeverity(findings),
    reportPath: request.reportPath,
    sarifPath: request.sarifPath
  }
}

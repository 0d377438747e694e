import semver from 'semver'
import { ConfigurationError } from '../errors.js'
import { severities, type Severity } from '../scan/findings.js'
import { expectedTrivyChecksum, pinnedTrivy } from '../scan/trivy-install.js'
import { allowedPath } from './dockerfile.js'
import { parseList } from './lists.js'
import { bool, text, type RawInputs } from './values.js'
import { parseVexSources, type VexSource } from './vex.js'

export type FailOn = Severity | 'none'
export type Scanner = 'vuln' | 'secret' | 'misconfig'
export type PkgType = 'os' | 'library'

export const defaultTrivyVersion = pinnedTrivy.version
/** `--pkg-types` (Trivy 0.51) is the oldest flag the plan relies on. */
const minimumTrivyVersion = '0.51.0'
/** Trivy reads `--vex` more than once from 0.54 on; older releases keep the last one only. */
const severalVexTrivyVersion = '0.54.0'
const scannerNames: readonly Scanner[] = ['vuln', 'secret', 'misconfig']
const pkgTypeNames: readonly PkgType[] = ['os', 'library']
const failOnValues: readonly FailOn[] = [...severities, 'none']
const dbRepositoryPattern = /^[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9._-]+)+(?::[A-Za-z0-9_.-]+)?$/

/** The gate's policy and how Trivy runs: from the step's inputs only, never from the workspace. */
export interface ScanConfig {
  trivyVersion: string
  /** `trivy-checksum`: required for a release other than the pinned one. */
  trivyChecksum: TrivyChecksum
  skipSetupTrivy: boolean
  /** Empty: Trivy's own mirror order. */
  dbRepositories: string[]
  severity: Severity[]
  failOn: FailOn
  /** Only findings the comparison image does not have block (`fail-on-new`); absent when off. */
  failOnNew?: boolean
  /** VEX documents Trivy applies (`--vex`); their not-affected findings no longer block. Absent without any. */
  vex?: VexSource[]
  ignoreUnfixed: boolean
  /** Absolute paths of existing files in the workspace or RUNNER_TEMP. */
  ignoreFiles: string[]
  scanners: Scanner[]
  pkgTypes: PkgType[]
  sarifUpload: boolean
  /** Empty: `defaultCategory(...)`. */
  sarifCategory: string
  /** Keep a blocked image that was pushed by digest, instead of deleting it. */
  keepBlocked: boolean
  /** Every package in the report, not only vulnerable ones: what an SBOM attestation is made from. */
  listAllPackages: boolean
}

/** `trivy-checksum`: empty, one sha256 (this runner's archive), or `sha256sum` lines naming archives. */
export type TrivyChecksum =
  { kind: 'none' } | { kind: 'sha256'; sha256: string } | { kind: 'lines'; text: string }

export function parseTrivyChecksum(raw: RawInputs): TrivyChecksum {
  const value = (raw['trivy-checksum'] ?? '').trim()
  if (value === '') return { kind: 'none' }
  if (/^[0-9a-f]{64}$/i.test(value)) return { kind: 'sha256', sha256: value.toLowerCase() }
  const lines = value.split('\n').map((line) => line.trim())
  const bad = lines.findIndex((line) => line !== '' && !/^[0-9a-f]{64}\s+\*?\S+$/i.test(line))
  if (bad >= 0) {
    throw new ConfigurationError(
      `Input 'trivy-checksum' line ${bad + 1} is '${lines[bad]}': expected the sha256 of this runner's Trivy archive (64 hex digits), or lines '<sha256>  trivy_<version>_<os>-<arch>.tar.gz' as in the release's checksums file.`
    )
  }
  return { kind: 'lines', text: value }
}

/** A list input of known values, returned in the order of `allowed` without repeats. */
function listOf<T extends string>(raw: RawInputs, name: string, allowed: readonly T[], fallback: T[]): T[] {
  const items = parseList(raw[name] ?? '', `Input '${name}'`)
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

function ignoreFiles(raw: RawInputs, roots: { workspace: string; runnerTemp?: string }): string[] {
  const files = parseList(raw.trivyignores ?? '', `Input 'trivyignores'`).map((file) =>
    allowedPath('trivyignores', file, roots, 'file')
  )
  if (files.length > 1 && files.some((file) => /\.ya?ml$/.test(file))) {
    throw new ConfigurationError(
      `Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one.`
    )
  }
  return files
}

function dbRepositories(raw: RawInputs): string[] {
  const repositories = parseList(raw['trivy-db-repository'] ?? '', `Input 'trivy-db-repository'`)
  const bad = repositories.find((repository) => !dbRepositoryPattern.test(repository))
  if (bad !== undefined) {
    throw new ConfigurationError(
      `Input 'trivy-db-repository' has '${bad}': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'.`
    )
  }
  return repositories
}

function vexSources(
  raw: RawInputs,
  roots: { workspace: string; runnerTemp?: string },
  version: string
): VexSource[] {
  const sources = parseVexSources(raw, roots, bool(raw, 'vex-url', false))
  if (sources.length > 1 && semver.lt(version, severalVexTrivyVersion)) {
    throw new ConfigurationError(
      `Input 'vex' names ${sources.length} documents, but Trivy ${version} reads only the last '--vex': use one document, or 'trivy-version' ${severalVexTrivyVersion} or later.`
    )
  }
  return sources
}

/** Parses the scan inputs; relative paths are read from the workspace. */
export function parseScanConfig(
  raw: RawInputs,
  roots: { workspace: string; runnerTemp?: string }
): ScanConfig {
  const version = trivyVersion(raw)
  const checksum = parseTrivyChecksum(raw)
  const failOnNew = bool(raw, 'fail-on-new', false)
  const vex = vexSources(raw, roots, version)
  const skipSetupTrivy = bool(raw, 'skip-setup-trivy', false)
  // Before the build: a release without a sha256 to check it against is refused now, not after.
  if (!skipSetupTrivy)
    expectedTrivyChecksum({ version, checksum, platform: process.platform, arch: process.arch })
  return {
    trivyVersion: version,
    trivyChecksum: checksum,
    skipSetupTrivy,
    dbRepositories: dbRepositories(raw),
    severity: listOf(raw, 'severity', severities, [...severities]),
    failOn: failOn(raw),
    ...(failOnNew ? { failOnNew } : {}),
    ...(vex.length > 0 ? { vex } : {}),
    ignoreUnfixed: bool(raw, 'ignore-unfixed', false),
    ignoreFiles: ignoreFiles(raw, roots),
    scanners: listOf(raw, 'scanners', scannerNames, ['vuln']),
    pkgTypes: listOf(raw, 'pkg-types', pkgTypeNames, ['os', 'library']),
    sarifUpload: bool(raw, 'sarif-upload', true),
    sarifCategory: text(raw, 'sarif-category'),
    keepBlocked: bool(raw, 'keep-blocked', false),
    listAllPackages: false
  }
}

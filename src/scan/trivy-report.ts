import { readFile } from 'node:fs/promises'
import { ConfigurationError } from '../errors.js'
import {
  severities,
  type Finding,
  type Severity,
  type SeverityCounts,
  type SuppressedFinding
} from './findings.js'

/** One entry of `Metadata.ImageConfig.history`: the Dockerfile instruction that made a layer (or an empty one). */
export interface TrivyHistoryEntry {
  created?: string
  created_by?: string
  comment?: string
  empty_layer?: boolean
}

/** The image's OCI config as Trivy copies it into the report. */
export interface TrivyImageConfig {
  architecture?: string
  os?: string
  variant?: string
  created?: string
  history?: TrivyHistoryEntry[]
  rootfs?: { type: string; diff_ids: string[] }
  config?: Record<string, unknown>
}

export interface TrivyLayer {
  Size?: number
  Digest?: string
  DiffID: string
}

/** `Metadata` of a container image report: enough to map a layer back to the Dockerfile line that made it. */
export interface TrivyMetadata {
  Size?: number
  OS?: { Family: string; Name: string }
  ImageID?: string
  DiffIDs?: string[]
  RepoTags?: string[]
  RepoDigests?: string[]
  Reference?: string
  ImageConfig?: TrivyImageConfig
  Layers?: TrivyLayer[]
}

export interface TrivyVulnerability {
  VulnerabilityID: string
  PkgID?: string
  PkgName: string
  PkgPath?: string
  InstalledVersion: string
  FixedVersion?: string
  Status?: string
  Layer?: { Digest?: string; DiffID?: string }
  SeveritySource?: string
  PrimaryURL?: string
  Title?: string
  Description?: string
  Severity: string
  CVSS?: Record<string, { V2Vector?: string; V3Vector?: string; V2Score?: number; V3Score?: number }>
}

export interface TrivySecret {
  RuleID: string
  Category?: string
  Severity: string
  Title?: string
  StartLine?: number
  Layer?: { Digest?: string; DiffID?: string }
}

export interface TrivyMisconfiguration {
  ID: string
  AVDID?: string
  Title?: string
  Message?: string
  Resolution?: string
  Severity: string
  PrimaryURL?: string
  Status?: string
  Layer?: { Digest?: string; DiffID?: string }
}

/** A finding a VEX document or an ignore file modified, as `--show-suppressed` reports it. */
export interface TrivyModifiedFinding {
  Type: string
  Status: string
  Statement?: string
  Source?: string
  Finding: TrivyVulnerability
}

export interface TrivyResult {
  Target: string
  Class: string
  Type?: string
  Vulnerabilities?: TrivyVulnerability[] | null
  Secrets?: TrivySecret[] | null
  Misconfigurations?: TrivyMisconfiguration[] | null
  ExperimentalModifiedFindings?: TrivyModifiedFinding[] | null
}

/** `trivy image --format json` output, schema version 2 (Trivy 0.20 and later). */
export interface TrivyReport {
  SchemaVersion: number
  /** Trivy's own version, in reports of recent releases. */
  Trivy?: { Version?: string }
  ArtifactName: string
  ArtifactType?: string
  Metadata: TrivyMetadata
  Results: TrivyResult[]
}

/** Parses a Trivy JSON report; `source` names the file in errors. */
export function parseTrivyReport(text: string, source = 'the Trivy report'): TrivyReport {
  let data: Partial<TrivyReport>
  try {
    data = JSON.parse(text) as Partial<TrivyReport>
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`)
  }
  if (data.SchemaVersion !== 2) {
    throw new ConfigurationError(
      `${source} has SchemaVersion ${String(data.SchemaVersion)}: expected 2 (Trivy 0.20 or later). Set 'trivy-version' to a current release.`
    )
  }
  // Every field Trivy wrote stays (CreatedAt, ReportID, ...): the vuln attestation carries the report unchanged.
  return {
    ...data,
    SchemaVersion: 2,
    ArtifactName: data.ArtifactName ?? '',
    ...(data.ArtifactType !== undefined ? { ArtifactType: data.ArtifactType } : {}),
    Metadata: data.Metadata ?? {},
    // Trivy omits Results when nothing was found.
    Results: data.Results ?? []
  }
}

export async function readTrivyReport(file: string): Promise<TrivyReport> {
  return parseTrivyReport(await readFile(file, 'utf8'), file)
}

function severityOf(value: string): Severity {
  return (severities as readonly string[]).includes(value) ? (value as Severity) : 'UNKNOWN'
}

function vulnerabilityFinding(
  vulnerability: TrivyVulnerability,
  result: TrivyResult,
  platform?: string
): Finding {
  return {
    id: vulnerability.VulnerabilityID,
    pkgName: vulnerability.PkgName,
    installedVersion: vulnerability.InstalledVersion,
    ...(vulnerability.PkgPath ? { pkgPath: vulnerability.PkgPath } : {}),
    ...(vulnerability.FixedVersion ? { fixedVersion: vulnerability.FixedVersion } : {}),
    severity: severityOf(vulnerability.Severity),
    ...(vulnerability.Title ? { title: vulnerability.Title } : {}),
    ...(vulnerability.PrimaryURL ? { primaryUrl: vulnerability.PrimaryURL } : {}),
    target: result.Target,
    class: result.Class,
    ...(vulnerability.Layer?.DiffID ? { layerDiffId: vulnerability.Layer.DiffID } : {}),
    ...(platform ? { platform } : {})
  }
}

/** The vulnerabilities a VEX document or an ignore file took out of the results (`--show-suppressed`). */
export function suppressedOf(report: TrivyReport, platform?: string): SuppressedFinding[] {
  return report.Results.flatMap((result) =>
    (result.ExperimentalModifiedFindings ?? [])
      .filter((modified) => modified.Type === 'vulnerability' && modified.Finding?.VulnerabilityID)
      .map((modified) => ({
        finding: vulnerabilityFinding(modified.Finding, result, platform),
        status: modified.Status,
        statement: modified.Statement ?? '',
        source: modified.Source ?? ''
      }))
  )
}

/** Every vulnerability, secret and failed misconfiguration of the report, flattened to findings. */
export function findingsOf(report: TrivyReport, platform?: string): Finding[] {
  const withPlatform = platform ? { platform } : {}
  return report.Results.flatMap((result) => [
    ...(result.Vulnerabilities ?? []).map((vulnerability) =>
      vulnerabilityFinding(vulnerability, result, platform)
    ),
    ...(result.Secrets ?? []).map((secret): Finding => ({
      id: secret.RuleID,
      pkgName: result.Target,
      installedVersion: secret.StartLine ? `line ${secret.StartLine}` : '',
      severity: severityOf(secret.Severity),
      ...(secret.Title ? { title: secret.Title } : {}),
      target: result.Target,
      class: result.Class,
      ...(secret.Layer?.DiffID ? { layerDiffId: secret.Layer.DiffID } : {}),
      ...withPlatform
    })),
    ...(result.Misconfigurations ?? [])
      .filter((misconfiguration) => misconfiguration.Status !== 'PASS')
      .map((misconfiguration): Finding => ({
        id: misconfiguration.AVDID || misconfiguration.ID,
        pkgName: result.Target,
        installedVersion: '',
        severity: severityOf(misconfiguration.Severity),
        ...(misconfiguration.Title ? { title: misconfiguration.Title } : {}),
        ...(misconfiguration.PrimaryURL ? { primaryUrl: misconfiguration.PrimaryURL } : {}),
        target: result.Target,
        class: result.Class,
        ...(misconfiguration.Layer?.DiffID ? { layerDiffId: misconfiguration.Layer.DiffID } : {}),
        ...withPlatform
      }))
  ])
}

export function countBySeverity(findings: Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
  for (const finding of findings) counts[finding.severity.toLowerCase() as Lowercase<Severity>] += 1
  return counts
}

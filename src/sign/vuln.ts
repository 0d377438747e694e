import type { Severity, SeverityCounts } from '../scan/findings.js'
import type { FailOn, PkgType, Scanner } from '../config/scan.js'
import { evaluateGate } from '../scan/policy.js'
import { countBySeverity, findingsOf, type TrivyReport, type TrivyResult } from '../scan/trivy-report.js'
import { invocationId, type RunFacts } from './provenance.js'

/** The policy the gate applied, as the inputs set it. */
export interface GatePolicy {
  failOn: FailOn
  severities: Severity[]
  ignoreUnfixed: boolean
  scanners: Scanner[]
  pkgTypes: PkgType[]
  /** Bytes; undefined when there was no size budget. */
  maxImageSize?: number
}

/**
 * The gate's decision, recorded next to Trivy's report inside `scanner.result` (the one field of the predicate
 * whose content cosign leaves to the scanner), so a deploy-time policy can require `Gate.Passed`.
 */
export interface GateRecord {
  Tool: 'ecr-build-push'
  Passed: true
  Policy: {
    FailOn: FailOn
    Severities: Severity[]
    IgnoreUnfixed: boolean
    Scanners: Scanner[]
    PkgTypes: PkgType[]
    MaxImageSize?: number
  }
  Counts: SeverityCounts
  /** Per platform, for an index scanned once per platform. */
  Platforms?: Record<string, SeverityCounts>
}

/** cosign's vulnerability attestation predicate (sigstore/cosign specs/COSIGN_VULN_ATTESTATION_SPEC.md). */
export interface CosignVulnPredicate {
  invocation: { parameters: string[]; uri: string; event_id: string; 'builder.id': string }
  scanner: {
    uri: string
    version: string
    db: { uri: string; version: string }
    result: Record<string, unknown> & { Gate: GateRecord }
  }
  metadata: { scanStartedOn: string; scanFinishedOn: string }
}

export interface VulnPredicateRequest {
  /** The gate's Trivy JSON reports as Trivy wrote them: one, or one per platform of an index. */
  reports: Array<{ report: TrivyReport; platform?: string }>
  /** The reference the attestation is about, for the merged report of an index. */
  artifactName: string
  policy: GatePolicy
  /** True only when the gate let this image through: a blocked image is never attested. */
  passed: boolean
  trivyVersion: string
  /** The vulnerability DB the scan used (`trivy version --format json`), when known. */
  database?: { uri: string; version: string }
  /** The Trivy arguments that shaped the scan (no secrets ever go there). */
  parameters: string[]
  run: RunFacts
  scanStartedOn: Date
  scanFinishedOn: Date
}

function countsOf(report: TrivyReport): SeverityCounts {
  return countBySeverity(findingsOf(report))
}

/** One Trivy-shaped report for an index: every platform's results, each target naming its platform. */
function mergedReport(
  artifactName: string,
  reports: VulnPredicateRequest['reports']
): Record<string, unknown> {
  const results: TrivyResult[] = reports.flatMap(({ report, platform }) =>
    report.Results.map((result) => ({ ...result, Target: `${result.Target} (${platform ?? 'unknown'})` }))
  )
  return { SchemaVersion: 2, ArtifactName: artifactName, ArtifactType: 'container_image', Results: results }
}

/**
 * The `cosign attest --type vuln` predicate for an image that passed the gate, from the gate's own Trivy
 * report(s) (what `trivy convert --format cosign-vuln` writes, plus the gate's decision). Handing the raw Trivy
 * JSON to cosign instead records an empty predicate.
 */
export function vulnPredicate(request: VulnPredicateRequest): CosignVulnPredicate {
  if (!request.passed) throw new Error('Refusing to attest an image the gate blocked.')
  if (request.reports.length === 0)
    throw new Error('A vulnerability attestation needs the gate’s Trivy report.')
  const findings = request.reports.flatMap(({ report }) => findingsOf(report))
  const blocked = evaluateGate(findings, request.policy.failOn).blocked
  if (blocked.length > 0)
    throw new Error(`Refusing to attest: ${blocked.length} finding(s) in the report block it.`)
  const single = request.reports.length === 1
  const gate: GateRecord = {
    Tool: 'ecr-build-push',
    Passed: true,
    Policy: {
      FailOn: request.policy.failOn,
      Severities: request.policy.severities,
      IgnoreUnfixed: request.policy.ignoreUnfixed,
      Scanners: request.policy.scanners,
      PkgTypes: request.policy.pkgTypes,
      ...(request.policy.maxImageSize !== undefined ? { MaxImageSize: request.policy.maxImageSize } : {})
    },
    Counts: countBySeverity(findings),
    ...(single
      ? {}
      : {
          Platforms: Object.fromEntries(
            request.reports.map(({ report, platform }) => [platform ?? 'unknown', countsOf(report)])
          )
        })
  }
  const report = single
    ? { ...request.reports[0].report }
    : mergedReport(request.artifactName, request.reports)
  return {
    invocation: {
      parameters: request.parameters,
      uri: invocationId(request.run),
      event_id: request.run.runId,
      'builder.id': request.run.builderId
    },
    scanner: {
      uri: `pkg:github/aquasecurity/trivy@${request.trivyVersion}`,
      version: request.trivyVersion,
      db: request.database ?? { uri: '', version: '' },
      result: { ...report, Gate: gate }
    },
    metadata: {
      scanStartedOn: request.scanStartedOn.toISOString(),
      scanFinishedOn: request.scanFinishedOn.toISOString()
    }
  }
}

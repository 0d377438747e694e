/** Trivy's severities, most severe first. */
export const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const
export type Severity = (typeof severities)[number]

/** One vulnerability from Trivy's JSON report (schema v2), flattened out of its Result. */
export interface Finding {
  id: string
  pkgName: string
  installedVersion: string
  /** Trivy's `PkgPath`, where a language package was found (e.g. `app/node_modules/x/package.json`). */
  pkgPath?: string
  fixedVersion?: string
  severity: Severity
  title?: string
  primaryUrl?: string
  /** Trivy's `Result.Target`, e.g. `alpine:3.10 (alpine 3.10.2)` or `Cargo.lock`. */
  target: string
  /** Trivy's `Result.Class`: `os-pkgs` or `lang-pkgs`. */
  class: string
  /** `Layer.DiffID` of the layer that brought the package in, when Trivy knows it. */
  layerDiffId?: string
  /** Set for multi-platform scans, e.g. `linux/arm64`. */
  platform?: string
  /** The comparison image (`fail-on-new`, the pull request's base) has it too: this run did not bring it in. */
  alreadyPresent?: boolean
}

/** A finding Trivy left out of the results because a VEX document or an ignore file says so (`--show-suppressed`). */
export interface SuppressedFinding {
  finding: Finding
  /** `not_affected` or `fixed` (VEX), `ignored` (an ignore file). */
  status: string
  /** The VEX justification (e.g. `vulnerable_code_not_in_execute_path`); '' when none was given. */
  statement: string
  /** `OpenVEX`, `CSAF VEX`, or the ignore file. */
  source: string
}

export type SeverityCounts = Record<Lowercase<Severity>, number>

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity)
}

/**
 * The key that makes a finding "the same" in two images: the vulnerability, the package, its installed version
 * and where it is installed (Trivy's `PkgPath`, for language packages), never the layer (a rebuild moves it).
 * Secrets and misconfigurations have no version: their id and file.
 */
export function findingKey(finding: Finding): string {
  const where =
    finding.class === 'secret' || finding.class === 'config'
      ? []
      : [finding.installedVersion, finding.pkgPath ?? '']
  return [finding.id, finding.pkgName, ...where].join('\u0000')
}

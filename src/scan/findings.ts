/** Trivy's severities, most severe first. */
export const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const
export type Severity = (typeof severities)[number]

/** One vulnerability from Trivy's JSON report (schema v2), flattened out of its Result. */
export interface Finding {
  id: string
  pkgName: string
  installedVersion: string
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
}

export type SeverityCounts = Record<Lowercase<Severity>, number>

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity)
}

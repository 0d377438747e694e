import type { FailOn, ScanConfig } from '../config/scan.js'
import { severities, severityRank, type Finding, type Severity } from './findings.js'

/** The severities the scan records: what is reported plus everything the gate needs to see. */
export function scanSeverities(scan: Pick<ScanConfig, 'severity' | 'failOn'>): Severity[] {
  return severities.filter(
    (severity) => scan.severity.includes(severity) || severityRank(severity) <= blockingRank(scan.failOn)
  )
}

/** The lowest rank that blocks (CRITICAL 0 … UNKNOWN 4): -1, nothing, for `fail-on: none` and for no policy. */
function blockingRank(failOn: FailOn | undefined): number {
  return (severities as readonly (FailOn | undefined)[]).indexOf(failOn)
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

/** `fail-on-new`: what the findings were compared with, as the blocking message says it. */
export interface NewOnly {
  /** The image compared with, e.g. `…/shop/web:main`; absent when there was none (every finding is then new). */
  image?: string
  /** Why there was no image to compare with. */
  note?: string
}

function describeNewOnly(newOnly: NewOnly): string {
  return newOnly.image
    ? `fail-on-new: findings already in ${newOnly.image} do not block`
    : `fail-on-new: ${newOnly.note ?? 'there is no image to compare with'}, so every finding counts as new`
}

/** The gate's rule for one finding: at or above `fail-on`, and with `fail-on-new` not in the comparison image. */
export function blocks(finding: Finding, failOn: FailOn | undefined, newOnly: boolean): boolean {
  return severityRank(finding.severity) <= blockingRank(failOn) && !(newOnly && finding.alreadyPresent)
}

/**
 * The policy gate: findings at or above `fail-on` block the image from getting its tags; with `newOnly`
 * (`fail-on-new`) only those the comparison image does not have.
 */
export function evaluateGate(findings: Finding[], failOn: FailOn, newOnly?: NewOnly): GateResult {
  const blocked = findings.filter((finding) => blocks(finding, failOn, newOnly !== undefined))
  if (blocked.length === 0) return { blocked }
  const lines = blocked.map((finding) => `  ${describeFinding(finding)}`)
  const adjective = newOnly ? 'new ' : ''
  const count =
    blocked.length === 1 ? `1 ${adjective}finding blocks` : `${blocked.length} ${adjective}findings block`
  const policy = [describePolicy(failOn), ...(newOnly ? [describeNewOnly(newOnly)] : [])].join('; ')
  return {
    blocked,
    message: [
      `The image was not tagged: ${count} it (${policy}):`,
      ...lines,
      `Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'.`
    ].join('\n')
  }
}

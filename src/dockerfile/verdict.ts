import type { ChecksFailOn } from '../config/checks.js'
import { atOrAbove, type DockerfileFinding } from './finding.js'

export interface ChecksVerdict {
  failed: boolean
  /** The findings at or above `failOn`. */
  blocking: DockerfileFinding[]
  /** For the step's failure (a GateError) when `failed`. */
  message: string
}

/** Whether the findings fail the step under `dockerfile-checks-fail-on`, and why. */
export function checksVerdict(findings: DockerfileFinding[], failOn: ChecksFailOn): ChecksVerdict {
  const blocking = failOn === 'none' ? [] : findings.filter((finding) => atOrAbove(finding.severity, failOn))
  if (blocking.length === 0) return { failed: false, blocking, message: '' }
  const listed = blocking.slice(0, 10).map((finding) => `${finding.rule} (${finding.file}:${finding.line})`)
  const more = blocking.length > listed.length ? `, and ${blocking.length - listed.length} more` : ''
  return {
    failed: true,
    blocking,
    message:
      `Dockerfile checks found ${blocking.length} ${blocking.length === 1 ? 'finding' : 'findings'} at or above ` +
      `'${failOn}' (dockerfile-checks-fail-on), so nothing was built: ${listed.join(', ')}${more}.`
  }
}

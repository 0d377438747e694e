/** A mistake the user can fix in their workflow: printed as one `::error::`, never with a stack trace. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigurationError'
  }
}

/** A command (docker, trivy, cosign) that exited non-zero; carries the useful tail of its stderr. */
export class CommandError extends Error {
  constructor(
    readonly display: string,
    readonly exitCode: number,
    readonly stderrTail: string
  ) {
    super(`${display} failed with exit code ${exitCode}${stderrTail ? `:\n${stderrTail}` : ''}`)
    this.name = 'CommandError'
  }
}

/** A policy gate (scan severity, size budget, Dockerfile checks) that refused the image. */
export class GateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GateError'
  }
}

/** An AWS or GitHub API call that failed: the operation and the service's own words, no stack trace. */
export class ServiceError extends Error {
  constructor(
    message: string,
    /** The service's error name, e.g. `ImageTagAlreadyExistsException`, or the HTTP status as text. */
    readonly code: string = '',
    readonly status?: number
  ) {
    super(message)
    this.name = 'ServiceError'
  }
}

/** Errors the user should see as a message alone, without a stack trace. */
export function isExpected(error: unknown): error is Error {
  return (
    error instanceof ConfigurationError ||
    error instanceof CommandError ||
    error instanceof GateError ||
    error instanceof ServiceError
  )
}

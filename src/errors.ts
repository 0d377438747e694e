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

/**
 * A failed file system call (a full disk, a read-only or missing folder) as one message naming the path and
 * what the runner said; undefined for any other error.
 */
export function systemError(error: unknown, path?: string): ServiceError | undefined {
  const failed = (error ?? {}) as NodeJS.ErrnoException
  // Duck-typed: errors from Node's own fs calls may come from another realm than this module's Error.
  if (
    typeof failed.code !== 'string' ||
    typeof failed.syscall !== 'string' ||
    typeof failed.message !== 'string'
  )
    return undefined
  const where = path ?? failed.path
  const why =
    failed.code === 'ENOSPC' || failed.code === 'EDQUOT'
      ? `the runner's disk is full (${failed.code}): free space before this step (on a self-hosted runner, e.g. remove unused images), or use a larger runner`
      : failed.message
  return new ServiceError(`Could not ${failed.syscall} ${where ?? 'a file'}: ${why}.`, failed.code)
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

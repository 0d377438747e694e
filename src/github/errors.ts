import { ServiceError } from '../errors.js'
import type { GitHubRequest } from '../run/github-request.js'

/** GitHub's words for a secondary rate limit: a 403 that is not about permissions. */
const secondaryRateLimit = /secondary rate limit|abuse detection/i

/** True for a 403 that means "slow down", which a missing permission must never be confused with. */
export function isRateLimited(error: ServiceError): boolean {
  return error.status === 429 || (error.status === 403 && secondaryRateLimit.test(error.message))
}

/** One message for a failed GitHub call: the route and GitHub's answer; the status stays on the error. */
export function githubError(request: GitHubRequest, error: unknown): ServiceError {
  const status = (error as { status?: unknown }).status
  const message = error instanceof Error ? error.message : String(error)
  const code = typeof status === 'number' ? String(status) : ((error as { name?: string }).name ?? 'Error')
  return new ServiceError(
    `GitHub ${request.route.split(' ')[0]} ${request.route.split(' ')[1] ?? ''} failed: ${message}`,
    code,
    typeof status === 'number' ? status : undefined
  )
}

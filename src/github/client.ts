import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { getOctokit } from '@actions/github'
import type { Log } from '../run/log.js'

export type GitHubClient = ReturnType<typeof getOctokit>

/** How long the action waits on a rate limit before it gives up on that request (it only reports). */
const maxRateLimitWaitSeconds = 60
const rateLimitRetries = 2

/** plugin-retry's defaults plus 429: a rate limit is the throttling plugin's, which waits as `retry-after` says. */
const doNotRetry = [400, 401, 403, 404, 410, 422, 429, 451]

type OctokitPlugin = NonNullable<Parameters<typeof getOctokit>[2]>

/** What the caller puts in `request`: an abort signal and the time (ms since the epoch) it fires. */
interface Deadline {
  signal?: AbortSignal
  deadline?: number
  retryCount?: number
}

/** plugin-retry's wait before its next attempt: (attempts so far + 1)² seconds. */
const retryWaitMs = (request: Deadline) => ((request.retryCount ?? 0) + 1) ** 2 * 1000

/**
 * No retry that would end past the caller's deadline: the error goes out as it is, status kept, with nothing
 * plugin-retry reads as retryable (octokit reports a timed-out fetch as a 500, which it would retry three
 * more times). Registered before plugin-retry, so this error hook sees each error first.
 */
const deadline: OctokitPlugin = (octokit) => {
  octokit.hook.error('request', (error, options) => {
    const request = (options.request ?? {}) as Deadline
    if (request.deadline === undefined || Date.now() + retryWaitMs(request) < request.deadline) throw error
    const message = request.signal?.aborted ? `no answer in time (${error.message})` : error.message
    const { status, response } = error as { status?: number; response?: unknown }
    throw Object.assign(new Error(message), { status, response })
  })
}

/**
 * The run's one GitHub client: retries 5xx and network errors (@octokit/plugin-retry), waits out rate
 * limits and secondary rate limits as GitHub's `retry-after` says (@octokit/plugin-throttling), and stops
 * at the caller's deadline.
 */
export function createGitHubClient(token: string, apiUrl: string, log: Log): GitHubClient {
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string } & Record<string, unknown>,
      _octokit: unknown,
      retryCount: number
    ) => {
      const until = (options as { request?: Deadline }).request?.deadline ?? Infinity
      const retrying =
        retryCount < rateLimitRetries &&
        retryAfter <= maxRateLimitWaitSeconds &&
        Date.now() + retryAfter * 1000 < until
      // The route with its parameters filled in: `/repos/o/r/issues/7/comments`, not `{issue_number}`.
      const url = options.url.replace(/\{(\w+)\}/g, (all, name: string) => String(options[name] ?? all))
      log.info(
        `GitHub ${kind} on ${options.method} ${url}: ${retrying ? `retrying in ${retryAfter}s` : 'giving up on this request'}.`
      )
      return retrying
    }
  return getOctokit(
    token,
    {
      baseUrl: apiUrl,
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      retry: { retries: 3, doNotRetry }
    },
    deadline,
    retry,
    throttling
  )
}

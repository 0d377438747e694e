import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { getOctokit } from '@actions/github'
import type { Log } from '../run/log.js'

export type GitHubClient = ReturnType<typeof getOctokit>

/** How long the action waits on a rate limit before it gives up on that request (it only reports). */
const maxRateLimitWaitSeconds = 60
const rateLimitRetries = 2

/**
 * The run's one GitHub client: retries 5xx and network errors (@octokit/plugin-retry), waits out rate
 * limits and secondary rate limits as GitHub's `retry-after` says (@octokit/plugin-throttling).
 */
export function createGitHubClient(token: string, apiUrl: string, log: Log): GitHubClient {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < rateLimitRetries && retryAfter <= maxRateLimitWaitSeconds
      log.info(
        `GitHub ${kind} on ${options.method} ${options.url}: ${retrying ? `retrying in ${retryAfter}s` : 'giving up on this request'}.`
      )
      return retrying
    }
  return getOctokit(
    token,
    {
      baseUrl: apiUrl,
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
      retry: { retries: 3 }
    },
    retry,
    throttling
  )
}

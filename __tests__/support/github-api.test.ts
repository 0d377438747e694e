import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import {
  badGateway,
  rateLimitExceeded,
  secondaryRateLimit,
  startGitHubApi,
  tooManyRequests,
  type GitHubApi
} from './stand-ins/github-api.mjs'

let api: GitHubApi
let octokit: ReturnType<typeof getOctokit>

beforeAll(async () => {
  api = await startGitHubApi()
  octokit = getOctokit('ghs_localtesttoken', { baseUrl: api.url })
})

afterEach(() => api.reset())

afterAll(async () => {
  await api.close()
})

interface OctokitError {
  status: number
  message: string
  response: { headers: Record<string, string>; data: { message: string; documentation_url?: string } }
}

const getRepository = () =>
  octokit.rest.repos.get({ owner: 'octo-org', repo: 'shop' }).catch((error: unknown) => error as OctokitError)

/** What octokit's throttling plugin keys on (plugin-throttling src/index.ts), to show the shapes are the real ones. */
function throttlingKind(error: OctokitError): 'secondary' | 'primary' | undefined {
  if (![403, 429].includes(error.status)) return undefined
  if (/\bsecondary rate\b/i.test(error.message)) return 'secondary'
  if (error.response.headers['x-ratelimit-remaining'] === '0') return 'primary'
  return undefined
}

describe('failure modes for retry tests, seen through @actions/github', () => {
  it('answers 502 once, then serves the request', async () => {
    const before = api.requests.length
    const fault = api.fail('GET', /^\/repos\/octo-org\/shop$/, badGateway())
    const failed = (await getRepository()) as OctokitError
    expect(failed.status).toBe(502)
    expect(failed.message).toBe('Server Error')
    const served = await octokit.rest.repos.get({ owner: 'octo-org', repo: 'shop' })
    expect(served.data.default_branch).toBe('main')
    expect(fault.fired).toBe(1)
    expect(api.requests.slice(before).map((request) => request.status)).toEqual([502, 200])
  })

  it('answers 429 with retry-after: a secondary rate limit', async () => {
    api.fail('GET', /^\/repos\//, tooManyRequests(7), { times: 2 })
    const failures = [(await getRepository()) as OctokitError, (await getRepository()) as OctokitError]
    for (const failed of failures) {
      expect(failed.status).toBe(429)
      expect(failed.response.headers['retry-after']).toBe('7')
      expect(throttlingKind(failed)).toBe('secondary')
    }
    expect(((await getRepository()) as { status: number }).status).toBe(200)
  })

  it('answers 403 with the secondary-rate-limit message and retry-after', async () => {
    api.fail('GET', /^\/repos\//, secondaryRateLimit({ retryAfter: 30 }))
    const failed = (await getRepository()) as OctokitError
    expect(failed.status).toBe(403)
    expect(failed.response.data.message).toMatch(
      /^You have exceeded a secondary rate limit\. .* please include the request ID [0-9a-f-]{36}\.$/
    )
    expect(failed.response.data.documentation_url).toContain('rate-limits-for-the-rest-api')
    expect(failed.response.headers['retry-after']).toBe('30')
    expect(failed.response.headers['x-ratelimit-remaining']).toBeUndefined()
    expect(throttlingKind(failed)).toBe('secondary')
  })

  it('answers 403 for a secondary limit with x-ratelimit-remaining: 0 and the reset time instead', async () => {
    const reset = Math.floor(Date.now() / 1000) + 60
    api.fail('POST', /\/issues\/\d+\/comments$/, secondaryRateLimit({ reset }))
    const failed = (await octokit.rest.issues
      .createComment({ owner: 'octo-org', repo: 'shop', issue_number: 7, body: 'report' })
      .catch((error: unknown) => error)) as OctokitError
    expect(failed).toMatchObject({ status: 403 })
    expect(failed.response.headers).toMatchObject({
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset)
    })
    expect(failed.response.headers['retry-after']).toBeUndefined()
    expect(throttlingKind(failed)).toBe('secondary')
    // The comment was not created: the retry creates it once.
    expect(api.comments.get('octo-org/shop#7')).toBeUndefined()
  })

  it('answers 403 for an exhausted primary limit, which is not a secondary one', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600
    api.fail('GET', /^\/repos\//, rateLimitExceeded(reset))
    const failed = (await getRepository()) as OctokitError
    expect(failed.status).toBe(403)
    expect(failed.response.headers).toMatchObject({
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core'
    })
    expect(throttlingKind(failed)).toBe('primary')
  })

  it('fails only matching requests, and reset() drops failures that have not fired', async () => {
    api.fail('POST', /\/code-scanning\/sarifs$/, badGateway(), { times: 3 })
    expect(((await getRepository()) as { status: number }).status).toBe(200)
    api.reset()
    const upload = await octokit.request('POST /repos/{owner}/{repo}/code-scanning/sarifs', {
      owner: 'octo-org',
      repo: 'shop',
      commit_sha: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
      ref: 'refs/heads/main',
      sarif: 'H4sIAAAAAAAAA6uuBQBDv6ajAgAAAA=='
    })
    expect(upload.status).toBe(202)
  })
})

// The run's one GitHub client against the GitHub API stand-in failing on purpose: 502, 429 and the 403
// secondary rate limit are retried as GitHub asks; what still fails is one warning, never a missing permission.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  badGateway,
  secondaryRateLimit,
  startGitHubApi,
  tooManyRequests
} from '../../support/stand-ins/github-api.mjs'
import { uploadSarifs } from '../../../src/github/code-scanning.js'
import { upsertStickyComment } from '../../../src/github/comments.js'
import type { RunContext } from '../../../src/github/context.js'
import { ServiceError } from '../../../src/errors.js'
import { LiveRunner } from '../../../src/run/live.js'
import { recordingLog } from './recording-log.js'

let api: Awaited<ReturnType<typeof startGitHubApi>>

beforeAll(async () => {
  api = await startGitHubApi()
})

afterAll(async () => {
  await api?.close()
})

beforeEach(() => {
  api.reset()
  api.requests.length = 0
})

const context: RunContext = {
  eventName: 'pull_request',
  sha: '9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d',
  ref: 'refs/pull/7/merge',
  repository: 'octo-org/shop',
  serverUrl: 'https://github.com',
  apiUrl: '',
  runId: '1',
  runAttempt: '1',
  workspace: '/work',
  payload: {}
}

function runner(timeoutMs?: number) {
  const recorded = recordingLog()
  const live = new LiveRunner({
    log: recorded.log,
    region: '',
    github: { token: 'ghs_test', apiUrl: api.url },
    ...(timeoutMs ? { githubTimeoutMs: timeoutMs } : {})
  })
  return { live, ...recorded }
}

const sarif = {
  version: '2.1.0' as const,
  runs: [{ tool: { driver: { name: 'Trivy' } }, results: [] }]
}

function statuses(method: string, path: RegExp): number[] {
  return api.requests
    .filter((request) => request.method === method && path.test(request.path))
    .map((request) => request.status as number)
}

describe('the GitHub client', () => {
  it('retries a 502 and gets the 201', async () => {
    api.fail('POST', /\/issues\/7\/comments$/, badGateway())
    const { live } = runner()
    const response = await live.github<{ id: number }>({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      parameters: { owner: 'octo-org', repo: 'shop', issue_number: 7, body: 'hello' }
    })
    expect(response.status).toBe(201)
    expect(statuses('POST', /\/issues\/7\/comments$/)).toEqual([502, 201])
    expect(api.comments.get('octo-org/shop#7')?.map((comment) => comment.body)).toEqual(['hello'])
  }, 20_000)

  it('waits out a 429 for as long as retry-after says, then retries, and says so', async () => {
    api.fail('POST', /\/code-scanning\/sarifs$/, tooManyRequests(1))
    const { live, of } = runner()
    const started = Date.now()
    const [result] = await uploadSarifs(live, recordingLog().log, context, [{ category: 'trivy', sarif }], {
      waitMs: 5000,
      pollIntervalMs: 100
    })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(result.status).toBe('complete')
    expect(statuses('POST', /\/code-scanning\/sarifs$/)).toEqual([429, 202])
    expect(of('info')).toEqual([
      expect.stringMatching(
        /^GitHub secondary rate limit on POST \S+\/code-scanning\/sarifs: retrying in 1s\.$/
      )
    ])
  }, 20_000)

  it('reads a 403 secondary rate limit as "slow down", never as a missing permission', async () => {
    api.fail('POST', /\/issues\/7\/comments$/, secondaryRateLimit({ retryAfter: 1 }))
    const { live } = runner()
    const recorded = recordingLog()
    const result = await upsertStickyComment(live, live, recorded.log, context, 'github-actions[bot]', {
      issueNumber: 7,
      marker: '<!-- m -->',
      body: '<!-- m -->\nreport'
    })
    expect(result.action).toBe('created')
    expect(statuses('POST', /\/issues\/7\/comments$/)).toEqual([403, 201])
    expect(recorded.of('warning')).toEqual([])
  }, 20_000)

  it('gives up on a rate limit longer than it waits, with one warning that says rate limit', async () => {
    api.fail('POST', /\/issues\/8\/comments$/, secondaryRateLimit({ retryAfter: 3600 }))
    const { live } = runner()
    const recorded = recordingLog()
    const result = await upsertStickyComment(live, live, recorded.log, context, 'github-actions[bot]', {
      issueNumber: 8,
      marker: '<!-- m -->',
      body: '<!-- m -->\nreport'
    })
    expect(result.action).toBe('skipped')
    const warnings = recorded.of('warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^Skipped the pull request comment on #8: GitHub kept answering with a rate limit \(HTTP 403\)/
    )
    expect(warnings[0]).not.toContain('pull-requests: write')
  }, 20_000)

  it('gives up on an upload that keeps failing with a rate limit: a warning about the rate limit, not the permission', async () => {
    api.fail('POST', /\/code-scanning\/sarifs$/, tooManyRequests(3600))
    const { live } = runner()
    const recorded = recordingLog()
    const [result] = await uploadSarifs(live, recorded.log, context, [{ category: 'trivy', sarif }])
    expect(result.status).toBe('error')
    expect(recorded.of('warning')).toEqual([
      expect.stringMatching(/^Code scanning kept answering with a rate limit \(HTTP 429\) after the retries/)
    ])
  }, 20_000)

  it('keeps a real 403 a permission problem', async () => {
    api.fail('POST', /\/code-scanning\/sarifs$/, {
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const { live } = runner()
    const recorded = recordingLog()
    const [result] = await uploadSarifs(live, recorded.log, context, [{ category: 'trivy', sarif }])
    expect(result.status).toBe('forbidden')
    expect(recorded.of('warning')[0]).toContain("'security-events: write'")
    expect(statuses('POST', /\/code-scanning\/sarifs$/)).toEqual([403])
  }, 20_000)

  it('times a call out, retries included, as one ServiceError', async () => {
    api.fail('GET', /^\/repos\/octo-org\/shop$/, badGateway(), { times: 10 })
    const { live } = runner(1500)
    const started = Date.now()
    const error = await live
      .github({ route: 'GET /repos/{owner}/{repo}', parameters: { owner: 'octo-org', repo: 'shop' } })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ServiceError)
    expect(Date.now() - started).toBeLessThan(5000)
    expect((error as ServiceError).message).toMatch(/^GitHub GET \/repos\/\{owner\}\/\{repo\} failed: /)
  }, 20_000)
})

describe('the SARIF processing wait', () => {
  it('counts from when each upload was accepted, so writes queued by the throttle do not eat it', async () => {
    const pending = await startGitHubApi({ sarifStatus: 'pending' })
    try {
      const recorded = recordingLog()
      const live = new LiveRunner({
        log: recorded.log,
        region: '',
        github: { token: 't', apiUrl: pending.url }
      })
      const uploads = ['a', 'b', 'c', 'd'].map((category) => ({ category, sarif }))
      const started = Date.now()
      const results = await uploadSarifs(live, recorded.log, context, uploads, {
        waitMs: 1500,
        pollIntervalMs: 200
      })
      const elapsed = Date.now() - started
      expect(results.map((result) => result.status)).toEqual(['pending', 'pending', 'pending', 'pending'])
      // Every upload was polled, the last one accepted too, and the step did not wait on: at most the
      // throttle's spacing of the four writes plus one wait.
      const polled = pending.requests
        .filter((request) => request.method === 'GET' && /\/code-scanning\/sarifs\/./.test(request.path))
        .map((request) => request.path.split('/').pop())
      expect(new Set(polled)).toEqual(new Set(results.map((result) => result.id)))
      expect(elapsed).toBeGreaterThanOrEqual(1400)
      expect(elapsed).toBeLessThan(1500 + 4 * 1000 + 2000)
    } finally {
      await pending.close()
    }
  }, 20_000)
})

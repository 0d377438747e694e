import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Log as SarifLog } from 'sarif'
import { startGitHubApi, type GitHubApi } from '../../support/stand-ins/github-api.mjs'
import { ServiceError } from '../../../src/errors.js'
import {
  encodeSarif,
  planSarifUpload,
  uploadSarifs,
  type SarifUpload
} from '../../../src/github/code-scanning.js'
import type { RunContext } from '../../../src/github/context.js'
import { prepareSarif } from '../../../src/report/sarif.js'
import { DryRunner } from '../../../src/run/dry.js'
import { LiveRunner } from '../../../src/run/live.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')
const golden = JSON.parse(readFileSync(`${fixtures}/alpine-310.sarif.golden`, 'utf8')) as SarifLog
const context: RunContext = {
  eventName: 'pull_request',
  sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  ref: 'refs/pull/7/merge',
  repository: 'acme/shop',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  runId: '1',
  runAttempt: '1',
  workspace: '/home/runner/work/shop/shop',
  payload: {}
}
const upload = (category: string): SarifUpload => ({
  category,
  sarif: prepareSarif(golden, { category }).log
})
const decode = (sarif: unknown) =>
  JSON.parse(gunzipSync(Buffer.from(String(sarif), 'base64')).toString('utf8')) as SarifLog

describe('encodeSarif', () => {
  it('is gzip then base64, and decodes back to the same log', () => {
    const encoded = encodeSarif(golden)
    expect(encoded).toMatch(/^H4sI[A-Za-z0-9+/]+=*$/)
    expect(decode(encoded)).toEqual(golden)
  })
})

describe('planSarifUpload', () => {
  it('uploads against GITHUB_SHA and GITHUB_REF, with the checkout and the tool, summarised for the log', () => {
    const request = planSarifUpload(context, upload('trivy/shop-web/production/'))
    expect({ ...request, parameters: { ...request.parameters, sarif: '<encoded>' } }).toEqual({
      route: 'POST /repos/{owner}/{repo}/code-scanning/sarifs',
      parameters: {
        owner: 'acme',
        repo: 'shop',
        commit_sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
        ref: 'refs/pull/7/merge',
        sarif: '<encoded>',
        checkout_uri: 'file:///home/runner/work/shop/shop',
        tool_name: 'Trivy'
      },
      summary: 'code scanning, category trivy/shop-web/production/, 4 results'
    })
    expect(decode(request.parameters.sarif).runs[0].automationDetails).toEqual({
      id: 'trivy/shop-web/production/'
    })
  })
})

describe('uploadSarifs to the GitHub API stand-in', () => {
  let api: GitHubApi
  afterEach(() => api.close())
  const live = (log: RecordingLog) =>
    new LiveRunner({ log, region: '', github: { token: 'ghs_test', apiUrl: api.url } })
  const fast = { waitMs: 2000, pollIntervalMs: 5 }

  it('posts the gzipped SARIF with commit, ref, checkout and tool, then polls until processing is complete', async () => {
    api = await startGitHubApi()
    const log = new RecordingLog()
    const results = await uploadSarifs(live(log), log, context, [upload('trivy/shop-web/production/')], fast)
    expect(results).toEqual([
      { category: 'trivy/shop-web/production/', status: 'complete', id: 'sarif-1000' }
    ])
    expect(api.requests.map((item) => `${item.method} ${item.path}`)).toEqual([
      'POST /repos/acme/shop/code-scanning/sarifs',
      'GET /repos/acme/shop/code-scanning/sarifs/sarif-1000'
    ])
    const [post] = api.requests
    expect(post.headers.authorization).toBe('token ghs_test')
    expect({ ...post.body, sarif: undefined }).toEqual({
      commit_sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
      ref: 'refs/pull/7/merge',
      checkout_uri: 'file:///home/runner/work/shop/shop',
      tool_name: 'Trivy'
    })
    const uploaded = decode(post.body.sarif)
    expect(uploaded.runs[0].automationDetails).toEqual({ id: 'trivy/shop-web/production/' })
    expect(uploaded.runs[0].results).toHaveLength(4)
    expect(log.of('warning')).toEqual([])
    expect(log.of('info')).toContain(
      'SARIF uploaded to code scanning as category trivy/shop-web/production/ (id sarif-1000)'
    )
  })

  it('turns a refusal into a warning naming the missing permission, never a failure', async () => {
    api = await startGitHubApi()
    api.respond('POST', /\/code-scanning\/sarifs$/, 403, {
      message: 'Resource not accessible by integration'
    })
    const log = new RecordingLog()
    const [result] = await uploadSarifs(live(log), log, context, [upload('c/')], fast)
    expect(result).toEqual({
      category: 'c/',
      status: 'forbidden',
      message: expect.stringContaining("The token needs 'security-events: write'")
    })
    expect(result.message).toContain('Resource not accessible by integration')
    expect(log.of('warning')).toEqual([result.message])
  })
})

// Through a scripted runner: the real client spaces writes a second apart, which these need many of.
describe('uploadSarifs without the stand-in', () => {
  const refusal = (status: number, message: string) =>
    new ServiceError(
      `GitHub POST /repos/{owner}/{repo}/code-scanning/sarifs failed: ${message}`,
      String(status),
      status
    )

  it.each([
    [
      403,
      'Advanced Security must be enabled for this repository to use code scanning.',
      'forbidden',
      'pull requests from forks'
    ],
    [
      404,
      'Not Found',
      'not-found',
      'Code scanning is not enabled for this repository (or the token cannot see it)'
    ],
    [
      403,
      'You have exceeded a secondary rate limit',
      'error',
      'Code scanning kept answering with a rate limit (HTTP 403) after the retries'
    ],
    [
      422,
      'Invalid SARIF',
      'error',
      'Could not upload SARIF to code scanning: GitHub POST /repos/{owner}/{repo}/code-scanning/sarifs failed: Invalid SARIF'
    ]
  ])('%i %s → a %s warning, never a failure', async (status, message, expected, warning) => {
    const log = new RecordingLog()
    const [result] = await uploadSarifs(
      new ScriptedRunner({ github: () => refusal(status, message) }),
      log,
      context,
      [upload('c/')]
    )
    expect(result.status).toBe(expected)
    expect(result.message).toContain(warning)
    expect(result.message).toContain(message)
    expect(log.of('warning')).toEqual([result.message])
  })

  it('warns with the reasons when code scanning fails to process the upload', async () => {
    const runner = new ScriptedRunner({
      github: (request) =>
        request.route.startsWith('POST')
          ? { status: 202, data: { id: 'sarif-1000' } }
          : {
              data: {
                processing_status: 'failed',
                errors: ['locationFromSarifResult: expected artifact location']
              }
            }
    })
    const log = new RecordingLog()
    const [result] = await uploadSarifs(runner, log, context, [upload('c/')])
    expect(result).toEqual({
      category: 'c/',
      status: 'failed',
      id: 'sarif-1000',
      message:
        'Code scanning could not process the SARIF upload sarif-1000: locationFromSarifResult: expected artifact location'
    })
    expect(log.of('warning')).toEqual([result.message])
    expect(runner.plans().map((step) => ('github' in step ? step.github.route : ''))).toEqual([
      'POST /repos/{owner}/{repo}/code-scanning/sarifs',
      'GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}'
    ])
  })

  it('waits for every upload within one shared deadline, then reports them as still pending', async () => {
    let uploads = 0
    const runner = new ScriptedRunner({
      github: (request) =>
        request.route.startsWith('POST')
          ? { data: { id: `sarif-${++uploads}` } }
          : { data: { processing_status: 'pending' } }
    })
    const log = new RecordingLog()
    const started = Date.now()
    const results = await uploadSarifs(runner, log, context, [upload('a/'), upload('b/'), upload('c/')], {
      waitMs: 100,
      pollIntervalMs: 20
    })
    const elapsed = Date.now() - started
    expect(results).toEqual(
      ['a/', 'b/', 'c/'].map((category, index) => ({
        category,
        status: 'pending',
        id: `sarif-${index + 1}`,
        message: `Code scanning is still processing SARIF upload sarif-${index + 1}; the results will appear when it finishes.`
      }))
    )
    // One deadline for all three, not one each.
    expect(elapsed).toBeGreaterThanOrEqual(95)
    expect(elapsed).toBeLessThan(250)
    expect(log.of('warning')).toEqual([])
  })

  it('says the rate limit outlasted the retries', async () => {
    const runner = new ScriptedRunner({
      github: () =>
        new ServiceError(
          'GitHub POST /repos/{owner}/{repo}/code-scanning/sarifs failed: API rate limit exceeded',
          '429',
          429
        )
    })
    const log = new RecordingLog()
    const [result] = await uploadSarifs(runner, log, context, [upload('c/')])
    expect(result).toEqual({
      category: 'c/',
      status: 'error',
      message:
        'Code scanning kept answering with a rate limit (HTTP 429) after the retries: GitHub POST /repos/{owner}/{repo}/code-scanning/sarifs failed: API rate limit exceeded. The findings are still in the scan report.'
    })
  })

  it('keeps polling through a failed poll', async () => {
    let polls = 0
    const runner = new ScriptedRunner({
      github: (request) => {
        if (request.route.startsWith('POST')) return { data: { id: 'sarif-9' } }
        polls += 1
        return polls === 1
          ? new ServiceError('GitHub GET failed: Bad Gateway', '502', 502)
          : { data: { processing_status: 'complete' } }
      }
    })
    const log = new RecordingLog()
    const [result] = await uploadSarifs(runner, log, context, [upload('c/')], {
      waitMs: 1000,
      pollIntervalMs: 1
    })
    expect(result).toEqual({ category: 'c/', status: 'complete', id: 'sarif-9' })
    expect(log.of('debug')).toEqual(['Polling SARIF upload sarif-9: GitHub GET failed: Bad Gateway'])
  })

  it('prints the upload in a dry run and waits for nothing', async () => {
    const log = new RecordingLog()
    const results = await uploadSarifs(new DryRunner(log), log, context, [upload('trivy/x/')])
    expect(results).toEqual([{ category: 'trivy/x/', status: 'pending' }])
    expect(log.of('info')).toEqual([
      'GitHub POST /repos/acme/shop/code-scanning/sarifs (code scanning, category trivy/x/, 4 results)'
    ])
  })
})

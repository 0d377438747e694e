import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../support/stand-ins/github-api.mjs'
import { fetchRepositoryMetadata } from '../../../src/github/repository.js'
import { LiveRunner } from '../../../src/run/live.js'
import { contextFor } from '../../fixtures/events/runs.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

describe('fetchRepositoryMetadata against the GitHub API stand-in', () => {
  let api: GitHubApi
  beforeAll(async () => {
    api = await startGitHubApi({
      repository: { description: 'Orders and payments API of the shop', license: { spdx_id: 'MIT' } }
    })
    api.respond('GET', /^\/repos\/octo-org\/gone$/, 404, { message: 'Not Found' })
  })
  afterAll(() => api.close())

  const probe = (log: RecordingLog) =>
    new LiveRunner({ log, region: '', github: { token: 'ghs_test', apiUrl: api.url } })

  it('reads GET /repos/{owner}/{repo} through GITHUB_API_URL', async () => {
    const log = new RecordingLog()
    const metadata = await fetchRepositoryMetadata(probe(log), log, 'ghs_test', contextFor('push_tag'))
    expect(metadata).toEqual({
      name: 'shop-api',
      description: 'Orders and payments API of the shop',
      htmlUrl: 'https://github.com/octo-org/shop-api',
      defaultBranch: 'main',
      license: 'MIT'
    })
    const request = api.requests.at(-1)
    expect([request?.method, request?.path, request?.headers.authorization]).toEqual([
      'GET',
      '/repos/octo-org/shop-api',
      'token ghs_test'
    ])
    expect(log.of('warning')).toEqual([])
  })

  it('warns and returns undefined when the API refuses, never with the token', async () => {
    const log = new RecordingLog()
    const context = contextFor('push_tag', { repository: 'octo-org/gone' })
    expect(await fetchRepositoryMetadata(probe(log), log, 'ghs_test', context)).toBeUndefined()
    expect(log.of('warning')).toEqual([
      expect.stringMatching(
        /^Could not read octo-org\/gone from the GitHub API \(GitHub GET \/repos\/\{owner\}\/\{repo\} failed: Not Found.*\); the image labels use the event payload instead\.$/
      )
    ])
    expect(log.of('warning')[0]).not.toContain('ghs_test')
  })

  it.each([
    ['without a token', '', 'octo-org/shop-api'],
    ['without an owner/name', 'ghs_test', '']
  ])('asks nothing %s', async (_, token, repository) => {
    const runner = new ScriptedRunner()
    const log = new RecordingLog()
    const context = contextFor('push_tag', { repository })
    expect(await fetchRepositoryMetadata(runner, log, token, context)).toBeUndefined()
    expect(runner.steps).toEqual([])
  })

  it('reads an answer without description or license as empty strings', async () => {
    const runner = new ScriptedRunner({
      github: () => ({
        data: {
          name: 'x',
          description: null,
          html_url: 'https://github.com/o/x',
          default_branch: 'trunk',
          license: null
        }
      })
    })
    const log = new RecordingLog()
    expect(await fetchRepositoryMetadata(runner, log, 't', contextFor('push_tag'))).toEqual({
      name: 'x',
      description: '',
      htmlUrl: 'https://github.com/o/x',
      defaultBranch: 'trunk',
      license: ''
    })
    expect(runner.plans()).toEqual([
      { github: { route: 'GET /repos/{owner}/{repo}', parameters: { owner: 'octo-org', repo: 'shop-api' } } }
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { currentBranch, defaultBranch, readRunContext, repositoryUrl } from '../../../src/github/context.js'
import { contextFor, type RunName } from '../../fixtures/events/runs.js'

describe('readRunContext', () => {
  it('reads the run from the runner’s environment and the event payload', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'context-'))
    const eventPath = path.join(dir, 'event.json')
    writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 7 } }))
    expect(
      readRunContext({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_SHA: 'abc',
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SERVER_URL: 'https://github.example.com',
        GITHUB_API_URL: 'https://github.example.com/api/v3',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_WORKSPACE: '/w'
      })
    ).toEqual({
      eventName: 'pull_request',
      sha: 'abc',
      ref: 'refs/pull/7/merge',
      repository: 'acme/shop',
      serverUrl: 'https://github.example.com',
      apiUrl: 'https://github.example.com/api/v3',
      runId: '42',
      runAttempt: '2',
      workspace: '/w',
      payload: { pull_request: { number: 7 } }
    })
  })

  it('has defaults outside GitHub Actions, and an empty payload without an event file', () => {
    expect(readRunContext({ GITHUB_EVENT_PATH: '/nowhere/event.json', GITHUB_WORKSPACE: '/w' })).toEqual({
      eventName: '',
      sha: '',
      ref: '',
      repository: '',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      runId: '0',
      runAttempt: '1',
      workspace: '/w',
      payload: {}
    })
  })
})

describe('branches and the repository URL', () => {
  it.each<[RunName, string | undefined]>([
    ['push_branch', 'feature/Login_form'],
    ['pull_request', 'feature/Login_form'],
    ['push_tag', undefined],
    ['schedule', 'main']
  ])('%s builds %s', (name, branch) => {
    expect(currentBranch(contextFor(name))).toBe(branch)
  })

  it('reads the default branch and the web URL from the payload, else builds the URL', () => {
    expect(defaultBranch(contextFor('push_branch'))).toBe('main')
    expect(defaultBranch(contextFor('push_branch', { payload: {} }))).toBeUndefined()
    expect(repositoryUrl(contextFor('push_branch'))).toBe('https://github.com/octo-org/shop-api')
    expect(
      repositoryUrl(
        contextFor('push_branch', { payload: {}, serverUrl: 'https://ghe.example', repository: 'a/b' })
      )
    ).toBe('https://ghe.example/a/b')
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubApi } from '../../support/stand-ins/github-api.mjs'
import { fetchBranchesLike } from '../../../src/github/branches.js'
import type { RunContext } from '../../../src/github/context.js'
import { LiveRunner } from '../../../src/run/live.js'
import { recordingLog } from './recording-log.js'

let api: Awaited<ReturnType<typeof startGitHubApi>>

beforeAll(async () => {
  api = await startGitHubApi()
})
afterAll(async () => api?.close())

const context = { repository: 'octo-org/shop' } as RunContext
const refs = (...names: string[]) => names.map((name) => ({ ref: `refs/heads/${name}` }))

describe('fetchBranchesLike', () => {
  it('asks for the branches that start like this one, and returns the others', async () => {
    api.respond('GET', /\/git\/matching-refs\//, 200, refs('feat/a', 'feat-a', 'feature'))
    const recorded = recordingLog()
    const probe = new LiveRunner({ log: recorded.log, region: '', github: { token: 't', apiUrl: api.url } })
    expect(await fetchBranchesLike(probe, recorded.log, context, 'feat/a')).toEqual(['feat-a', 'feature'])
    const [asked] = api.requests.filter((request) => request.path.includes('matching-refs'))
    expect(decodeURIComponent(asked.path)).toBe('/repos/octo-org/shop/git/matching-refs/heads/feat')
  })

  it('asks nothing for a name no other branch can share a tag with', async () => {
    const before = api.requests.length
    const recorded = recordingLog()
    const probe = new LiveRunner({ log: recorded.log, region: '', github: { token: 't', apiUrl: api.url } })
    expect(await fetchBranchesLike(probe, recorded.log, context, 'main')).toEqual([])
    expect(api.requests.length).toBe(before)
  })

  it('returns none, with a debug line only, when GitHub refuses', async () => {
    api.reset()
    api.respond('GET', /\/git\/matching-refs\//, 403, { message: 'Resource not accessible by integration' })
    const recorded = recordingLog()
    const probe = new LiveRunner({ log: recorded.log, region: '', github: { token: 't', apiUrl: api.url } })
    expect(await fetchBranchesLike(probe, recorded.log, context, 'feat/a')).toEqual([])
    expect(recorded.of('warning')).toEqual([])
    expect(recorded.of('debug')).toEqual([expect.stringContaining('Could not list the branches like feat/a')])
  })
})

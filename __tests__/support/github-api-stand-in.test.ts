import { describe, expect, it } from '@jest/globals'
import { startGitHubApi } from './stand-ins/github-api.mjs'

describe('the GitHub API stand-in', () => {
  it('serves repository metadata, keeps PR comments, creates check runs and records requests', async () => {
    const api = await startGitHubApi({
      repository: { description: 'Shop', license: { spdx_id: 'Apache-2.0' } }
    })
    try {
      type Comment = { id: number; body: string; user: { login: string } }
      const call = async (method: string, route: string, body?: unknown) => {
        const response = await fetch(`${api.url}${route}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body)
        })
        return { status: response.status, body: (await response.json()) as Comment & Comment[] }
      }
      expect(await call('GET', '/repos/acme/shop')).toEqual({
        status: 200,
        body: expect.objectContaining({
          name: 'shop',
          description: 'Shop',
          html_url: 'https://github.com/acme/shop',
          default_branch: 'main',
          license: { spdx_id: 'Apache-2.0' }
        })
      })
      const created = await call('POST', '/repos/acme/shop/issues/7/comments', { body: 'first' })
      expect(created.status).toBe(201)
      await call('PATCH', `/repos/acme/shop/issues/comments/${created.body.id}`, { body: 'edited' })
      const listed = await call('GET', '/repos/acme/shop/issues/7/comments')
      expect(listed.body.map((comment) => [comment.body, comment.user.login])).toEqual([
        ['edited', 'github-actions[bot]']
      ])
      expect(
        (await call('POST', '/repos/acme/shop/check-runs', { name: 'scan', head_sha: 'abc' })).body
      ).toEqual(expect.objectContaining({ name: 'scan', head_sha: 'abc', id: expect.any(Number) }))
      expect((await call('GET', '/nowhere')).status).toBe(404)
      expect(api.requests.map((item) => `${item.method} ${item.path}`)).toEqual([
        'GET /repos/acme/shop',
        'POST /repos/acme/shop/issues/7/comments',
        `PATCH /repos/acme/shop/issues/comments/${created.body.id}`,
        'GET /repos/acme/shop/issues/7/comments',
        'POST /repos/acme/shop/check-runs',
        'GET /nowhere'
      ])
    } finally {
      await api.close()
    }
  })
})

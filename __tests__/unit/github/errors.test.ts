import { describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../../src/errors.js'
import { githubError, isRateLimited } from '../../../src/github/errors.js'

describe('githubError', () => {
  const request = {
    route: 'POST /repos/{owner}/{repo}/code-scanning/sarifs',
    parameters: { sarif: 'secret-ish payload' }
  }

  it('names the route, keeps GitHub’s words and the status, never the parameters', () => {
    const error = githubError(
      request,
      Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
    )
    expect(error).toBeInstanceOf(ServiceError)
    expect([error.message, error.code, error.status]).toEqual([
      'GitHub POST /repos/{owner}/{repo}/code-scanning/sarifs failed: Resource not accessible by integration',
      '403',
      403
    ])
    expect(error.message).not.toContain('payload')
  })

  it('reads network errors and non-errors too', () => {
    expect(
      githubError(
        { route: 'GET /user', parameters: {} },
        Object.assign(new Error('socket hang up'), { name: 'FetchError' })
      )
    ).toMatchObject({
      message: 'GitHub GET /user failed: socket hang up',
      code: 'FetchError',
      status: undefined
    })
    expect(githubError({ route: 'GET', parameters: {} }, 'boom').message).toBe('GitHub GET  failed: boom')
  })
})

describe('isRateLimited', () => {
  it.each([
    [429, 'Too Many Requests', true],
    [403, 'You have exceeded a secondary rate limit', true],
    [403, 'You have triggered an abuse detection mechanism', true],
    [403, 'Resource not accessible by integration', false],
    [404, 'secondary rate limit', false],
    [undefined, 'secondary rate limit', false]
  ])('HTTP %s %j: %s', (status, message, limited) => {
    expect(isRateLimited(new ServiceError(message, String(status), status))).toBe(limited)
  })
})

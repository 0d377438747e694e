// A local stand-in for the GitHub REST API, reached by @actions/github through GITHUB_API_URL. It speaks
// the few endpoints the action uses (code scanning uploads, repository metadata, PR comments, check runs),
// keeps state in memory and records every request for tests to assert. For retry tests, `fail` makes the next
// matching requests answer as GitHub does when it is down or rate limiting (see the reply builders below).
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

const secondaryRateLimitMessage =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID '
const rateLimitDocs = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'

/**
 * 502 as GitHub's front end sends it when the API behind it fails; a retry usually succeeds.
 * @returns {Reply}
 */
export function badGateway() {
  return { status: 502, body: { message: 'Server Error' } }
}

/**
 * 429 with `retry-after` (seconds): a secondary rate limit answered with 429, as GitHub documents.
 * @param {number} retryAfter
 * @returns {Reply}
 */
export function tooManyRequests(retryAfter) {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfter) },
    body: { message: `${secondaryRateLimitMessage}${randomUUID()}.`, documentation_url: rateLimitDocs }
  }
}

/**
 * 403 for a secondary rate limit: GitHub's message (which octokit's throttling plugin recognises by
 * "secondary rate"), with either `retry-after` (seconds) or `x-ratelimit-remaining: 0` and
 * `x-ratelimit-reset` (UTC epoch seconds).
 * @param {{ retryAfter: number } | { reset: number }} wait
 * @returns {Reply}
 */
export function secondaryRateLimit(wait) {
  return {
    status: 403,
    headers:
      'retryAfter' in wait
        ? { 'retry-after': String(wait.retryAfter) }
        : { ...rateLimitHeaders(wait.reset), 'x-ratelimit-remaining': '0' },
    body: { message: `${secondaryRateLimitMessage}${randomUUID()}.`, documentation_url: rateLimitDocs }
  }
}

/**
 * 403 for an exhausted primary rate limit: `x-ratelimit-remaining: 0` until `reset` (UTC epoch seconds).
 * @param {number} reset
 * @returns {Reply}
 */
export function rateLimitExceeded(reset) {
  return {
    status: 403,
    headers: { ...rateLimitHeaders(reset), 'x-ratelimit-remaining': '0' },
    body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: rateLimitDocs }
  }
}

/** @param {number} reset */
function rateLimitHeaders(reset) {
  return {
    'x-ratelimit-limit': '1000',
    'x-ratelimit-used': '1000',
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': 'core'
  }
}

/**
 * @typedef {{ method: string, path: string, query: Record<string, string>, headers: import('node:http').IncomingHttpHeaders, body: any, status?: number }} RecordedRequest
 *   `status` is what the stand-in answered.
 * @typedef {{ id: number, node_id: string, body: string, user: { login: string, type: string }, html_url: string, created_at: string, updated_at: string }} IssueComment
 * @typedef {{ status: number, body?: any, headers?: Record<string, string> }} Reply
 * @typedef {{ name?: string, description?: string | null, default_branch?: string, license?: { spdx_id: string } | null, topics?: string[], private?: boolean }} RepositoryOptions
 * @typedef {{ repository?: RepositoryOptions, comments?: Record<string, string[]>, sarifStatus?: 'pending' | 'complete' | 'failed', sarifErrors?: string[], botLogin?: string }} GitHubApiOptions
 * @typedef {{ url: string, requests: RecordedRequest[], comments: Map<string, IssueComment[]>,
 *   respond: (method: string, path: RegExp, status: number, body?: any) => void,
 *   fail: (method: string, path: RegExp, reply: Reply, options?: { times?: number }) => { readonly fired: number },
 *   reset: () => void, close: () => Promise<void> }} GitHubApi
 */

/**
 * @param {GitHubApiOptions} [options]
 * @returns {Promise<GitHubApi>}
 */
export async function startGitHubApi(options = {}) {
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {Array<{ method: string, path: RegExp, reply: Reply }>} */
  const overrides = []
  /** @type {Array<{ method: string, path: RegExp, reply: Reply, times: number, fired: number }>} */
  const failures = []
  /** Comments by `owner/repo#number`. @type {Map<string, IssueComment[]>} */
  const comments = new Map()
  const sarifs = new Map()
  let nextId = 1000
  let url = ''
  const now = () => new Date().toISOString()
  const botLogin = options.botLogin ?? 'github-actions[bot]'

  /** @returns {IssueComment} */
  function comment(owner, repo, number, body) {
    const id = nextId++
    const time = now()
    return {
      id,
      node_id: `IC_${id}`,
      body,
      user: { login: botLogin, type: 'Bot' },
      html_url: `https://github.com/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
      created_at: time,
      updated_at: time
    }
  }
  for (const [key, bodies] of Object.entries(options.comments ?? {})) {
    const [, owner, repo, number] = /^([^/]+)\/([^#]+)#(\d+)$/.exec(key) ?? []
    comments.set(
      key,
      bodies.map((body) => comment(owner, repo, number, body))
    )
  }

  /** @type {Array<[string, RegExp, (match: RegExpExecArray, body: any) => Reply]>} */
  const routes = [
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/sarifs$/,
      ([, owner, repo], body) => {
        if (!body || typeof body.sarif !== 'string' || !body.commit_sha || !body.ref) {
          return { status: 422, body: { message: 'Invalid request: sarif, commit_sha and ref are required' } }
        }
        const id = `sarif-${nextId++}`
        sarifs.set(id, body)
        return { status: 202, body: { id, url: `${url}/repos/${owner}/${repo}/code-scanning/sarifs/${id}` } }
      }
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/sarifs\/([^/]+)$/,
      ([, owner, repo, id]) => {
        if (!sarifs.has(id)) return { status: 404, body: { message: 'Not Found' } }
        const status = options.sarifStatus ?? 'complete'
        return {
          status: 200,
          body: {
            processing_status: status,
            analyses_url: `${url}/repos/${owner}/${repo}/code-scanning/analyses?sarif_id=${id}`,
            ...(status === 'failed' ? { errors: options.sarifErrors ?? ['invalid SARIF'] } : {})
          }
        }
      }
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)$/,
      ([, owner, repo]) => {
        const repository = options.repository ?? {}
        return {
          status: 200,
          body: {
            id: 1,
            name: repository.name ?? repo,
            full_name: `${owner}/${repository.name ?? repo}`,
            owner: { login: owner },
            private: repository.private ?? false,
            description:
              repository.description === undefined ? `The ${repo} repository` : repository.description,
            html_url: `https://github.com/${owner}/${repository.name ?? repo}`,
            default_branch: repository.default_branch ?? 'main',
            topics: repository.topics ?? [],
            license: repository.license === undefined ? { spdx_id: 'MIT' } : repository.license
          }
        }
      }
    ],
    [
      'GET',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([, owner, repo, number]) => ({ status: 200, body: comments.get(`${owner}/${repo}#${number}`) ?? [] })
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([, owner, repo, number], body) => {
        const key = `${owner}/${repo}#${number}`
        const created = comment(owner, repo, number, String(body?.body ?? ''))
        comments.set(key, [...(comments.get(key) ?? []), created])
        return { status: 201, body: created }
      }
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([, owner, repo, id], body) => {
        const found = findComment(owner, repo, Number(id))
        if (!found) return { status: 404, body: { message: 'Not Found' } }
        found.body = String(body?.body ?? '')
        found.updated_at = now()
        return { status: 200, body: found }
      }
    ],
    [
      'DELETE',
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([, owner, repo, id]) => {
        const found = findComment(owner, repo, Number(id))
        if (!found) return { status: 404, body: { message: 'Not Found' } }
        for (const [key, list] of comments)
          comments.set(
            key,
            list.filter((item) => item !== found)
          )
        return { status: 204 }
      }
    ],
    [
      'POST',
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
      ([, owner, repo], body) => {
        const id = nextId++
        return {
          status: 201,
          body: { id, html_url: `https://github.com/${owner}/${repo}/runs/${id}`, status: 'queued', ...body }
        }
      }
    ],
    [
      'PATCH',
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
      ([, owner, repo, id], body) => ({
        status: 200,
        body: { id: Number(id), html_url: `https://github.com/${owner}/${repo}/runs/${id}`, ...body }
      })
    ]
  ]

  function findComment(owner, repo, id) {
    for (const [key, list] of comments) {
      if (!key.startsWith(`${owner}/${repo}#`)) continue
      const found = list.find((item) => item.id === id)
      if (found) return found
    }
    return undefined
  }

  /** @returns {Reply} */
  function handle(method, path, body) {
    const failure = failures.find(
      (item) => item.method === method && item.path.test(path) && item.fired < item.times
    )
    if (failure) {
      failure.fired++
      return failure.reply
    }
    const override = [...overrides].reverse().find((item) => item.method === method && item.path.test(path))
    if (override) return override.reply
    for (const [routeMethod, pattern, handler] of routes) {
      const match = routeMethod === method ? pattern.exec(path) : null
      if (match) return handler(match, body)
    }
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }
  }

  const server = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk) => (text += chunk))
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://stand-in')
      let body
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        body = text
      }
      const method = request.method ?? 'GET'
      /** @type {RecordedRequest} */
      const record = {
        method,
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        headers: request.headers,
        body
      }
      requests.push(record)
      const reply = handle(method, parsed.pathname, body)
      record.status = reply.status
      response.writeHead(reply.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': randomUUID().toUpperCase(),
        ...reply.headers
      })
      response.end(reply.body === undefined ? '' : JSON.stringify(reply.body))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  return {
    url,
    requests,
    comments,
    /** Drops every `respond` override and pending `fail`: the stand-in answers as it does by default again. */
    reset() {
      overrides.length = 0
      failures.length = 0
    },
    /**
     * The next `times` (default 1) requests matching method and path get `reply` (e.g. badGateway(),
     * tooManyRequests(1)); later ones are answered normally. Pending failures apply in the order added.
     */
    fail(method, path, reply, { times = 1 } = {}) {
      const failure = { method: method.toUpperCase(), path, reply, times, fired: 0 }
      failures.push(failure)
      return {
        get fired() {
          return failure.fired
        }
      }
    },
    respond(method, path, status, body) {
      overrides.push({ method: method.toUpperCase(), path, reply: { status, body } })
    },
    close() {
      // Octokit keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

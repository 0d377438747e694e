// A stand-in for the runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN), as @actions/core's
// getIDToken() calls it: GET <url>&audience=<aud> with `Authorization: Bearer <request token>`, answered with
// `{ "value": "<jwt>" }`. The JWT carries the claims GitHub puts in Actions tokens and is signed with RS256 by a
// key made per server; its JWKS is served too, so a consumer can verify it. Every request is recorded.
import { createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

const base64url = (value) => Buffer.from(value).toString('base64url')

/**
 * @typedef {{ audience?: string, authorized: boolean, status: number }} IdTokenRequest
 *   `audience`: the query parameter as sent (unset when the caller gave none).
 * @typedef {{ audience: string, claims: Record<string, unknown>, token: string }} IssuedToken
 * @typedef {{ url: string, requestToken: string, issuer: string, jwksUrl: string,
 *   env: { ACTIONS_ID_TOKEN_REQUEST_URL: string, ACTIONS_ID_TOKEN_REQUEST_TOKEN: string },
 *   requests: IdTokenRequest[], issued: IssuedToken[], jwks: { keys: object[] },
 *   fail: (status: number, options?: { times?: number }) => void, close: () => Promise<void> }} IdTokenService
 */

/**
 * @param {{ claims?: Record<string, unknown>, issuer?: string, lifetimeSeconds?: number }} [options]
 *   `claims` override or add to the defaults (a push to main of octo-org/shop, run 4242).
 * @returns {Promise<IdTokenService>}
 */
export async function startIdTokenService(options = {}) {
  const issuer = options.issuer ?? 'https://token.actions.githubusercontent.com'
  const requestToken = randomBytes(24).toString('base64url')
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID()
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }
  /** @type {IdTokenRequest[]} */
  const requests = []
  /** @type {IssuedToken[]} */
  const issued = []
  /** @type {Array<{ status: number, times: number, fired: number }>} */
  const failures = []
  let origin = ''

  /** @param {string} audience */
  function sign(audience) {
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      jti: randomUUID(),
      sub: 'repo:octo-org/shop:ref:refs/heads/main',
      aud: audience,
      ref: 'refs/heads/main',
      sha: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
      repository: 'octo-org/shop',
      repository_owner: 'octo-org',
      repository_visibility: 'private',
      run_id: '4242',
      run_number: '7',
      run_attempt: '1',
      actor: 'octocat',
      event_name: 'push',
      ref_type: 'branch',
      workflow: 'ci',
      workflow_ref: 'octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
      job_workflow_ref: 'octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
      runner_environment: 'github-hosted',
      iss: issuer,
      nbf: now - 5,
      iat: now,
      exp: now + (options.lifetimeSeconds ?? 300),
      ...options.claims
    }
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))
    const payload = base64url(JSON.stringify(claims))
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey, 'base64url')
    const token = `${header}.${payload}.${signature}`
    issued.push({ audience, claims, token })
    return token
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in')
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      response.end(JSON.stringify(body))
    }
    request.resume()
    if (url.pathname === '/.well-known/jwks') return reply(200, jwks)
    if (url.pathname === '/.well-known/openid-configuration') {
      return reply(200, {
        issuer,
        jwks_uri: `${origin}/.well-known/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public', 'pairwise'],
        id_token_signing_alg_values_supported: ['RS256']
      })
    }
    if (url.pathname !== '/idtoken') return reply(404, { message: 'Not Found' })
    const audience = url.searchParams.get('audience') ?? undefined
    const authorized = request.headers.authorization === `Bearer ${requestToken}`
    /** @type {IdTokenRequest} */
    const record = { ...(audience !== undefined ? { audience } : {}), authorized, status: 200 }
    requests.push(record)
    const failure = failures.find((item) => item.fired < item.times)
    if (failure) {
      failure.fired++
      record.status = failure.status
      return reply(failure.status, { message: 'Injected failure of the ID token stand-in' })
    }
    if (request.method !== 'GET') {
      record.status = 405
      return reply(405, { message: 'Method Not Allowed' })
    }
    if (!authorized) {
      record.status = 401
      return reply(401, { message: 'Unauthorized: the request token is missing or wrong' })
    }
    // Without an audience, GitHub's default is the URL of the repository owner.
    return reply(200, { value: sign(audience ?? 'https://github.com/octo-org') })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  origin = `http://127.0.0.1:${address.port}`
  // The runner's URL already has a query: getIDToken() appends `&audience=...`.
  const url = `${origin}/idtoken?api-version=2.0`
  return {
    url,
    requestToken,
    issuer,
    jwksUrl: `${origin}/.well-known/jwks`,
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    requests,
    issued,
    jwks,
    /** The next `times` (default 1) token requests get `status` (e.g. 503, which @actions/core retries). */
    fail(status, { times = 1 } = {}) {
      failures.push({ status, times, fired: 0 })
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createPublicKey, verify } from 'node:crypto'
import { root } from './run-action.mjs'
import { startIdTokenService, type IdTokenService } from './stand-ins/actions-id-token.mjs'

let service: IdTokenService

beforeAll(async () => {
  service = await startIdTokenService()
})

afterAll(async () => {
  await service.close()
})

/**
 * @actions/core's getIDToken in its own process, with the runner's environment, as an action calls it
 * (asynchronously: the service answers from this process).
 */
async function getIDToken(audience: string | undefined, env: Record<string, string> = service.env) {
  const script = `import * as core from '@actions/core'
const token = await core.getIDToken(${audience === undefined ? '' : JSON.stringify(audience)})
process.stdout.write('token=' + token + '\\n')`
  const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } },
      (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr })
    )
  })
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    token: /^token=(.+)$/m.exec(result.stdout)?.[1]
  }
}

function decode(token: string) {
  const [header, payload, signature] = token.split('.')
  const parse = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  const key = createPublicKey({
    key: service.jwks.keys[0] as import('node:crypto').JsonWebKey,
    format: 'jwk'
  })
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url')
  )
  return { header: parse(header), claims: parse(payload), valid }
}

describe('the ID token endpoint', () => {
  it('gives getIDToken a signed JWT for the audience asked for, and records the request', async () => {
    const result = await getIDToken('sigstore')
    expect(result.code).toBe(0)
    const token = String(result.token)
    // getIDToken masks the token: the runner never prints it again.
    expect(result.stdout).toContain(`::add-mask::${token}`)
    const { header, claims, valid } = decode(token)
    expect(valid).toBe(true)
    expect(header).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      kid: (service.jwks.keys[0] as { kid: string }).kid
    })
    expect(claims).toMatchObject({
      aud: 'sigstore',
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/shop:ref:refs/heads/main',
      repository: 'octo-org/shop',
      job_workflow_ref: 'octo-org/shop/.github/workflows/ci.yml@refs/heads/main'
    })
    expect(claims.exp - claims.iat).toBe(300)
    expect(service.requests.at(-1)).toEqual({ audience: 'sigstore', authorized: true, status: 200 })
    expect(service.issued.at(-1)?.token).toBe(token)
  })

  it('uses the owner URL as the audience when none is asked for', async () => {
    const { token } = await getIDToken(undefined)
    expect(decode(String(token)).claims.aud).toBe('https://github.com/octo-org')
    expect(service.requests.at(-1)).toEqual({ authorized: true, status: 200 })
  })

  it('refuses a wrong request token with 401', async () => {
    const result = await getIDToken('sts.amazonaws.com', {
      ...service.env,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong'
    })
    expect(result.code).not.toBe(0)
    expect(result.stderr + result.stdout).toContain('Failed to get ID Token')
    expect(service.requests.at(-1)).toEqual({ audience: 'sts.amazonaws.com', authorized: false, status: 401 })
  })

  it('fails on request: @actions/core retries a 503 and gets its token', async () => {
    const before = service.requests.length
    service.fail(503)
    const result = await getIDToken('sigstore')
    expect(result.code).toBe(0)
    expect(service.requests.slice(before).map((request) => request.status)).toEqual([503, 200])
  })

  it('serves its JWKS where its discovery document says', async () => {
    const discovery = await fetch(service.jwksUrl.replace('/jwks', '/openid-configuration')).then(
      (response) => response.json()
    )
    expect(discovery).toMatchObject({ issuer: service.issuer, jwks_uri: service.jwksUrl })
    expect(await fetch(service.jwksUrl).then((response) => response.json())).toEqual(service.jwks)
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import * as os from 'node:os'
import * as core from '@actions/core'
import { ConfigurationError, ServiceError } from '../../../src/errors.js'
import {
  githubIssuer,
  keyCredentials,
  keylessCredentials,
  keylessIdentity,
  plannedKeylessCredentials
} from '../../../src/sign/credentials.js'
import { planSign } from '../../../src/sign/cosign.js'
import { formatCommand } from '../../../src/run/command.js'

const claims = {
  iss: githubIssuer,
  aud: 'sigstore',
  repository: 'octo-org/shop',
  job_workflow_ref: 'octo-org/ecr-build-push/.github/workflows/build-push.yml@refs/tags/v1',
  workflow_ref: 'octo-org/shop/.github/workflows/ci.yml@refs/heads/main'
}
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const token = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`
const requestToken = 'runner-request-token-123'

let server: Server
let url: string
const seen: IncomingMessage[] = []
let status = 200

function captureOutput(): string[] {
  const output: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk))
    return true
  })
  return output
}

const savedEnv = { ...process.env }

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request)
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(
      status === 200 ? JSON.stringify({ value: token }) : JSON.stringify({ message: 'no permission' })
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/idtoken?api-version=2.0`
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
  status = 200
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('keyless credentials from the runner’s OIDC token endpoint', () => {
  it('asks for audience sigstore with the runner’s request token, masks the token, and puts it in the env only', async () => {
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKFLOW_REF: claims.workflow_ref
    }
    Object.assign(process.env, env)
    const output = captureOutput()
    const credentials = await keylessCredentials(core, env)

    const request = seen[seen.length - 1]
    expect(request.url).toBe('/idtoken?api-version=2.0&audience=sigstore')
    expect(request.headers.authorization).toBe(`Bearer ${requestToken}`)

    expect(credentials).toEqual({
      method: 'keyless',
      env: { SIGSTORE_ID_TOKEN: token },
      identity: {
        subject: 'https://github.com/octo-org/ecr-build-push/.github/workflows/build-push.yml@refs/tags/v1',
        issuer: 'https://token.actions.githubusercontent.com'
      }
    })
    // The runner swallows ::add-mask:: lines; every other line must be free of the token.
    const lines = output.join('').split(os.EOL)
    expect(lines).toContain(`::add-mask::${token}`)
    expect(lines.filter((line) => line.includes(token) && line !== `::add-mask::${token}`)).toEqual([])

    const command = planSign(
      { reference: `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:${'a'.repeat(64)}`, digest: '' },
      { cosign: 'cosign', credentials, storage: 'referrers' }
    )
    expect(command.args.join(' ')).not.toContain(token)
    expect(formatCommand(command)).not.toContain(token)
    expect(command.env?.SIGSTORE_ID_TOKEN).toBe(token)
  })

  it.each([
    ['neither', {}],
    ['only the request URL', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token' }],
    ['only the request token', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' }]
  ])('refuses, without a request, when the job cannot mint a token (%s given)', async (_, env) => {
    const before = seen.length
    await expect(keylessCredentials(core, env)).rejects.toThrow(
      new ConfigurationError(
        "Keyless signing needs an OIDC token, and this job cannot mint one: add 'permissions: id-token: write' to the job, or sign with 'sign-key'."
      )
    )
    expect(seen.length).toBe(before)
  })

  it('turns a refused token request into a ServiceError that carries no secret', async () => {
    status = 403
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }
    Object.assign(process.env, env)
    captureOutput()
    const attempt = keylessCredentials(core, env)
    await expect(attempt).rejects.toThrow(ServiceError)
    await expect(attempt).rejects.toThrow('Could not get an OIDC token for Sigstore from the runner:')
    await attempt.catch((error: Error) => expect(error.message).not.toContain(requestToken))
  })

  it('asks the runner through @actions/core by default, and masks the token with its own workflow command', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }
    Object.assign(process.env, env)
    const output = captureOutput()
    const credentials = await keylessCredentials(undefined, env)
    expect(seen[seen.length - 1].url).toBe('/idtoken?api-version=2.0&audience=sigstore')
    expect(credentials.env).toEqual({ SIGSTORE_ID_TOKEN: token })
    expect(output.join('').split(os.EOL)).toContain(`::add-mask::${token}`)
  })

  it('names the workflow from the environment when the token is not a JWT it can read', async () => {
    const source = { getIDToken: async () => 'opaque.%%%.token', setSecret: () => undefined }
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }
    const workflow = 'o/r/.github/workflows/ci.yml@refs/heads/main'
    expect(await keylessCredentials(source, { ...env, GITHUB_WORKFLOW_REF: workflow })).toMatchObject({
      identity: { subject: `https://github.com/${workflow}`, issuer: githubIssuer }
    })
    expect(keylessIdentity({}, {})).toEqual({
      subject: 'https://github.com/',
      issuer: 'https://token.actions.githubusercontent.com'
    })
  })

  it('names the caller’s workflow in a dry run, where no token is requested', () => {
    expect(
      plannedKeylessCredentials({
        GITHUB_WORKFLOW_REF: claims.workflow_ref,
        GITHUB_SERVER_URL: 'https://ghe.example'
      })
    ).toEqual({
      method: 'keyless',
      env: { SIGSTORE_ID_TOKEN: '' },
      identity: {
        subject: 'https://ghe.example/octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
        issuer: githubIssuer
      }
    })
    expect(
      keylessIdentity({ iss: 'https://ghe.example/_services/token' }, { GITHUB_WORKFLOW_REF: 'o/r/w.yml@x' })
    ).toEqual({
      subject: 'https://github.com/o/r/w.yml@x',
      issuer: 'https://ghe.example/_services/token'
    })
  })
})

describe('key credentials', () => {
  it('masks the key, each line of it and the password, and passes them in the env only', () => {
    const pem = [
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
      'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
      'OCwicCI6MX0sInNhbHQiOiJ',
      'fQ==',
      '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
      ''
    ].join('\n')
    const masked: string[] = []
    const credentials = keyCredentials(pem, 'hunter2', (secret) => masked.push(secret))
    expect(masked).toEqual([
      pem,
      'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
      'OCwicCI6MX0sInNhbHQiOiJ',
      'hunter2'
    ])
    expect(credentials).toEqual({
      method: 'key',
      env: { COSIGN_PRIVATE_KEY: pem, COSIGN_PASSWORD: 'hunter2' }
    })
  })

  it('masks the lines of a key pasted with CRLF line endings as the log prints them, an 8-character line too', () => {
    const lines = [
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
      'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
      'fQ0K1w==',
      '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
    ]
    const pem = lines.join('\r\n')
    const masked: string[] = []
    keyCredentials(pem, '', (secret) => masked.push(secret))
    // Without a password, nothing more.
    expect(masked).toEqual([pem, lines[1], lines[2]])
  })

  it('masks nothing for an empty key and password', () => {
    const masked: string[] = []
    keyCredentials('  \n', '', (secret) => masked.push(secret))
    expect(masked).toEqual([])
  })
})

describe('keyless credentials, masked by this action itself', () => {
  it('masks the token whatever the token source does', async () => {
    const masked: string[] = []
    const source = { getIDToken: async () => token, setSecret: (secret: string) => masked.push(secret) }
    await keylessCredentials(source, {
      ACTIONS_ID_TOKEN_REQUEST_URL: url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      GITHUB_WORKFLOW_REF: claims.workflow_ref
    })
    expect(masked).toEqual([token])
  })
})

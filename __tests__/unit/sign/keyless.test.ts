// The keyless plan end to end short of Fulcio and Rekor (which cannot be reached offline): the signing phase asks
// the runner's OIDC endpoint (the stand-in, through @actions/core) for a `sigstore` token after the tags are
// written, hands it to every cosign command in the environment only, and prints the certificate identity a
// verifier must require. The token is in no argument, no log line but the runner's mask, no summary, no output.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ImagePlan } from '../../../src/build/plan.js'
import type { BuildResult } from '../../../src/build/build.js'
import type { ImageOutcome } from '../../../src/outcome.js'
import { formatCommand, type Command } from '../../../src/run/command.js'
import type { GateOutcome } from '../../../src/scan/gate.js'
import { signAll } from '../../../src/sign/phase.js'
import { startIdTokenService } from '../../support/stand-ins/actions-id-token.mjs'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const digest = `sha256:${'a'.repeat(64)}`
const signature = `sha256:${'b'.repeat(64)}`
const indexType = 'application/vnd.oci.image.index.v1+json'
const fixture = path.resolve('__tests__/fixtures/trivy/alpine-310.json.golden')
const reusable = 'octo-org/ecr-build-push/.github/workflows/build-push.yml@refs/tags/v1'

let idTokens: Awaited<ReturnType<typeof startIdTokenService>>
let registry: Server
let host: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  idTokens = await startIdTokenService({ claims: { job_workflow_ref: reusable } })
  // A registry with the referrers API on loopback (plain HTTP): what ECR answers, before anything is signed.
  registry = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': indexType })
    response.end(JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [] }))
  })
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(registry.address() as AddressInfo).port}`
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
})

afterAll(async () => {
  await idTokens.close()
  await new Promise((resolve) => registry.close(resolve))
})

function outcomeFor(config: ReturnType<typeof configOf>, dir: string): ImageOutcome {
  const image = `${host}/shop/web`
  const now = new Date('2026-08-20T10:00:00Z')
  return {
    plan: { spec: config.images[0], image, tags: [`${image}:main`], dir } as unknown as ImagePlan,
    built: { metadata: {} } as unknown as BuildResult,
    gate: {
      scans: [{ platform: 'linux/amd64', reportPath: fixture, sarifPath: '', counts: {} }],
      scanner: 'Trivy 0.75.0',
      startedAt: now,
      finishedAt: now
    } as unknown as GateOutcome,
    release: { digest, written: [`${image}:main`], failed: [] }
  }
}

describe('keyless signing against the runner’s OIDC endpoint', () => {
  let commands: Command[]
  let outcomes: ImageOutcome[]
  let printed: string[]
  let log: RecordingLog
  let token: string

  beforeAll(async () => {
    const { workspace, runnerTemp } = makeWorkspace()
    const env = {
      AWS_REGION: 'us-east-1',
      RUNNER_TEMP: runnerTemp,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_WORKFLOW_REF: 'octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
      ...idTokens.env
    }
    const config = configOf(workspace, { repository: 'shop/web', 'skip-setup-cosign': 'true' }, env)
    // @actions/core reads the endpoint from the process environment, as on a runner.
    Object.assign(process.env, env)
    printed = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk))
      return true
    })
    const runner = new ScriptedRunner({
      run: (command) =>
        command.args[0] === 'sign'
          ? {
              stderr: `Uploading signature for [${command.args.at(-1)}] to [${host}/shop/web@${signature}] with config.mediaType [application/vnd.dev.cosign.artifact.sig.v1+json]\n`
            }
          : {},
      ecr: () => ({
        images: [
          {
            imageId: { imageDigest: digest },
            imageManifest: JSON.stringify({
              schemaVersion: 2,
              mediaType: 'application/vnd.oci.image.manifest.v1+json'
            }),
            imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
          }
        ]
      })
    })
    log = new RecordingLog()
    outcomes = await signAll({
      runner,
      probe: runner,
      log,
      config,
      env,
      outcomes: [outcomeFor(config, path.join(runnerTemp, '0-production'))]
    })
    jest.restoreAllMocks()
    commands = runner.steps.flatMap((step) => ('run' in step ? [step.run] : []))
    token = idTokens.issued[0]?.token ?? '<no token issued>'
  }, 60_000)

  it('asks for one token, audience sigstore, with the runner’s request token, after the tags', () => {
    expect(idTokens.requests).toEqual([{ audience: 'sigstore', authorized: true, status: 200 }])
    expect(outcomes[0].signError).toBeUndefined()
  })

  it('signs and attests the digest as referrers, keyless: the token in each command’s environment only', () => {
    const reference = `${host}/shop/web@${digest}`
    expect(commands.map((command) => [command.tool, command.args.slice(0, -1), command.args.at(-1)])).toEqual(
      [
        [
          'cosign',
          ['sign', '--yes', '--allow-insecure-registry', '--registry-referrers-mode=oci-1-1'],
          reference
        ],
        [
          'cosign',
          [
            'attest',
            '--yes',
            '--allow-insecure-registry',
            '--new-bundle-format',
            '--type',
            'slsaprovenance1',
            '--predicate',
            expect.stringMatching(/\.slsaprovenance1\.json$/)
          ],
          reference
        ],
        [
          'cosign',
          [
            'attest',
            '--yes',
            '--allow-insecure-registry',
            '--new-bundle-format',
            '--type',
            'vuln',
            '--predicate',
            expect.stringMatching(/\.vuln\.json$/)
          ],
          reference
        ]
      ]
    )
    expect(commands.map((command) => command.env)).toEqual([
      { SIGSTORE_ID_TOKEN: token, COSIGN_EXPERIMENTAL: '1' },
      { SIGSTORE_ID_TOKEN: token },
      { SIGSTORE_ID_TOKEN: token }
    ])
    for (const command of commands) {
      expect(command.args.join(' ')).not.toContain(token)
      expect(formatCommand(command)).not.toContain(token)
    }
  })

  it('masks the token, and shows it nowhere else: no log line, summary or output', () => {
    const lines = printed.join('').split(os.EOL)
    // @actions/core masks what getIDToken returns, and the phase masks it again: the same command twice.
    const showing = lines.filter((line) => line.includes(token))
    expect(showing.length).toBeGreaterThan(0)
    expect(new Set(showing)).toEqual(new Set([`::add-mask::${token}`]))
    expect(JSON.stringify(log.entries)).not.toContain(token)
    expect(outcomes[0].signed?.summary).not.toContain(token)
    expect(JSON.stringify(outcomes[0].signed)).not.toContain(token)
  })

  it('names the reusable workflow from the token as the identity to verify', () => {
    expect(outcomes[0].signed?.signature).toBe(signature)
    expect(outcomes[0].signed?.summary).toContain(
      `cosign verify --certificate-identity https://github.com/${reusable} --certificate-oidc-issuer ${idTokens.issuer} --experimental-oci11 ${host}/shop/web@${digest}`
    )
  })
})

// The signing phase with `sign-key`: what it signs of a run's outcomes, the flags it gives cosign, and what it
// reports when cosign fails. cosign is played by a ScriptedRunner; the referrers API is a registry on loopback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import type { BuildResult } from '../../../src/build/build.js'
import type { ImagePlan } from '../../../src/build/plan.js'
import { CommandError } from '../../../src/errors.js'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import type { ImageOutcome } from '../../../src/outcome.js'
import type { ReleaseResult } from '../../../src/release/release.js'
import type { Command } from '../../../src/run/command.js'
import type { GateOutcome } from '../../../src/scan/gate.js'
import { signAll } from '../../../src/sign/phase.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const digest = `sha256:${'a'.repeat(64)}`
const signature = `sha256:${'b'.repeat(64)}`
const indexType = 'application/vnd.oci.image.index.v1+json'
const fixture = path.resolve('__tests__/fixtures/trivy/alpine-310.json.golden')
const pem = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9LCJjaXBoZXIiOnt9fQ==',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
].join('\n')
const publicKey =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'

let registry: Server
let host: string
/** Whether the registry has the OCI 1.1 referrers API (an empty index for every digest) or answers 404. */
let referrersApi = true

beforeAll(async () => {
  // The referrers API answering an empty index: nothing is signed yet.
  registry = createServer((_request, response) => {
    if (!referrersApi) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': indexType })
    response.end(JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [] }))
  })
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(registry.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve))
})

function setUp(inputs: Record<string, string> = {}) {
  const { workspace, runnerTemp } = makeWorkspace()
  const env = { AWS_REGION: 'us-east-1', RUNNER_TEMP: runnerTemp, GITHUB_REPOSITORY: 'octo-org/shop' }
  const config = configOf(
    workspace,
    {
      repository: 'shop/web',
      'skip-setup-cosign': 'true',
      'sign-key': pem,
      'sign-key-password': 'pw',
      ...inputs
    },
    env
  )
  const image = `${host}/shop/web`
  const now = new Date('2026-08-20T10:00:00Z')
  const outcome = (change: Partial<ImageOutcome>): ImageOutcome => ({
    plan: {
      spec: config.images[0],
      image,
      tags: [`${image}:main`],
      dir: path.join(runnerTemp, '0-web')
    } as unknown as ImagePlan,
    built: { metadata: {} } as unknown as BuildResult,
    gate: {
      scans: [{ platform: 'linux/amd64', reportPath: fixture, sarifPath: '', counts: {} }],
      scanner: 'Trivy 0.75.0',
      startedAt: now,
      finishedAt: now
    } as unknown as GateOutcome,
    ...change
  })
  const released: ReleaseResult = { digest, written: [`${image}:main`], failed: [] }
  return { config, env, image, outcome, released }
}

/** cosign as the runner runs it: `sign` says where it uploaded, `public-key` prints the key; `fail` makes one fail. */
function cosign(fail?: { verb: string; error: Error }) {
  return new ScriptedRunner({
    run: (command) => {
      if (fail && command.args[0] === fail.verb) return fail.error
      if (command.args[0] === 'sign')
        return {
          stderr: `Uploading signature for [${command.args.at(-1)}] to [${host}/shop/web@${signature}]\n`
        }
      return command.args[0] === 'public-key' ? { stdout: publicKey } : {}
    },
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
}

/** Signs one released image with these inputs; `runner` plays cosign and ECR. */
async function signOne(
  inputs: Record<string, string> = {},
  runner = cosign(),
  ecr?: EcrConnection
): Promise<{ signed: ImageOutcome; runner: ScriptedRunner }> {
  const { config, env, outcome, released } = setUp(inputs)
  const [signed] = await signAll({
    runner,
    probe: runner,
    log: new RecordingLog(),
    config,
    env,
    outcomes: [outcome({ release: released })],
    ...(ecr ? { ecr } : {})
  })
  return { signed, runner }
}

const cosignCommands = (runner: ScriptedRunner): Command[] =>
  runner.steps.flatMap((step) => ('run' in step ? [step.run] : []))

describe('signAll with sign-key', () => {
  it('signs only an image whose tags were written on a pushed digest; the others come back as they were', async () => {
    const { config, env, outcome, released, image } = setUp()
    const given = [
      outcome({ release: released }),
      outcome({ release: { digest, written: [], failed: [{ tag: `${image}:main`, error: 'denied' }] } }),
      outcome({ cleanup: 'The blocked image was deleted from ECR.' }),
      outcome({ heldBackBy: ['builder'] })
    ]
    const runner = cosign()
    const outcomes = await signAll({
      runner,
      probe: runner,
      log: new RecordingLog(),
      config,
      env,
      outcomes: given
    })
    expect(outcomes[0].signed?.signature).toBe(signature)
    expect(outcomes.slice(1)).toEqual(given.slice(1))
    expect(outcomes.slice(1).every((entry, at) => entry === given[at + 1])).toBe(true)
    const signing = cosignCommands(runner).filter((command) => command.args[0] !== 'public-key')
    expect(new Set(signing.map((command) => command.args.at(-1)))).toEqual(new Set([`${image}@${digest}`]))
  })

  it.each([
    ['without a push', { push: 'false' }],
    ["with 'sign: false'", { sign: 'false', 'sign-key': '', 'sign-key-password': '' }]
  ])('signs nothing %s', async (_name, inputs) => {
    const { config, env, outcome, released } = setUp(inputs)
    const given = [outcome({ release: released })]
    const runner = cosign()
    await expect(
      signAll({ runner, probe: runner, log: new RecordingLog(), config, env, outcomes: given })
    ).resolves.toBe(given)
    expect(runner.steps).toEqual([])
  })

  it('keeps the key and its password in the environment, and signs without Rekor with transparency-log: false', async () => {
    const { signed, runner } = await signOne({ 'transparency-log': 'false' })
    const [sign, ...rest] = cosignCommands(runner)
    expect(sign.args).toContain('--tlog-upload=false')
    expect(sign.env).toMatchObject({ COSIGN_PRIVATE_KEY: `${pem}\n`, COSIGN_PASSWORD: 'pw' })
    expect(rest.at(-1)?.args[0]).toBe('public-key')
    for (const command of [sign, ...rest]) expect(command.args.join(' ')).not.toContain('pw')
    expect(signed.signed?.summary).toContain(publicKey.trim())
    expect(signed.signed?.summary).toContain('--insecure-ignore-tlog=true')
  })

  it('uploads to Rekor by default', async () => {
    const { runner } = await signOne()
    expect(cosignCommands(runner)[0].args).not.toContain('--tlog-upload=false')
  })

  it('explains an IMMUTABLE repository’s refusal, and reports another cosign failure as it is', async () => {
    const { config, env, outcome, released, image } = setUp()
    const sign = async (error: Error) => {
      const runner = cosign({ verb: 'sign', error })
      const [result] = await signAll({
        runner,
        probe: runner,
        log: new RecordingLog(),
        config,
        env,
        outcomes: [outcome({ release: released })]
      })
      return result.signError
    }
    expect(
      await sign(
        new CommandError(
          '$ cosign sign',
          1,
          "ImageTagAlreadyExistsException: The image tag 'sha256-aaa.sig' already exists"
        )
      )
    ).toMatch(new RegExp(`^cosign could not store the signature or attestations of ${image}@${digest}: `))
    expect(await sign(new CommandError('$ cosign sign', 1, 'Error: signing: no route to host'))).toBe(
      '$ cosign sign failed with exit code 1:\nError: signing: no route to host'
    )
  })

  describe('on a registry without the referrers API (cosign’s tag scheme)', () => {
    const ecrWith = (tagMutability: 'MUTABLE' | 'IMMUTABLE') => ({
      authorizations: [],
      registry: host,
      repositories: new Map([
        ['shop/web', { name: 'shop/web', registryId: '123456789012', tagMutability, exists: true }]
      ])
    })
    beforeAll(() => {
      referrersApi = false
    })
    afterAll(() => {
      referrersApi = true
    })

    it('signs under cosign’s tags in a MUTABLE repository', async () => {
      const { signed, runner } = await signOne({ attest: '' }, cosign(), ecrWith('MUTABLE'))
      expect(signed.signError).toBeUndefined()
      expect(cosignCommands(runner)[0].args).not.toContain('--registry-referrers-mode=oci-1-1')
    })

    it('refuses, before cosign runs, to rewrite a signature tag of an IMMUTABLE repository', async () => {
      const { signed, runner } = await signOne({ attest: '' }, cosign(), ecrWith('IMMUTABLE'))
      expect(signed.signError).toMatch(
        new RegExp(
          `^${host}/shop/web@${digest} was signed before: its \\w+ tag sha256-a{64}\\.sig already exists in repository 'shop/web', whose tags are IMMUTABLE`
        )
      )
      expect(cosignCommands(runner)).toEqual([])
      const asked = runner.steps.flatMap((step) =>
        'ecr' in step ? [(step.ecr.input as { imageIds: Array<Record<string, string>> }).imageIds[0]] : []
      )
      expect(asked).toEqual([
        { imageDigest: digest },
        { imageTag: `sha256-${'a'.repeat(64)}.sig` },
        { imageTag: `sha256-${'a'.repeat(64)}.att` }
      ])
    })
  })

  it('in a dry run prints the signing with a placeholder key and reads nothing', async () => {
    const { config, env, outcome, released } = setUp()
    const runner = new ScriptedRunner({}, true)
    const probe = new ScriptedRunner()
    const [signed] = await signAll({
      runner,
      probe,
      log: new RecordingLog(),
      config,
      env,
      outcomes: [outcome({ release: released })]
    })
    expect(probe.steps).toEqual([])
    expect(signed.signed).toEqual({ attestations: {}, summary: expect.stringContaining('<public key>') })
    expect(cosignCommands(runner).map((command) => command.args[0])).toEqual(['sign', 'attest', 'attest'])
  })
})

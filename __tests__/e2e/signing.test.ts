// Signing what passed the gate, with a cosign key (keyless needs Fulcio and Rekor, which this machine cannot
// reach): the real cosign verifies the pushed digest and its vuln attestation; a blocked image has none.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'
import { scratchDir } from '../support/scratch.mjs'

const run = promisify(execFile)
const standIns = path.join(root, '__tests__/support/stand-ins')
const password = 'correct horse battery staple'

let stack: Stack
let keys: string

beforeAll(async () => {
  stack = await startStack([{ name: 'shop/signed' }, { name: 'shop/unsigned' }])
  keys = scratchDir('cosign-keys-')
  await run('cosign', ['generate-key-pair'], {
    cwd: keys,
    env: { ...process.env, COSIGN_PASSWORD: password }
  })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
})

function signedRun(repository: string, report: string) {
  return runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'skip-setup-cosign': 'true',
      'github-token': '',
      'sign-key': readFileSync(path.join(keys, 'cosign.key'), 'utf8'),
      'sign-key-password': password,
      'transparency-log': 'false'
    },
    env: { ...stack.env, PATH: `${standIns}:${stack.env.PATH}`, STANDIN_TRIVY_REPORT: report }
  })
}

/** cosign as a verifier runs it: with the registry login (the action's post step logged out), no log entry. */
function cosign(args: string[]) {
  stack.login()
  return run(
    'cosign',
    [
      ...args,
      '--key',
      path.join(keys, 'cosign.pub'),
      '--insecure-ignore-tlog=true',
      '--allow-insecure-registry'
    ],
    {
      env: { ...process.env, DOCKER_CONFIG: stack.dockerConfig }
    }
  )
}

describe('an image that passed the gate, with sign-key', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let reference: string

  beforeAll(async () => {
    result = await signedRun('shop/signed', 'alpine-310')
    reference = `${stack.host}/shop/signed@${result.outputs.digest}`
  }, 300_000)

  it('passes, and the pushed digest verifies with the public key', async () => {
    expect(result.main.stdout.split('\n').filter((line) => line.startsWith('::error'))).toEqual([])
    expect(result.main.code).toBe(0)
    const { stdout } = await cosign(['verify', reference])
    const [signature] = JSON.parse(stdout)
    expect(signature.critical.image['docker-manifest-digest']).toBe(result.outputs.digest)
  })

  it('carries the gate’s own result as a vuln attestation', async () => {
    const { stdout } = await cosign(['verify-attestation', '--type', 'vuln', reference])
    const statement = JSON.parse(
      Buffer.from(JSON.parse(stdout.trim().split('\n')[0]).payload, 'base64').toString()
    )
    expect(statement.predicateType).toBe('https://cosign.sigstore.dev/attestation/vuln/v1')
    const gate = statement.predicate.scanner.result.Gate
    expect(gate).toMatchObject({ Tool: 'ecr-build-push', Passed: true, Policy: { FailOn: 'CRITICAL' } })
    expect(gate.Counts).toEqual(JSON.parse(result.outputs.vulnerabilities))
  })

  it('says what was signed and how to verify it, and gives the signature and attestations as outputs', () => {
    expect(result.outputs.signature).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(Object.keys(JSON.parse(result.outputs.attestations)).sort()).toEqual(['provenance', 'vuln'])
    expect(result.summary).toContain(`cosign verify --key cosign.pub`)
    expect(result.summary).toContain(reference)
  })

  it('never shows the key or its password', () => {
    const key = readFileSync(path.join(keys, 'cosign.key'), 'utf8')
    const body = key.split('\n').filter((line) => line && !line.startsWith('-----'))
    const printed = [result.main.stdout, result.main.stderr, result.summary, JSON.stringify(result.outputs)]
      .join('\n')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const secret of [password, ...body]) expect(printed).not.toContain(secret)
    for (const args of stack.argvLog()) expect(args.join(' ')).not.toContain(password)
  })

  it('does not verify another digest', async () => {
    const other = `${stack.host}/shop/signed@sha256:${'0'.repeat(64)}`
    await expect(cosign(['verify', other])).rejects.toThrow()
  })
})

describe('a blocked image', () => {
  it('is not signed', async () => {
    const result = await signedRun('shop/unsigned', 'debian-buster')
    expect(result.main.code).toBe(1)
    expect(result.outputs.signature).toBeUndefined()
    expect(result.main.stdout).not.toMatch(/^\$ cosign /m)
    expect((await stack.client.tags('shop/unsigned')).filter((tag) => tag.startsWith('sha256-'))).toEqual([])
  }, 300_000)
})

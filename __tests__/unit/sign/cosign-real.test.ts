// The planned cosign commands run by the real cosign against a real registry: signing with a key pair,
// attesting the gate's vulnerability predicate, then verifying both, and failing to verify another digest.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  symlinkSync
} from 'node:fs'
import { createServer } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LiveRunner } from '../../../src/run/live.js'
import type { TrivyReport } from '../../../src/scan/trivy-report.js'
import {
  planSigning,
  planVerify,
  planVerifyAttestation,
  predicateTypes,
  type CosignOptions,
  type SignatureStorage,
  type VerifyOptions
} from '../../../src/sign/cosign.js'
import { keyCredentials } from '../../../src/sign/credentials.js'
import { writePredicate } from '../../../src/sign/files.js'
import { provenancePredicate, runFactsFromEnv } from '../../../src/sign/provenance.js'
import {
  attestationDigests,
  signatureDigest,
  signatureDigestFromLog,
  signatureTags,
  type ReferrerEntry
} from '../../../src/sign/referrers.js'
import { signingSubjects, type SigningSubject } from '../../../src/sign/subjects.js'
import { vulnPredicate } from '../../../src/sign/vuln.js'
import { RecordingLog } from '../doubles.js'

const works = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0
const missing = [
  ['cosign', ['version']],
  ['docker', ['info']],
  ['docker-registry', ['--version']]
]
  .filter(([tool, args]) => !works(tool as string, args as string[]))
  .map(([tool]) => tool)
const suite = missing.length === 0 ? describe : describe.skip
if (missing.length > 0) {
  console.warn(`Skipping the real cosign tests: ${missing.join(', ')} not available (CI installs them).`)
}

const fixture = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'fixtures',
  'trivy',
  'alpine-310.json.golden'
)
const password = 'a test password'
const run = new LiveRunner({ log: new RecordingLog(), region: '' })

let dir: string
let host: string
let registry: ChildProcess
const localTags: string[] = []

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

/** Pushes a one-file busybox image imported from a root filesystem; returns its digest in the registry. */
function pushImage(repository: string, tag: string): string {
  const root = path.join(dir, 'rootfs', repository, tag)
  mkdirSync(path.join(root, 'bin'), { recursive: true })
  mkdirSync(path.join(root, 'etc'), { recursive: true })
  copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'))
  symlinkSync('busybox', path.join(root, 'bin', 'sh'))
  writeFileSync(
    path.join(root, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'
  )
  writeFileSync(path.join(root, 'etc', 'image'), `${tag} ${Date.now()} ${Math.random()}\n`)
  const reference = `${host}/${repository}:${tag}`
  const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 })
  execFileSync('docker', ['import', '-', reference], { input: tar, stdio: ['pipe', 'ignore', 'pipe'] })
  localTags.push(reference)
  const pushed = execFileSync('docker', ['push', reference], { encoding: 'utf8' })
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1]
  if (!digest) throw new Error(`no digest in docker push output:\n${pushed}`)
  return digest
}

async function get(pathname: string, accept: string): Promise<unknown> {
  const response = await fetch(`http://${host}/v2/${pathname}`, { headers: { accept } })
  return response.status === 200 ? response.json() : undefined
}

/** The digest's referrers as a registry without the referrers API keeps them (OCI's `sha256-<hex>` tag index). */
async function referrersOf(repository: string, digest: string): Promise<ReferrerEntry[]> {
  const index = (await get(
    `${repository}/manifests/${digest.replace(':', '-')}`,
    'application/vnd.oci.image.index.v1+json'
  )) as { manifests: Array<{ digest: string; artifactType?: string }> } | undefined
  return Promise.all(
    (index?.manifests ?? []).map(async (entry) => {
      const manifest = (await get(
        `${repository}/manifests/${entry.digest}`,
        'application/vnd.oci.image.manifest.v1+json'
      )) as {
        artifactType?: string
        annotations?: Record<string, string>
      }
      return {
        digest: entry.digest,
        artifactType: manifest.artifactType ?? entry.artifactType,
        annotations: manifest.annotations
      }
    })
  )
}

/** An in-toto statement as `cosign verify-attestation` prints it (base64 in a DSSE envelope, one per line). */
interface Statement {
  predicateType: string
  subject: Array<{ digest: { sha256: string } }>
  predicate: {
    scanner?: { uri: string; result: TrivyReport & { Gate: { Passed: boolean } } }
    buildDefinition?: { resolvedDependencies: Array<{ digest: { gitCommit: string } }> }
  }
}

function payloadsOf(stdout: string): Statement[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')) as Statement)
}

suite(`the planned cosign commands, run by the real cosign against a local registry`, () => {
  let signed: string
  let unsigned: string
  let tagsSigned: string
  let signLog = ''
  const keyOptions = (storage: SignatureStorage): CosignOptions => ({
    cosign: 'cosign',
    credentials: keyCredentials(
      readFileSync(path.join(dir, 'cosign.key'), 'utf8'),
      password,
      () => undefined
    ),
    storage,
    transparencyLog: false,
    allowInsecureRegistry: true
  })
  const verifyOptions = (storage: SignatureStorage): VerifyOptions => ({
    verifier: { publicKeyFile: path.join(dir, 'cosign.pub') },
    storage,
    transparencyLog: false,
    trustedRoot: path.join(dir, 'trusted-root.json'),
    allowInsecureRegistry: true
  })

  async function signWithAttestations(subject: SigningSubject, storage: SignatureStorage): Promise<string> {
    const report = JSON.parse(readFileSync(fixture, 'utf8')) as TrivyReport
    const runFacts = runFactsFromEnv({
      GITHUB_REPOSITORY: 'octo-org/shop',
      GITHUB_WORKFLOW_REF: 'octo-org/shop/.github/workflows/images.yml@refs/heads/main',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: '4f2c9ab1e0d6c8b7a5f4e3d2c1b0a9f8e7d6c5b4',
      GITHUB_RUN_ID: '8812'
    })
    const vuln = vulnPredicate({
      reports: [{ report }],
      artifactName: subject.reference,
      policy: {
        failOn: 'CRITICAL',
        severities: ['CRITICAL', 'HIGH', 'MEDIUM'],
        ignoreUnfixed: false,
        scanners: ['vuln'],
        pkgTypes: ['os']
      },
      passed: true,
      trivyVersion: '0.75.0',
      parameters: ['image', '--format', 'json'],
      run: runFacts,
      scanStartedOn: new Date('2026-08-20T10:00:00Z'),
      scanFinishedOn: new Date('2026-08-20T10:00:42Z')
    })
    const provenance = provenancePredicate({ run: runFacts, inputs: { target: 'production' } })
    const predicates = path.join(dir, 'predicates', storage)
    const commands = planSigning({
      ...keyOptions(storage),
      subjects: [
        {
          subject,
          attestations: [
            await writePredicate(predicates, subject, provenance.type, provenance.predicate),
            await writePredicate(predicates, subject, 'vuln', vuln)
          ]
        }
      ]
    })
    let log = ''
    for (const command of commands) log += (await run.run(command)).stderr
    return log
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cosign-real-test-'))
    host = `127.0.0.1:${await freePort()}`
    writeFileSync(
      path.join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log: { level: error }',
        `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} }, delete: { enabled: true } }`,
        `http: { addr: ${host} }`
      ].join('\n')
    )
    registry = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' })
    for (let attempt = 0; attempt < 50; attempt++) {
      const up = await fetch(`http://${host}/v2/`).then(
        (response) => response.ok,
        () => false
      )
      if (up) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    execFileSync('cosign', ['generate-key-pair'], {
      cwd: dir,
      env: { ...process.env, COSIGN_PASSWORD: password },
      stdio: 'ignore'
    })
    execFileSync('cosign', ['trusted-root', 'create', '--out', path.join(dir, 'trusted-root.json')], {
      stdio: 'ignore'
    })
    signed = pushImage('sign-test/app', 'signed')
    unsigned = pushImage('sign-test/app', 'unsigned')
    tagsSigned = pushImage('sign-test/legacy', 'signed')
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    signLog = await signWithAttestations(signingSubjects(`${host}/sign-test/app`, signed)[0], 'referrers')
    await signWithAttestations(signingSubjects(`${host}/sign-test/legacy`, tagsSigned)[0], 'tags')
    jest.restoreAllMocks()
  }, 120_000)

  afterAll(() => {
    registry?.kill()
    for (const tag of localTags) spawnSync('docker', ['rmi', tag], { stdio: 'ignore' })
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('verifies the signed digest with the public key', async () => {
    const result = await run.run(planVerify(`${host}/sign-test/app@${signed}`, verifyOptions('referrers')))
    const [claim] = JSON.parse(result.stdout) as Array<{
      critical: { image: { 'docker-manifest-digest': string } }
    }>
    expect(claim.critical.image['docker-manifest-digest']).toBe(signed)
  }, 60_000)

  it('verifies the vuln attestation, which carries the gate’s findings and decision', async () => {
    const result = await run.run(
      planVerifyAttestation(`${host}/sign-test/app@${signed}`, 'vuln', verifyOptions('referrers'))
    )
    const [statement] = payloadsOf(result.stdout)
    expect(statement.predicateType).toBe(predicateTypes.vuln)
    expect(statement.subject[0].digest.sha256).toBe(signed.replace('sha256:', ''))
    const report = JSON.parse(readFileSync(fixture, 'utf8')) as TrivyReport
    const expected = report.Results.flatMap((entry) => entry.Vulnerabilities ?? []).map(
      (entry) => entry.VulnerabilityID
    )
    const carried = (statement.predicate.scanner?.result.Results ?? [])
      .flatMap((entry) => entry.Vulnerabilities ?? [])
      .map((entry) => entry.VulnerabilityID)
    expect(carried).toEqual(expected)
    expect(carried.length).toBe(4)
    expect(statement.predicate.scanner?.result.Gate).toMatchObject({ Passed: true, Counts: { medium: 4 } })
    expect(statement.predicate.scanner?.uri).toBe('pkg:github/aquasecurity/trivy@0.75.0')
  }, 60_000)

  it('verifies the provenance attestation', async () => {
    const result = await run.run(
      planVerifyAttestation(`${host}/sign-test/app@${signed}`, 'slsaprovenance1', verifyOptions('referrers'))
    )
    const [statement] = payloadsOf(result.stdout)
    expect(statement.predicateType).toBe(predicateTypes.slsaprovenance1)
    expect(statement.predicate.buildDefinition?.resolvedDependencies[0].digest.gitCommit).toBe(
      '4f2c9ab1e0d6c8b7a5f4e3d2c1b0a9f8e7d6c5b4'
    )
  }, 60_000)

  it('fails to verify another digest of the same repository', async () => {
    for (const command of [
      planVerify(`${host}/sign-test/app@${unsigned}`, verifyOptions('referrers')),
      planVerifyAttestation(`${host}/sign-test/app@${unsigned}`, 'vuln', verifyOptions('referrers'))
    ]) {
      const result = await run.run(command, { allowFailure: true })
      expect(result.exitCode).not.toBe(0)
    }
  }, 60_000)

  it('stores both as referrers of the digest, and finds their digests for the outputs', async () => {
    const entries = await referrersOf('sign-test/app', signed)
    const signature = signatureDigest(entries)
    expect(signature).toBe(signatureDigestFromLog(signLog))
    expect(Object.keys(attestationDigests(entries)).sort()).toEqual(['provenance', 'vuln'])
    const tags = ((await get('sign-test/app/tags/list', 'application/json')) as { tags: string[] }).tags
    expect(tags).not.toContain(signatureTags(signed).signature)
  }, 60_000)

  it('uses cosign’s tag scheme for a registry without referrers, and verifies that way too', async () => {
    const tags = ((await get('sign-test/legacy/tags/list', 'application/json')) as { tags: string[] }).tags
    expect(tags).toEqual(
      expect.arrayContaining([signatureTags(tagsSigned).signature, signatureTags(tagsSigned).attestations])
    )
    await run.run(planVerify(`${host}/sign-test/legacy@${tagsSigned}`, verifyOptions('tags')))
    const result = await run.run(
      planVerifyAttestation(`${host}/sign-test/legacy@${tagsSigned}`, 'vuln', verifyOptions('tags'))
    )
    expect(payloadsOf(result.stdout)[0].predicate.scanner?.result.Gate.Passed).toBe(true)
  }, 60_000)
})

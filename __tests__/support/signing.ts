// What the signing e2e tests share: a cosign key pair, the real cosign as a verifier runs it, the referrers a
// registry lists for a digest, and statements out of `cosign verify-attestation`.
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { scratchDir } from './scratch.mjs'
import { pushToMain, type Stack } from './stack.js'

const run = promisify(execFile)

/**
 * The example push, its payload carrying the commit's time as GitHub's push events do: with 'created: commit'
 * (the default) the image's timestamps come from it, so the same commit rebuilt gives the same digest.
 */
export const pushWithCommitTime = {
  ...pushToMain,
  payload: {
    ...pushToMain.payload,
    head_commit: { id: pushToMain.github.GITHUB_SHA, timestamp: '2026-08-20T10:00:00Z' }
  }
}

export interface Keys {
  dir: string
  /** cosign.key, PEM, for `sign-key`. */
  privateKey: string
  password: string
  /** An empty Sigstore trusted root: verifying a bundle offline needs one (cosign fetches the public one otherwise). */
  trustedRoot: string
}

/** `cosign generate-key-pair` (cosign.key, cosign.pub) and a trusted root, in a fresh directory. */
export async function generateKeys(): Promise<Keys> {
  const dir = scratchDir('cosign-keys-')
  const password = randomBytes(12).toString('base64url')
  const trustedRoot = path.join(dir, 'trusted-root.json')
  await run('cosign', ['generate-key-pair'], { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: password } })
  await run('cosign', ['trusted-root', 'create', '--out', trustedRoot])
  return { dir, privateKey: readFileSync(path.join(dir, 'cosign.key'), 'utf8'), password, trustedRoot }
}

/**
 * The real cosign, as a verifier runs it: in the key pair's directory (so `--key cosign.pub` as the summary
 * prints it works), logged in to the stack's registry. Adds `--key cosign.pub --insecure-ignore-tlog=true`
 * when `args` have no `--key`, and the offline trusted root for a bundle.
 */
export async function cosignIn(stack: Stack, keys: Keys, args: string[]) {
  const full = [...args]
  if (!full.includes('--key')) full.splice(1, 0, '--key', 'cosign.pub', '--insecure-ignore-tlog=true')
  if (
    full[0] === 'verify-attestation' &&
    full.includes('--new-bundle-format') &&
    !full.includes('--trusted-root')
  )
    full.splice(1, 0, '--trusted-root', keys.trustedRoot)
  stack.login()
  return run('cosign', full, {
    cwd: keys.dir,
    env: { ...process.env, DOCKER_CONFIG: stack.dockerConfig },
    maxBuffer: 64 * 1024 * 1024
  })
}

/** An in-toto statement, as `cosign verify-attestation` prints it (a DSSE envelope per line, payload base64). */
export interface Statement {
  _type: string
  predicateType: string
  subject: Array<{ name: string; digest: { sha256: string } }>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  predicate: any
}

export function statements(stdout: string): Statement[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')) as Statement)
}

/** The `cosign …` lines of the job summary's verify block, as argument lists (without `cosign`). */
export function summaryVerifyCommands(summary: string): string[][] {
  return [...summary.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((block) => block[1].split('\n'))
    .filter((line) => line.startsWith('cosign '))
    .map((line) => line.split(' ').slice(1))
}

/** One entry of `GET /v2/<name>/referrers/<digest>`. */
export interface Referrer {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
}

function authorization(stack: Stack): string {
  return 'Basic ' + Buffer.from(`AWS:${stack.password}`).toString('base64')
}

/** What the registry the action was handed lists as referrers of a digest (the stack's proxy's API). */
export async function referrersOf(stack: Stack, repository: string, digest: string): Promise<Referrer[]> {
  const response = await fetch(`http://${stack.host}/v2/${repository}/referrers/${digest}`, {
    headers: { authorization: authorization(stack), accept: 'application/vnd.oci.image.index.v1+json' }
  })
  if (response.status !== 200) throw new Error(`referrers of ${digest}: HTTP ${response.status}`)
  return ((await response.json()) as { manifests: Referrer[] }).manifests
}

async function pushBlob(stack: Stack, repository: string, bytes: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  const start = await fetch(`http://${stack.host}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: authorization(stack) }
  })
  await start.arrayBuffer()
  const location = new URL(String(start.headers.get('location')), `http://${stack.host}`)
  location.searchParams.set('digest', digest)
  const done = await fetch(location, {
    method: 'PUT',
    headers: { authorization: authorization(stack), 'content-type': 'application/octet-stream' },
    body: bytes
  })
  await done.arrayBuffer()
  if (done.status !== 201) throw new Error(`blob upload: HTTP ${done.status}`)
  return digest
}

/**
 * `count` artifacts referring to `subject`, as other tools (or earlier signings) leave them: each a small OCI
 * manifest with its own annotation, pushed through the registry the action uses.
 */
export async function putReferrers(
  stack: Stack,
  repository: string,
  subject: string,
  count: number
): Promise<void> {
  const config = Buffer.from('{}')
  const layer = Buffer.from('a note about the image\n')
  const [configDigest, layerDigest] = await Promise.all([
    pushBlob(stack, repository, config),
    pushBlob(stack, repository, layer)
  ])
  const subjectManifest = await fetch(`http://${stack.host}/v2/${repository}/manifests/${subject}`, {
    method: 'HEAD',
    headers: {
      authorization: authorization(stack),
      accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json'
    }
  })
  const subjectDescriptor = {
    mediaType: String(subjectManifest.headers.get('content-type')),
    digest: subject,
    size: Number(subjectManifest.headers.get('content-length'))
  }
  for (let index = 0; index < count; index++) {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.note.v1',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'text/plain', digest: layerDigest, size: layer.length }],
      subject: subjectDescriptor,
      annotations: { 'example.note': String(index) }
    })
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`
    const response = await fetch(`http://${stack.host}/v2/${repository}/manifests/${digest}`, {
      method: 'PUT',
      headers: {
        authorization: authorization(stack),
        'content-type': 'application/vnd.oci.image.manifest.v1+json'
      },
      body
    })
    await response.arrayBuffer()
    if (response.status !== 201) throw new Error(`referrer ${index}: HTTP ${response.status}`)
  }
}

// The registry proxy's ECR-like side, over the real distribution 2.8 registry: the OCI 1.1 referrers API (on,
// as ECR has it; off, as distribution 2.8 has none), checked with hand-made manifests and with the real cosign,
// and IMMUTABLE tags refused with ECR's error.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { registryClient, startRegistry } from './local-stack.mjs'
import { scratchDir } from './scratch.mjs'
import { startRegistryProxy, type RegistryProxy } from './stand-ins/registry-proxy.mjs'

const exec = promisify(execFile)
const password = randomBytes(12).toString('hex')
const authorization = 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64')
const indexType = 'application/vnd.oci.image.index.v1+json'
const manifestType = 'application/vnd.oci.image.manifest.v1+json'
const emptyType = 'application/vnd.oci.empty.v1+json'
const dockerType = 'application/vnd.docker.distribution.manifest.v2+json'

let registry: Awaited<ReturnType<typeof startRegistry>>
let proxy: RegistryProxy
let keys: string

beforeAll(async () => {
  registry = await startRegistry({ password })
  proxy = await startRegistryProxy({ upstream: registry.host, referrers: true })
  keys = scratchDir('referrers-keys-')
  await exec('cosign', ['generate-key-pair'], { cwd: keys, env: { ...process.env, COSIGN_PASSWORD: '' } })
}, 60_000)

afterAll(async () => {
  await registry?.stop()
  await proxy?.close()
})

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

async function pushBlob(repository: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes)
  const start = await fetch(`${proxy.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization }
  })
  await start.arrayBuffer()
  const location = new URL(String(start.headers.get('location')), proxy.url)
  location.searchParams.set('digest', digest)
  const done = await fetch(location, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: bytes
  })
  await done.arrayBuffer()
  if (done.status !== 201) throw new Error(`blob upload answered ${done.status}`)
  return digest
}

/** PUTs an OCI manifest (an empty config, one random layer) through the proxy; `extra` adds fields. */
async function putManifest(
  repository: string,
  reference: string | undefined,
  extra: object = {},
  mediaType = manifestType
) {
  const config = Buffer.from('{}')
  const layer = randomBytes(64)
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: mediaType === manifestType ? emptyType : 'application/vnd.docker.container.image.v1+json',
        digest: await pushBlob(repository, config),
        size: config.length
      },
      layers: [
        {
          mediaType: 'application/octet-stream',
          digest: await pushBlob(repository, layer),
          size: layer.length
        }
      ],
      ...extra
    })
  )
  const digest = digestOf(body)
  const response = await fetch(`${proxy.url}/v2/${repository}/manifests/${reference ?? digest}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': mediaType },
    body
  })
  return { response, text: await response.text(), digest, size: body.length, body }
}

async function listReferrers(
  repository: string,
  digest: string,
  query = '',
  headers: Record<string, string> = { authorization }
) {
  const response = await fetch(`${proxy.url}/v2/${repository}/referrers/${digest}${query}`, { headers })
  return { response, text: await response.text() }
}

describe('the referrers API on, as ECR has it', () => {
  let subject: string

  beforeAll(async () => {
    subject = (await putManifest('refs/app', 'one')).digest
  })

  it('answers a manifest with a subject with OCI-Subject, and lists it with its artifactType and annotations', async () => {
    const annotations = { 'org.opencontainers.image.created': '2026-08-20T10:00:00Z' }
    const signature = await putManifest('refs/app', undefined, {
      artifactType: 'application/example.signature',
      subject: { mediaType: manifestType, digest: subject, size: 1 },
      annotations
    })
    expect(signature.response.status).toBe(201)
    expect(signature.response.headers.get('oci-subject')).toBe(subject)
    // Without an artifactType, the config's media type is the descriptor's (distribution spec).
    const sbom = await putManifest('refs/app', undefined, {
      subject: { mediaType: manifestType, digest: subject, size: 1 }
    })
    const { response, text } = await listReferrers('refs/app', subject)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(indexType)
    expect(JSON.parse(text)).toEqual({
      schemaVersion: 2,
      mediaType: indexType,
      manifests: [
        {
          mediaType: manifestType,
          digest: signature.digest,
          size: signature.size,
          artifactType: 'application/example.signature',
          annotations
        },
        { mediaType: manifestType, digest: sbom.digest, size: sbom.size, artifactType: emptyType }
      ]
    })
    const filtered = await listReferrers(
      'refs/app',
      subject,
      `?artifactType=${encodeURIComponent('application/example.signature')}`
    )
    expect(filtered.response.headers.get('oci-filters-applied')).toBe('artifactType')
    expect(JSON.parse(filtered.text).manifests.map((entry: { digest: string }) => entry.digest)).toEqual([
      signature.digest
    ])
  })

  it('answers a digest nothing refers to with an empty index, and stops listing a deleted referrer', async () => {
    const other = (await putManifest('refs/app', 'two')).digest
    expect(JSON.parse((await listReferrers('refs/app', other)).text).manifests).toEqual([])
    const referrer = await putManifest('refs/app', undefined, {
      subject: { mediaType: manifestType, digest: other, size: 1 }
    })
    expect(JSON.parse((await listReferrers('refs/app', other)).text).manifests).toHaveLength(1)
    const deleted = await fetch(`http://${registry.host}/v2/refs/app/manifests/${referrer.digest}`, {
      method: 'DELETE',
      headers: { authorization }
    })
    expect(deleted.status).toBe(202)
    expect(JSON.parse((await listReferrers('refs/app', other)).text).manifests).toEqual([])
  })

  it('leaves the registry to refuse a client without credentials, and refuses a malformed digest', async () => {
    const anonymous = await listReferrers('refs/app', subject, '', {})
    expect(anonymous.response.status).toBe(401)
    expect(anonymous.response.headers.get('www-authenticate')).toBe('Basic realm="local"')
    const malformed = await listReferrers('refs/app', 'sha256:abc')
    expect(malformed.response.status).toBe(400)
    expect(JSON.parse(malformed.text).errors[0].code).toBe('DIGEST_INVALID')
  })

  it('gets the real cosign’s OCI 1.1 signature as a referrer, with no fallback tag, and cosign verifies it', async () => {
    const dir = scratchDir('referrers-cosign-')
    const env = { ...process.env, DOCKER_CONFIG: dir, COSIGN_PASSWORD: '' }
    execFileSync('docker', ['login', '-u', 'AWS', '--password-stdin', proxy.host], {
      input: password,
      env,
      stdio: ['pipe', 'ignore', 'ignore']
    })
    const signed = (await putManifest('refs/cosign', 'one')).digest
    const reference = `${proxy.host}/refs/cosign@${signed}`
    const before = proxy.requests.length
    const { stderr } = await exec(
      'cosign',
      [
        'sign',
        '--yes',
        '--key',
        path.join(keys, 'cosign.key'),
        '--tlog-upload=false',
        '--allow-insecure-registry',
        '--registry-referrers-mode=oci-1-1',
        reference
      ],
      { env: { ...env, COSIGN_EXPERIMENTAL: '1' } }
    )
    const uploaded = /to \[[^\]@]+@(sha256:[0-9a-f]{64})\]/.exec(stderr)?.[1]
    const listed = JSON.parse((await listReferrers('refs/cosign', signed)).text).manifests
    expect(listed).toEqual([
      {
        mediaType: manifestType,
        digest: uploaded,
        size: expect.any(Number),
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json'
      }
    ])
    // cosign asked the referrers API and, seeing it, wrote neither its .sig tag nor OCI's fallback tag.
    const puts = proxy.requests.slice(before).filter((request) => request.method === 'PUT')
    expect(puts.filter((request) => request.path.includes('/manifests/'))).toEqual([
      expect.objectContaining({ path: `/v2/refs/cosign/manifests/${uploaded}`, status: 201 })
    ])
    expect(await registryClient(registry.host, 'AWS', password).tags('refs/cosign')).toEqual(['one'])
    const { stdout } = await exec(
      'cosign',
      [
        'verify',
        '--key',
        path.join(keys, 'cosign.pub'),
        '--insecure-ignore-tlog=true',
        '--allow-insecure-registry',
        '--experimental-oci11',
        reference
      ],
      { env }
    )
    expect(JSON.parse(stdout)[0].critical.image['docker-manifest-digest']).toBe(signed)
  }, 60_000)
})

describe('the referrers API off, as distribution 2.8 has it', () => {
  afterAll(() => proxy.referrers(true))

  it('forwards the listing to the registry, which has no such route, and answers a subject with no OCI-Subject', async () => {
    proxy.referrers(false)
    const subject = (await putManifest('refs/plain', 'one')).digest
    const referrer = await putManifest('refs/plain', undefined, {
      subject: { mediaType: manifestType, digest: subject, size: 1 }
    })
    // distribution 2.8 stores a manifest with a subject as it is: it neither refuses nor indexes it.
    expect(referrer.response.status).toBe(201)
    expect(referrer.response.headers.get('oci-subject')).toBeNull()
    const { response, text } = await listReferrers('refs/plain', subject)
    expect([response.status, text]).toEqual([404, '404 page not found\n'])
    proxy.referrers(true)
    // Only what was pushed while the API was on is listed, as a registry that indexes subjects on push.
    expect(JSON.parse((await listReferrers('refs/plain', subject)).text).manifests).toEqual([])
  })
})

describe('IMMUTABLE tags, as ECR keeps them', () => {
  it('refuses to move an existing tag with ECR’s TAG_INVALID error, allows a new tag and the same bytes', async () => {
    proxy.tagMutability('refs/locked', 'IMMUTABLE')
    const first = await putManifest('refs/locked', 'v1')
    expect(first.response.status).toBe(201)
    const moved = await putManifest('refs/locked', 'v1')
    expect(moved.response.status).toBe(400)
    expect(JSON.parse(moved.text)).toEqual({
      errors: [
        {
          code: 'TAG_INVALID',
          message:
            "The image tag 'v1' already exists in the 'refs/locked' repository and cannot be overwritten because the repository is immutable."
        }
      ]
    })
    const client = registryClient(registry.host, 'AWS', password)
    expect((await client.manifest('refs/locked', 'v1'))?.digest).toBe(first.digest)
    const bytes = await fetch(`${proxy.url}/v2/refs/locked/manifests/v1`, {
      headers: { authorization, accept: manifestType }
    }).then((response) => response.arrayBuffer())
    const again = await fetch(`${proxy.url}/v2/refs/locked/manifests/v1`, {
      method: 'PUT',
      headers: { authorization, 'content-type': manifestType },
      body: Buffer.from(bytes)
    })
    expect(again.status).toBe(201)
    expect((await putManifest('refs/locked', 'v2')).response.status).toBe(201)
    // A Docker manifest pushed again as it is (docker push of an image already there) passes too.
    const docker = await putManifest('refs/locked', 'docker', {}, dockerType)
    expect(docker.response.status).toBe(201)
    const repeated = await fetch(`${proxy.url}/v2/refs/locked/manifests/docker`, {
      method: 'PUT',
      headers: { authorization, 'content-type': dockerType },
      body: docker.body
    })
    expect(repeated.status).toBe(201)
    // Pushes by digest never collide.
    expect((await putManifest('refs/locked', undefined)).response.status).toBe(201)
    proxy.tagMutability('refs/locked', 'MUTABLE')
    expect((await putManifest('refs/locked', 'v1')).response.status).toBe(201)
  })
})

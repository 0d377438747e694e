import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { ensureDocker, registryClient, startRegistry, type DockerDaemon } from './local-stack.mjs'
import { startRegistryProxy, type RegistryProxy } from './stand-ins/registry-proxy.mjs'
import { scratchDir } from './scratch.mjs'

const exec = promisify(execFile)
let daemon: DockerDaemon
let registry: Awaited<ReturnType<typeof startRegistry>>
let proxy: RegistryProxy
let env: NodeJS.ProcessEnv
const password = randomBytes(12).toString('hex')
const authorization = 'Basic ' + Buffer.from(`AWS:${password}`).toString('base64')

beforeAll(async () => {
  daemon = await ensureDocker()
  registry = await startRegistry({ password })
  proxy = await startRegistryProxy({ upstream: registry.host })
  env = {
    ...process.env,
    DOCKER_HOST: daemon.host,
    DOCKER_CONFIG: scratchDir('proxy-config-')
  }
  // Synchronous on purpose: the proxy serves from its own thread while this one blocks.
  execFileSync('docker', ['login', '--username', 'AWS', '--password-stdin', proxy.host], {
    input: password,
    env,
    stdio: ['pipe', 'ignore', 'ignore']
  })
}, 60_000)

const imported: string[] = []

afterAll(async () => {
  // Best effort: the images were only there to be pushed.
  if (imported.length) spawnSync('docker', ['rmi', ...imported], { env, stdio: 'ignore' })
  registry?.stop()
  await proxy?.close()
})

/** A fresh one-layer image (random content, so no blob is in the registry yet) tagged for the proxy. */
function freshImage(repository: string, tag: string): string {
  const dir = scratchDir('layer-')
  writeFileSync(path.join(dir, 'payload'), randomBytes(256 * 1024))
  const tar = execFileSync('tar', ['-C', dir, '-c', 'payload'])
  const reference = `${proxy.host}/${repository}:${tag}`
  execFileSync('docker', ['import', '-', reference], { input: tar, env, stdio: ['pipe', 'ignore', 'pipe'] })
  imported.push(reference)
  return reference
}

const push = (reference: string) =>
  exec('docker', ['push', reference], { env }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: error.stdout + error.stderr
    })
  )

describe('forwarding', () => {
  it('carries docker login and a real docker push, uploads included, and the registry gets the image', async () => {
    const before = proxy.requests.length
    const reference = freshImage('proxied/app', 'one')
    const result = await push(reference)
    expect(result.code).toBe(0)
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(result.output)?.[1]
    const client = registryClient(registry.host, 'AWS', password)
    expect((await client.manifest('proxied/app', 'one'))?.digest).toBe(digest)
    const seen = proxy.requests.slice(before)
    // The registry answers uploads with a Location on its own host; the rewrite keeps them on the proxy.
    const uploads = seen.filter((item) => /^\/v2\/proxied\/app\/blobs\/uploads\/[^/?]+/.test(item.path))
    expect(uploads.map((item) => item.method)).toEqual(expect.arrayContaining(['PATCH', 'PUT']))
    expect(uploads.every((item) => item.status === 202 || item.status === 201)).toBe(true)
    expect(seen.find((item) => item.method === 'PATCH')?.bytesIn).toBeGreaterThan(1000)
    expect(seen).toContainEqual(
      expect.objectContaining({
        method: 'PUT',
        path: '/v2/proxied/app/manifests/one',
        status: 201,
        authorized: true
      })
    )
  }, 60_000)

  it('streams a chunked upload (no content-length) and rewrites the Location it answers with', async () => {
    const start = await fetch(`${proxy.url}/v2/proxied/chunked/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization }
    })
    expect(start.status).toBe(202)
    const location = String(start.headers.get('location'))
    expect(location.startsWith(`http://${proxy.host}/v2/proxied/chunked/blobs/uploads/`)).toBe(true)
    const blob = randomBytes(300 * 1024)
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`
    const chunks = [blob.subarray(0, 100_000), blob.subarray(100_000, 200_000), blob.subarray(200_000)]
    const patched = await fetch(location, {
      method: 'PATCH',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(Readable.from(chunks)) as ReadableStream,
      duplex: 'half'
    } as RequestInit)
    expect(patched.status).toBe(202)
    const next = new URL(String(patched.headers.get('location')))
    expect(next.host).toBe(proxy.host)
    next.searchParams.set('digest', digest)
    const committed = await fetch(next, { method: 'PUT', headers: { authorization } })
    expect(committed.status).toBe(201)
    const stored = await fetch(`http://${registry.host}/v2/proxied/chunked/blobs/${digest}`, {
      headers: { authorization }
    })
    expect(Buffer.from(await stored.arrayBuffer()).equals(blob)).toBe(true)
  })

  it('answers a TLS hello with a plain-HTTP 400, which is what makes clients fall back to http', async () => {
    const [hostname, port] = proxy.host.split(':')
    const answer = await new Promise<string>((resolve, reject) => {
      let received = ''
      const socket = connect(Number(port), hostname, () => {
        // The first bytes of a TLS ClientHello record.
        socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]))
      })
      socket.on('data', (chunk) => (received += chunk))
      socket.on('close', () => resolve(received))
      socket.on('error', reject)
    })
    expect(answer.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true)
  })

  it('carries buildx imagetools, which talks to the registry from the CLI', async () => {
    const before = proxy.requests.length
    const { stdout } = await exec(
      'docker',
      ['buildx', 'imagetools', 'inspect', '--raw', `${proxy.host}/proxied/app:one`],
      {
        env
      }
    )
    expect(JSON.parse(stdout).mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    expect(proxy.requests.slice(before)).toContainEqual(
      expect.objectContaining({ path: '/v2/proxied/app/manifests/one', status: 200, authorized: true })
    )
  })
})

describe('faults', () => {
  it('resets a blob upload mid-request once: docker push retries and succeeds', async () => {
    const reference = freshImage('proxied/flaky', 'one')
    const before = proxy.requests.length
    const fault = proxy.fail({ method: 'PATCH', path: /\/blobs\/uploads\//, reset: 'request' })
    const result = await push(reference)
    expect(result.code).toBe(0)
    expect(result.output).toContain('Retrying in')
    expect(fault.fired).toBe(1)
    expect(fault.done).toBe(true)
    const patches = proxy.requests.slice(before).filter((item) => item.method === 'PATCH')
    expect(patches[0].fault).toBe('reset')
    expect(patches[0].status).toBeUndefined()
    expect(patches.at(-1)).toMatchObject({ status: 202 })
    expect(await registryClient(registry.host, 'AWS', password).tags('proxied/flaky')).toEqual(['one'])
  }, 120_000)

  it('fails every manifest put with 500: docker push fails and no tag exists', async () => {
    const reference = freshImage('proxied/broken', 'one')
    const fault = proxy.fail({ method: 'PUT', path: /\/manifests\//, status: 500, times: 100 })
    try {
      const result = await push(reference)
      expect(result.code).not.toBe(0)
      expect(result.output).toContain('500 Internal Server Error')
      expect(fault.fired).toBeGreaterThanOrEqual(1)
      expect(await registryClient(registry.host, 'AWS', password).tags('proxied/broken')).toEqual([])
    } finally {
      proxy.clear()
    }
  }, 60_000)

  it('fails only the n-th match, with the status and Retry-After asked for', async () => {
    const fault = proxy.fail({
      method: 'GET',
      path: /^\/v2\/$/,
      nth: 2,
      times: 2,
      status: 429,
      retryAfter: 3
    })
    const statuses = []
    for (let index = 0; index < 4; index++) {
      const response = await fetch(`${proxy.url}/v2/`, { headers: { authorization } })
      statuses.push(response.status)
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBe('3')
        const body = (await response.json()) as { errors: Array<{ code: string }> }
        expect(body.errors[0].code).toBe('TOOMANYREQUESTS')
      } else {
        await response.arrayBuffer()
      }
    }
    expect(statuses).toEqual([200, 429, 429, 200])
    expect(fault.seen).toBe(4)
    expect(fault.fired).toBe(2)
  })

  it.each([
    [502, 'text/html'],
    [503, 'application/json; charset=utf-8'],
    [500, 'application/json; charset=utf-8']
  ])('answers %d as a registry or its load balancer would', async (status, contentType) => {
    proxy.fail({ path: /\/tags\/list$/, status })
    const response = await fetch(`${proxy.url}/v2/proxied/app/tags/list`, { headers: { authorization } })
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe(contentType)
    await response.arrayBuffer()
    const after = await fetch(`${proxy.url}/v2/proxied/app/tags/list`, { headers: { authorization } })
    expect(await after.json()).toEqual({ name: 'proxied/app', tags: ['one'] })
  })

  it('resets a blob download half way: the registry served it, the client gets a broken body', async () => {
    const manifest = await registryClient(registry.host, 'AWS', password).manifest('proxied/app', 'one')
    const layer = manifest?.body.layers[0]
    proxy.fail({ method: 'GET', path: /\/blobs\/sha256:/, reset: 'response' })
    const response = await fetch(`${proxy.url}/v2/proxied/app/blobs/${layer.digest}`, {
      headers: { authorization }
    })
    expect(response.status).toBe(200)
    await expect(response.arrayBuffer()).rejects.toThrow()
    const record = proxy.requests.at(-1)
    expect(record).toMatchObject({ fault: 'reset', status: 200 })
    expect(record?.bytesOut).toBe(Math.floor(layer.size / 2))
  })

  it('stops failing once cleared, and still reports what a cleared fault did', async () => {
    const fault = proxy.fail({ path: /^\/v2\/$/, status: 503, times: 5 })
    expect((await fetch(`${proxy.url}/v2/`, { headers: { authorization } })).status).toBe(503)
    proxy.clear()
    expect((await fetch(`${proxy.url}/v2/`, { headers: { authorization } })).status).toBe(200)
    expect({ seen: fault.seen, fired: fault.fired, done: fault.done }).toEqual({
      seen: 1,
      fired: 1,
      done: false
    })
  })

  it('refuses a fault that neither answers nor resets', () => {
    expect(() => proxy.fail({ path: /./ })).toThrow('needs a status or a reset')
  })
})

// The real local stack the demo and the end-to-end tests run against: a Docker engine, a base image
// built offline, and an htpasswd-protected registry on loopback.
import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  writeFileSync,
  symlinkSync,
  copyFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

export const baseImage = 'busybox:local'

function run(tool, args, options = {}) {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...options })
}

function dockerUp() {
  try {
    run('docker', ['info', '--format', '{{.ServerVersion}}'])
    return true
  } catch {
    return false
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Starts dockerd when no engine answers, and waits for it. */
export async function ensureDocker() {
  if (dockerUp()) return
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')) {
    throw new Error('No Docker engine: run scripts/install-system.sh first (as root).')
  }
  const log = openSync(path.join(tmpdir(), 'ecr-build-push-dockerd.log'), 'a')
  spawn('dockerd', ['--host=unix:///var/run/docker.sock'], {
    detached: true,
    stdio: ['ignore', log, log]
  }).unref()
  for (let attempt = 0; attempt < 60; attempt++) {
    if (dockerUp()) return
    await sleep(500)
  }
  throw new Error(
    'dockerd did not start within 30s; see ' + path.join(tmpdir(), 'ecr-build-push-dockerd.log')
  )
}

/** No registry is reachable, so the base image is a busybox root filesystem imported locally. */
export function ensureBaseImage() {
  try {
    run('docker', ['image', 'inspect', baseImage])
    return
  } catch {
    // not there yet
  }
  const root = mkdtempSync(path.join(tmpdir(), 'busybox-root-'))
  for (const dir of ['bin', 'etc', 'tmp', 'root']) mkdirSync(path.join(root, dir))
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'))
  for (const applet of run('/bin/busybox', ['--list']).split('\n').filter(Boolean)) {
    if (applet !== 'busybox') symlinkSync('busybox', path.join(root, 'bin', applet))
  }
  writeFileSync(
    path.join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'
  )
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
  const tar = run('tar', ['-C', root, '-c', '.'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  run('docker', ['import', '--change', 'CMD ["sh"]', '-', baseImage], { input: tar })
}

export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A CNCF distribution registry on 127.0.0.1 with htpasswd auth for user AWS.
 * Docker treats 127.0.0.0/8 as an insecure registry, so plain HTTP works for login, push and pull.
 * @param {{ password: string, username?: string }} options
 */
export async function startRegistry(options) {
  const dir = mkdtempSync(path.join(tmpdir(), 'registry-'))
  const port = await freePort()
  const htpasswd = run('htpasswd', ['-Bbn', options.username ?? 'AWS', options.password])
  writeFileSync(path.join(dir, 'htpasswd'), htpasswd)
  writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      `auth: { htpasswd: { realm: local, path: ${path.join(dir, 'htpasswd')} } }`
    ].join('\n')
  )
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' })
  const host = `127.0.0.1:${port}`
  for (let attempt = 0; attempt < 50; attempt++) {
    const status = await fetch(`http://${host}/v2/`).then(
      (response) => response.status,
      () => 0
    )
    if (status === 401) {
      return { host, dir, stop: () => child.kill() }
    }
    await sleep(100)
  }
  child.kill()
  throw new Error(`docker-registry did not answer on ${host}`)
}

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/**
 * Reads a registry over HTTP as a user would inspect it: tags, manifests and configs.
 * @param {string} host
 * @param {string} username
 * @param {string} password
 */
export function registryClient(host, username, password) {
  const authorization = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64')
  const get = (pathname, accept) =>
    fetch(`http://${host}/v2/${pathname}`, { headers: { authorization, accept: accept ?? manifestTypes } })
  return {
    /** @param {string} repository @returns {Promise<string[]>} */
    async tags(repository) {
      const response = await get(`${repository}/tags/list`, 'application/json')
      if (response.status === 404) return []
      return ((await response.json()).tags ?? []).sort()
    },
    /** @param {string} repository @param {string} reference @returns {Promise<{ digest: string, body: any } | undefined>} */
    async manifest(repository, reference) {
      const response = await get(`${repository}/manifests/${reference}`)
      if (response.status !== 200) return undefined
      return { digest: response.headers.get('docker-content-digest'), body: await response.json() }
    },
    /** @param {string} repository @param {string} reference @returns {Promise<any>} */
    async config(repository, reference) {
      const manifest = await this.manifest(repository, reference)
      if (!manifest) return undefined
      const response = await get(`${repository}/blobs/${manifest.body.config.digest}`, '*/*')
      return response.json()
    }
  }
}

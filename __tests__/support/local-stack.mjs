// The real local stack the demo and the end-to-end tests run against: Docker engines (the classic image store
// and the containerd image store), QEMU emulation for arm64, base images built offline, and an
// htpasswd-protected registry on loopback.
import { execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { scratchDir, scratchRegistryHost } from './scratch.mjs'

export const baseImage = 'busybox:local'

/** Where scripts/install-system.sh leaves what the stack needs besides packages (the arm64 busybox .deb). */
export const systemCache = '/var/cache/ecr-build-push'

/**
 * @typedef {'classic' | 'containerd'} DockerStore
 * @typedef {{ store: DockerStore, host: string, env: { DOCKER_HOST: string }, started: boolean, log?: string }} DockerDaemon
 *   `started`: this process started the daemon (it is left running when the process ends).
 */

/** The two daemons, each with its own socket, data, exec root, pidfile and bridge: they run side by side. */
export const daemons = {
  classic: { host: 'unix:///var/run/docker.sock' },
  containerd: {
    host: 'unix:///var/run/docker-containerd.sock',
    configFile: '/etc/docker-containerd/daemon.json',
    dataRoot: '/var/lib/docker-containerd',
    execRoot: '/var/run/docker-containerd',
    pidfile: '/var/run/docker-containerd.pid',
    bridge: 'docker1',
    bridgeAddress: '172.31.250.1/24'
  }
}

const containerdSnapshotter = 'io.containerd.snapshotter.v1'

/** Daemons this process started, for a closing note; they are not stopped. @type {DockerDaemon[]} */
export const startedDaemons = []

function run(tool, args, options = {}) {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...options })
}

/** @param {string} host */
function dockerEnv(host) {
  return { ...process.env, DOCKER_HOST: host }
}

/**
 * What the daemon on `host` says about itself, or undefined when nothing answers.
 * @param {string} host
 * @returns {DockerStore | undefined}
 */
function storeOf(host) {
  try {
    const status = run('docker', ['info', '--format', '{{json .DriverStatus}}'], { env: dockerEnv(host) })
    return status.includes(containerdSnapshotter) ? 'containerd' : 'classic'
  } catch {
    return undefined
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const isRoot = () => process.getuid?.() === 0

/** @param {string} pidfile */
function runningPid(pidfile, command = 'dockerd') {
  if (!existsSync(pidfile)) return undefined
  const pid = Number(readFileSync(pidfile, 'utf8').trim())
  if (!pid) return undefined
  // A pidfile left by a machine's earlier boot can name a pid another program has now.
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command ? pid : undefined
  } catch {
    return undefined
  }
}

/**
 * Pidfiles of a daemon that is not running: dockerd waits for the containerd its own stale pidfile names
 * ("timeout waiting for containerd") when that pid now belongs to another process.
 */
function removeStalePidfiles(pidfile, execRoot) {
  const containerdPidfile = path.join(execRoot, 'containerd', 'containerd.pid')
  if (!runningPid(containerdPidfile, 'containerd')) rmSync(containerdPidfile, { force: true })
  rmSync(pidfile, { force: true })
}

/** The containerd-store daemon needs its own bridge: dockerd only creates docker0 itself. */
function ensureBridge() {
  const { bridge, bridgeAddress } = daemons.containerd
  try {
    run('ip', ['link', 'show', bridge])
  } catch {
    run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'])
    run('ip', ['addr', 'add', bridgeAddress, 'dev', bridge])
  }
  run('ip', ['link', 'set', bridge, 'up'])
}

function ensureContainerdConfig() {
  const { configFile } = daemons.containerd
  const wanted = { features: { 'containerd-snapshotter': true } }
  if (existsSync(configFile)) {
    const config = JSON.parse(readFileSync(configFile, 'utf8'))
    if (config.features?.['containerd-snapshotter'] === true) return
    writeFileSync(
      configFile,
      JSON.stringify({ ...config, features: { ...config.features, ...wanted.features } })
    )
    return
  }
  mkdirSync(path.dirname(configFile), { recursive: true })
  writeFileSync(configFile, JSON.stringify(wanted) + '\n')
}

/**
 * A running Docker engine with the wanted image store, started when none answers; a running one is reused.
 * `classic` (the default) is the daemon on /var/run/docker.sock; `containerd` is a second daemon on
 * /var/run/docker-containerd.sock with the containerd image store, its own bridge (docker1), data root, exec
 * root and pidfile. A daemon this starts keeps running after the process ends (`started: true` says so).
 * @param {{ store?: DockerStore }} [options]
 * @returns {Promise<DockerDaemon>}
 */
export async function ensureDocker(options = {}) {
  const store = options.store ?? 'classic'
  const { host } = daemons[store]
  const env = { DOCKER_HOST: host }
  const found = storeOf(host)
  if (found === store) return { store, host, env, started: false }
  if (found) {
    throw new Error(`The daemon on ${host} runs the ${found} image store, not the ${store} one.`)
  }
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')) {
    throw new Error('No Docker engine: run scripts/install-system.sh first (as root).')
  }
  if (!isRoot()) throw new Error(`No Docker engine answers on ${host}, and starting one needs root.`)
  const log = path.join(tmpdir(), `ecr-build-push-dockerd-${store}.log`)
  const pidfile = store === 'classic' ? '/var/run/docker.pid' : daemons.containerd.pidfile
  // A daemon still starting up (or started by a concurrent test process) is waited for, not started twice.
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child
  if (!runningPid(pidfile)) {
    removeStalePidfiles(pidfile, store === 'classic' ? '/var/run/docker' : daemons.containerd.execRoot)
    const args = ['--host=' + host]
    if (store === 'containerd') {
      const { configFile, dataRoot, execRoot, bridge } = daemons.containerd
      ensureBridge()
      ensureContainerdConfig()
      args.push(
        '--config-file',
        configFile,
        '--data-root',
        dataRoot,
        '--exec-root',
        execRoot,
        '--pidfile',
        pidfile,
        '--bridge=' + bridge
      )
    }
    const output = openSync(log, 'a')
    child = spawn('dockerd', args, { detached: true, stdio: ['ignore', output, output] })
    child.unref()
  }
  for (let attempt = 0; attempt < 120; attempt++) {
    if (child && child.exitCode !== null) {
      throw new Error(`dockerd (${store} image store) exited with ${child.exitCode}; see ${log}`)
    }
    const now = storeOf(host)
    if (now === store) {
      const daemon = { store, host, env, started: true, log }
      startedDaemons.push(daemon)
      return daemon
    }
    if (now)
      throw new Error(`The daemon on ${host} came up with the ${now} image store, not ${store}; see ${log}`)
    await sleep(500)
  }
  throw new Error(`dockerd (${store} image store) did not answer on ${host} within 60s; see ${log}`)
}

const binfmt = '/proc/sys/fs/binfmt_misc'

/** binfmt_misc handler names by platform architecture, as the kernel lists them (`qemu-aarch64`, ...). */
export const binfmtNames = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  s390x: 's390x',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  loong64: 'loongarch64'
}

/** The handlers the kernel has registered now (empty when binfmt_misc is not mounted). @returns {string[]} */
export function binfmtHandlers() {
  try {
    return readdirSync(binfmt).filter((name) => name !== 'register' && name !== 'status')
  } catch {
    return []
  }
}

/**
 * An architecture this host can neither run natively nor emulate now, for tests that need the action to set
 * up QEMU itself. Throws when every candidate already has a handler.
 * @param {string[]} [candidates]
 */
export function unemulatedArchitecture(candidates = ['s390x', 'ppc64le', 'riscv64', 'mips64le', 'loong64']) {
  const handlers = binfmtHandlers()
  const found = candidates.find((arch) => !handlers.includes(`qemu-${binfmtNames[arch]}`))
  if (!found) throw new Error(`Every one of ${candidates.join(', ')} has a binfmt handler on this host.`)
  return found
}

/** @param {string} handler */
function handlerFlags(handler) {
  const text = readFileSync(path.join(binfmt, handler), 'utf8')
  return {
    enabled: text.startsWith('enabled'),
    flags: /^flags: *(\S*)/m.exec(text)?.[1] ?? ''
  }
}

/**
 * arm64 binaries run on this host through qemu-user-static: mounts binfmt_misc and registers qemu-aarch64
 * with the F flag (the kernel opens the emulator once, so it also works inside containers) when missing.
 * A registration without F is replaced. Needs root when something has to change; says so when it cannot.
 * @returns {{ handler: string, flags: string, changed: boolean }}
 */
export function ensureEmulation() {
  const handler = 'qemu-aarch64'
  const cannot = (why) =>
    new Error(`Cannot set up arm64 emulation: ${why}. Run scripts/install-system.sh and the tests as root.`)
  if (existsSync(path.join(binfmt, handler))) {
    const current = handlerFlags(handler)
    if (current.enabled && current.flags.includes('F'))
      return { handler, flags: current.flags, changed: false }
  }
  if (!isRoot()) throw cannot(`${handler} is not registered with the F flag and this process is not root`)
  if (!existsSync(path.join(binfmt, 'register'))) {
    try {
      run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', binfmt])
    } catch (error) {
      throw cannot(`mounting binfmt_misc failed (${String(error).split('\n')[0]})`)
    }
  }
  const conf = `/usr/lib/binfmt.d/${handler}.conf`
  if (!existsSync(conf)) throw cannot(`${conf} is missing (package qemu-user-static)`)
  // Format `:name:type:offset:magic:mask:interpreter:flags`; ':' inside magic and mask is escaped as \x3a.
  const fields = readFileSync(conf, 'utf8').trim().split(':')
  const interpreter = fields[6]
  if (!existsSync(interpreter)) throw cannot(`${interpreter} is missing (package qemu-user-static)`)
  if (!fields[7].includes('F')) fields[7] += 'F'
  if (existsSync(path.join(binfmt, handler))) writeFileSync(path.join(binfmt, handler), '-1')
  writeFileSync(path.join(binfmt, 'register'), fields.join(':'))
  const now = handlerFlags(handler)
  if (!now.enabled || !now.flags.includes('F')) throw cannot(`${handler} did not register with the F flag`)
  return { handler, flags: now.flags, changed: true }
}

/**
 * A busybox root filesystem: the binary, an applet symlink per command the host's busybox lists, and
 * /etc/passwd with root and nobody.
 * @param {string} binary @param {string} root
 */
function busyboxRoot(binary, root) {
  for (const dir of ['bin', 'etc', 'tmp', 'root']) mkdirSync(path.join(root, dir), { recursive: true })
  copyFileSync(binary, path.join(root, 'bin/busybox'))
  for (const applet of run('/bin/busybox', ['--list']).split('\n').filter(Boolean)) {
    if (applet !== 'busybox') symlinkSync('busybox', path.join(root, 'bin', applet))
  }
  writeFileSync(
    path.join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'
  )
  writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
}

/** The arm64 busybox binary, from the .deb scripts/install-system.sh cached. */
function arm64Busybox(into) {
  const deb = existsSync(systemCache)
    ? readdirSync(systemCache).find((name) => /^busybox-static_.*_arm64\.deb$/.test(name))
    : undefined
  if (!deb) {
    throw new Error(`No arm64 busybox in ${systemCache}: run scripts/install-system.sh (as root).`)
  }
  run('dpkg-deb', ['-x', path.join(systemCache, deb), into])
  return path.join(into, 'bin/busybox')
}

/** @param {string} host @param {string} platform */
function hasImage(host, platform) {
  try {
    const id = run('docker', ['create', '--pull', 'never', '--platform', platform, baseImage], {
      env: dockerEnv(host)
    }).trim()
    run('docker', ['rm', id], { env: dockerEnv(host) })
    return true
  } catch {
    return false
  }
}

/**
 * No registry is reachable, so the base image is made locally. On the classic store: a busybox root
 * filesystem imported as one linux/amd64 image. On the containerd store: an image index with linux/amd64 and
 * linux/arm64 (busybox-static:arm64), as a multi-platform base from Docker Hub would be.
 * @param {{ store?: DockerStore, host?: string }} [daemon] what ensureDocker returned; default the classic one
 */
export function ensureBaseImage(daemon = {}) {
  const store = daemon.store ?? 'classic'
  const host = daemon.host ?? daemons[store].host
  const env = dockerEnv(host)
  if (store === 'classic') {
    try {
      run('docker', ['image', 'inspect', baseImage], { env })
      return
    } catch {
      // not there yet
    }
  }
  const platforms = ['linux/amd64', 'linux/arm64']
  // Creating (not starting) a container per platform proves each one is there, without running anything.
  if (store === 'containerd' && platforms.every((platform) => hasImage(host, platform))) return
  const work = mkdtempSync(path.join(tmpdir(), 'busybox-root-'))
  try {
    if (store === 'classic') {
      busyboxRoot('/bin/busybox', path.join(work, 'root'))
      const tar = run('tar', ['-C', path.join(work, 'root'), '-c', '.'], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024
      })
      run('docker', ['import', '--change', 'CMD ["sh"]', '-', baseImage], { input: tar, env })
      return
    }
    busyboxRoot('/bin/busybox', path.join(work, 'rootfs-amd64'))
    busyboxRoot(arm64Busybox(path.join(work, 'deb')), path.join(work, 'rootfs-arm64'))
    rmSync(path.join(work, 'deb'), { recursive: true })
    // COPY runs nothing, so building the index needs no emulation; without attestations it is a plain index.
    writeFileSync(
      path.join(work, 'Dockerfile'),
      'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["sh"]\n'
    )
    run(
      'docker',
      [
        'buildx',
        'build',
        '--builder',
        'default',
        '--platform',
        platforms.join(','),
        '--provenance=false',
        '--sbom=false',
        '--tag',
        baseImage,
        '--load',
        work
      ],
      { env }
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * A CNCF distribution registry on 127.0.0.1 with htpasswd auth for user AWS, delete enabled.
 * Docker treats 127.0.0.0/8 as an insecure registry, so plain HTTP works for login, push and pull.
 * `storage` is its filesystem root (the ECR stand-in reads push times and untagged manifests from it).
 * Its folder and every image name under its host go after the test file (scratch.mjs); `stop()` resolves
 * once the registry has exited.
 * @param {{ password: string, username?: string }} options
 */
export async function startRegistry(options) {
  const dir = scratchDir('registry-')
  const storage = path.join(dir, 'data')
  const port = await freePort()
  const htpasswd = run('htpasswd', ['-Bbn', options.username ?? 'AWS', options.password])
  writeFileSync(path.join(dir, 'htpasswd'), htpasswd)
  writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${storage} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      `auth: { htpasswd: { realm: local, path: ${path.join(dir, 'htpasswd')} } }`
    ].join('\n')
  )
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' })
  const host = `127.0.0.1:${port}`
  scratchRegistryHost(host)
  /** @returns {Promise<void>} */
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill()
    })
  for (let attempt = 0; attempt < 50; attempt++) {
    const status = await fetch(`http://${host}/v2/`).then(
      (response) => response.status,
      () => 0
    )
    if (status === 401) {
      return { host, dir, storage, stop }
    }
    await sleep(100)
  }
  child.kill()
  throw new Error(`docker-registry did not answer on ${host}`)
}

export const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]

/**
 * Reads a registry over HTTP as a user would inspect it: tags, manifests and configs.
 * @param {string} host
 * @param {string} username
 * @param {string} password
 */
export function registryClient(host, username, password) {
  const authorization = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64')
  const get = (pathname, accept) =>
    fetch(`http://${host}/v2/${pathname}`, {
      headers: { authorization, accept: accept ?? manifestTypes.join(', ') }
    })
  return {
    /** @param {string} repository @returns {Promise<string[]>} */
    async tags(repository) {
      const response = await get(`${repository}/tags/list`, 'application/json')
      if (response.status === 404) return []
      return ((await response.json()).tags ?? []).sort()
    },
    /** @param {string} repository @param {string} reference @returns {Promise<{ digest: string, mediaType: string, body: any } | undefined>} */
    async manifest(repository, reference) {
      const response = await get(`${repository}/manifests/${reference}`)
      if (response.status !== 200) return undefined
      return {
        digest: response.headers.get('docker-content-digest'),
        mediaType: response.headers.get('content-type'),
        body: await response.json()
      }
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

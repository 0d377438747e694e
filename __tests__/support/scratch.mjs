// What a test makes outside its own process, recorded where it is made and removed after its test file by
// `removeScratch` (environment.mjs, the e2e and support projects' test environment, calls it): temp folders,
// image names under a test registry's host, staging images and builders a run left when its post step did
// not run. Daemons, base images and other engineers' images are never touched: only what this process recorded.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

/** Where the records live: the test file's global, so the test environment finds them after the file. */
export const scratchKey = Symbol.for('ecr-build-push.scratch')

const newRecords = () => ({
  /** @type {Set<string>} */
  folders: new Set(),
  /** Registry hosts (`127.0.0.1:port`) whose image names are removed from every daemon. @type {Set<string>} */
  registryHosts: new Set(),
  /** @type {Map<string, { dockerHost: string, dockerConfig?: string }>} */
  images: new Map(),
  /** @type {Map<string, { dockerHost: string, dockerConfig?: string }>} */
  builders: new Map(),
  /** Docker configs whose leftover buildx builders go before the folder does. @type {Map<string, string>} */
  dockerConfigs: new Map()
})

/** @type {ReturnType<typeof newRecords>} */
const made = (globalThis[scratchKey] ??= newRecords())

/** The daemons tests use; a daemon that does not answer is skipped. */
const daemonHosts = ['unix:///var/run/docker.sock', 'unix:///var/run/docker-containerd.sock']

/** A new folder under the temp directory, removed after the test file. @param {string} prefix e.g. `workspace-` */
export function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  made.folders.add(dir)
  return dir
}

/** A folder made elsewhere (a registry's, a runner's) that goes with the others. @param {string} dir */
export function scratchFolder(dir) {
  made.folders.add(dir)
  return dir
}

/**
 * A private docker config: builders recorded in it are removed (on `dockerHost`) before the folder.
 * @param {string} dir @param {string} dockerHost
 */
export function scratchDockerConfig(dir, dockerHost) {
  made.folders.add(dir)
  made.dockerConfigs.set(dir, dockerHost)
  return dir
}

/** Every image name under this registry host, on every daemon, is removed after the test file. @param {string} host */
export function scratchRegistryHost(host) {
  made.registryHosts.add(host)
}

/** @param {string} name @param {{ dockerHost: string, dockerConfig?: string }} where */
export function scratchImage(name, where) {
  made.images.set(name, where)
}

/** @param {string} name @param {{ dockerHost: string, dockerConfig?: string }} where */
export function scratchBuilder(name, where) {
  made.builders.set(name, where)
}

/** @param {string[]} args @param {{ dockerHost: string, dockerConfig?: string }} where */
function docker(args, where) {
  const env = { ...process.env, DOCKER_HOST: where.dockerHost }
  if (where.dockerConfig) env.DOCKER_CONFIG = where.dockerConfig
  return execFileSync('docker', args, {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000
  })
}

/** @param {string[]} args @param {{ dockerHost: string, dockerConfig?: string }} where */
function tryDocker(args, where) {
  try {
    docker(args, where)
    return true
  } catch {
    return false
  }
}

/** Builder instances buildx recorded in a docker config. @param {string} dockerConfig */
function buildersIn(dockerConfig) {
  const instances = path.join(dockerConfig, 'buildx', 'instances')
  if (!existsSync(instances)) return []
  return readdirSync(instances).filter((name) => {
    try {
      return JSON.parse(readFileSync(path.join(instances, name), 'utf8')).Name === name
    } catch {
      return false
    }
  })
}

/**
 * Names on a daemon under one of the hosts, `repository:tag`, `repository@digest` when untagged, or the id; undefined
 * when the daemon does not answer (twice: a busy daemon gets a second chance).
 */
function imagesUnder(hosts, dockerHost) {
  let listing
  for (let attempt = 0; listing === undefined && attempt < 2; attempt++) {
    try {
      listing = docker(['image', 'ls', '--format', '{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}'], {
        dockerHost
      })
    } catch {
      // not running, or busy
    }
  }
  if (listing === undefined) return undefined
  return listing
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([repository]) => hosts.some((host) => repository.startsWith(`${host}/`)))
    .map(([repository, tag, digest, id]) =>
      tag && tag !== '<none>'
        ? `${repository}:${tag}`
        : digest && digest !== '<none>'
          ? `${repository}@${digest}`
          : // Never pushed and no longer tagged: only its id names it.
            id
    )
}

/**
 * Removes everything recorded since the last call: builders first (their config is in a folder), then
 * images, then folders. Returns what it removed, and what it could not (for a warning).
 * @param {ReturnType<typeof newRecords>} [records] another realm's records (the test environment passes the file's)
 */
export function removeScratch(records = made) {
  const removed = { builders: 0, images: 0, folders: 0, failed: /** @type {string[]} */ ([]) }
  for (const [dockerConfig, dockerHost] of records.dockerConfigs) {
    for (const name of buildersIn(dockerConfig)) {
      if (!records.builders.has(name)) records.builders.set(name, { dockerHost, dockerConfig })
    }
  }
  for (const [name, where] of records.builders) {
    // Gone already is fine: the post step or the test removed it.
    if (tryDocker(['buildx', 'rm', '--force', name], where)) removed.builders += 1
  }
  for (const [name, where] of records.images) {
    if (tryDocker(['image', 'rm', name], where)) removed.images += 1
  }
  const hosts = [...records.registryHosts]
  for (const dockerHost of hosts.length > 0 ? daemonHosts : []) {
    const names = imagesUnder(hosts, dockerHost)
    const socket = dockerHost.replace(/^unix:\/\//, '')
    if (names === undefined && existsSync(socket)) removed.failed.push(`list the images on ${dockerHost}`)
    for (const name of names ?? []) {
      if (tryDocker(['image', 'rm', name], { dockerHost })) removed.images += 1
      else removed.failed.push(`docker image rm ${name} (${dockerHost})`)
    }
  }
  for (const folder of records.folders) {
    if (!existsSync(folder)) continue
    try {
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 })
      removed.folders += 1
    } catch (error) {
      removed.failed.push(`rm -rf ${folder} (${/** @type {Error} */ (error).message})`)
    }
  }
  for (const record of Object.values(records)) record.clear()
  return removed
}

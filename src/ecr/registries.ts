import { readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { isFullReference } from '../cache/specs.js'
import { ConfigurationError } from '../errors.js'

const dockerHub = 'docker.io'
const dockerHubAliases = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']

/** A registry host as docker compares them: no scheme or path, Docker Hub under one name. */
function normalHost(host: string): string {
  const bare = host
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    .toLowerCase()
  return dockerHubAliases.includes(bare) ? dockerHub : bare
}

/** The registry a reference names, by docker's rule: a first part with `.` or `:`, or `localhost`; else Docker Hub. */
export function registryOf(reference: string): string {
  const slash = reference.indexOf('/')
  const first = slash < 0 ? '' : reference.slice(0, slash)
  return /[.:]/.test(first) || first === 'localhost' ? normalHost(first) : dockerHub
}

/**
 * The registries docker already has credentials for from earlier steps (docker/login-action, a credential
 * helper): the keys of `auths` and `credHelpers` in its config file. Empty when there is none.
 */
export async function dockerLogins(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, unknown>
      credHelpers?: Record<string, unknown>
    }
    return [...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})].map(normalHost)
  } catch {
    return []
  }
}

/**
 * A full `cache-ref` must name a registry buildx can authenticate to: one this step logs in to, or one docker
 * already has credentials for. Otherwise every cache read and write would fail, quietly (`ignore-error`).
 */
export function checkCacheRegistry(ref: string, registries: { ecr: string[]; docker: string[] }): void {
  if (ref === '' || !isFullReference(ref)) return
  const registry = registryOf(ref)
  const known = [...registries.ecr, ...registries.docker].map(normalHost)
  if (known.includes(registry)) return
  const loggedIn =
    registries.ecr.length > 0
      ? `it logs in to ${registries.ecr.join(', ')} only`
      : `it logs in to no registry ('push: false')`
  throw new ConfigurationError(
    `Input 'cache-ref' is '${ref}', in the registry ${registry}, which this step cannot write to: ${loggedIn}, and docker has no credentials for ${registry} from an earlier step. Use a tag (the cache then goes to 'cache-repository', or the image's repository), a reference in a registry the step logs in to (add its account to 'registry-ids'), or log in to ${registry} in an earlier step (docker/login-action).`
  )
}

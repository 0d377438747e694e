import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rename, rm } from 'node:fs/promises'
import * as path from 'node:path'
import type { Log } from '../run/log.js'
import type { CachePlan } from './plan.js'

const lockfilePattern =
  /^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|requirements.*\.txt|Pipfile\.lock|go\.sum|Cargo\.lock|Gemfile\.lock|composer\.lock)$/

/** sha256 over the Dockerfile and the lockfiles at the top of the build context: what the local cache key follows. */
export async function hashCacheDependencies(dockerfile: string, context: string): Promise<string> {
  const entries = existsSync(context) ? await readdir(context, { withFileTypes: true }) : []
  const lockfiles = entries
    .filter((entry) => entry.isFile() && lockfilePattern.test(entry.name))
    .map((entry) => entry.name)
    .sort()
  const hash = createHash('sha256')
  hash.update(await readFile(dockerfile))
  for (const name of lockfiles) {
    hash.update(`\0${name}\0`)
    hash.update(await readFile(path.join(context, name)))
  }
  return hash.digest('hex')
}

/** The part of @actions/cache this phase uses; injected in tests. */
export interface CacheClient {
  isFeatureAvailable(): boolean
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

async function actionsCache(): Promise<CacheClient> {
  return await import('@actions/cache')
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Restores the local cache directory before the build; returns the key that matched. Never throws. */
export async function restoreLocalCache(
  plan: CachePlan,
  log: Log,
  client?: CacheClient
): Promise<string | undefined> {
  if (!plan.local) return undefined
  try {
    await rm(plan.local.exportDir, { recursive: true, force: true })
    const cache = client ?? (await actionsCache())
    if (!cache.isFeatureAvailable()) {
      log.info(`Cache: the runner's cache service is not available; using ${plan.local.restoreDir} as it is.`)
      return undefined
    }
    const matched = await cache.restoreCache([plan.local.restoreDir], plan.local.key, plan.local.restoreKeys)
    log.info(matched ? `Cache: restored ${matched}.` : `Cache: no local cache for ${plan.local.key} yet.`)
    return matched
  } catch (error) {
    log.warning(`Cache: could not restore the local build cache: ${message(error)}`)
    return undefined
  }
}

/**
 * After the build: swaps the freshly exported directory in for the restored one (so old layers
 * don't pile up, docker/build-push-action#252) and saves it, unless that exact key was restored.
 */
export async function saveLocalCache(
  plan: CachePlan,
  restoredKey: string | undefined,
  log: Log,
  client?: CacheClient
): Promise<void> {
  if (!plan.local) return
  const { restoreDir, exportDir, key } = plan.local
  try {
    if (!existsSync(exportDir)) {
      log.warning(`Cache: the build exported no local cache to ${exportDir}; nothing to save.`)
      return
    }
    await rm(restoreDir, { recursive: true, force: true })
    await rename(exportDir, restoreDir)
    if (restoredKey === key) {
      log.info(
        `Cache: ${key} was restored exactly, and a saved key cannot be overwritten; not saving it again.`
      )
      return
    }
    const cache = client ?? (await actionsCache())
    if (!cache.isFeatureAvailable()) return
    await cache.saveCache([restoreDir], key)
    log.info(`Cache: saved ${key}.`)
  } catch (error) {
    log.warning(`Cache: could not save the local build cache: ${message(error)}`)
  }
}

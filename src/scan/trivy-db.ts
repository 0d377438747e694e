import { existsSync } from 'node:fs'
import * as path from 'node:path'
import type { Log } from '../run/log.js'

/** One cache entry per OS and UTC day; any earlier day is a good enough start (Trivy refreshes a stale DB). */
export function trivyDbCacheKeys(platform: string, date: Date): { key: string; restoreKeys: string[] } {
  return {
    key: `trivy-db-${platform}-${date.toISOString().slice(0, 10)}`,
    restoreKeys: [`trivy-db-${platform}-`]
  }
}

export interface TrivyDbCache {
  paths: string[]
  key: string
  /** The key that was restored, if any. */
  restoredKey?: string
}

/** Restores the vulnerability DB so scans don't pull it from a rate-limited registry; failures are warnings. */
export async function restoreTrivyDb(
  log: Log,
  options: { cacheDir: string; date?: Date; platform?: string }
): Promise<TrivyDbCache | undefined> {
  const cache = await import('@actions/cache')
  if (!cache.isFeatureAvailable()) {
    log.debug('The Actions cache service is not available: the Trivy DB is not cached')
    return undefined
  }
  const { key, restoreKeys } = trivyDbCacheKeys(
    options.platform ?? process.platform,
    options.date ?? new Date()
  )
  const paths = [path.join(options.cacheDir, 'db')]
  try {
    const restoredKey = await cache.restoreCache(paths, key, restoreKeys)
    log.info(restoredKey ? `Trivy DB restored from cache ${restoredKey}` : 'No cached Trivy DB yet')
    return { paths, key, ...(restoredKey ? { restoredKey } : {}) }
  } catch (error) {
    log.warning(`Could not restore the Trivy DB cache: ${(error as Error).message}`)
    return { paths, key }
  }
}

/** Saves the DB under today's key unless that key was the one restored; failures are warnings. */
export async function saveTrivyDb(log: Log, entry: TrivyDbCache | undefined): Promise<void> {
  if (!entry || entry.restoredKey === entry.key || !entry.paths.some((dir) => existsSync(dir))) return
  const cache = await import('@actions/cache')
  try {
    await cache.saveCache(entry.paths, entry.key)
    log.info(`Trivy DB saved to cache ${entry.key}`)
  } catch (error) {
    log.warning(`Could not save the Trivy DB cache: ${(error as Error).message}`)
  }
}

import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { RecordingLog } from '../doubles.js'

const cacheService = {
  available: true,
  restoreCache:
    jest.fn<(paths: string[], key: string, restoreKeys?: string[]) => Promise<string | undefined>>(),
  saveCache: jest.fn<(paths: string[], key: string) => Promise<number>>()
}
jest.unstable_mockModule('@actions/cache', () => ({
  isFeatureAvailable: () => cacheService.available,
  restoreCache: cacheService.restoreCache,
  saveCache: cacheService.saveCache
}))

const { restoreTrivyDb, saveTrivyDb, trivyDbCacheKeys } = await import('../../../src/scan/trivy-db.js')
const { trivyCacheDir } = await import('../../../src/scan/trivy.js')

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-db-test-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('the Trivy DB cache', () => {
  let log: RecordingLog

  beforeEach(() => {
    cacheService.available = true
    cacheService.restoreCache.mockReset()
    cacheService.saveCache.mockReset()
    log = new RecordingLog()
  })

  it('keys by OS and UTC day, falling back to any earlier day', () => {
    expect(trivyDbCacheKeys('linux', new Date('2026-08-20T23:59:00Z'))).toEqual({
      key: 'trivy-db-linux-2026-08-20',
      restoreKeys: ['trivy-db-linux-']
    })
  })

  it('keeps the DB in the action’s own cache directory, whatever TRIVY_CACHE_DIR the job sets', () => {
    const saved = process.env.TRIVY_CACHE_DIR
    process.env.TRIVY_CACHE_DIR = '/job/cache'
    try {
      expect(trivyCacheDir()).toBe(path.join(os.homedir(), '.cache', 'trivy'))
    } finally {
      if (saved === undefined) delete process.env.TRIVY_CACHE_DIR
      else process.env.TRIVY_CACHE_DIR = saved
    }
  })

  it('restores the db folder, and saves a new day only', async () => {
    cacheService.restoreCache.mockResolvedValue('trivy-db-linux-2026-08-19')
    const cacheDir = path.join(dir, 'trivy-cache')
    const entry = await restoreTrivyDb(log, {
      date: new Date('2026-08-20T08:00:00Z'),
      cacheDir,
      platform: 'linux'
    })
    expect(entry).toEqual({
      paths: [path.join(dir, 'trivy-cache', 'db')],
      key: 'trivy-db-linux-2026-08-20',
      restoredKey: 'trivy-db-linux-2026-08-19'
    })
    expect(cacheService.restoreCache).toHaveBeenCalledWith(
      [path.join(dir, 'trivy-cache', 'db')],
      'trivy-db-linux-2026-08-20',
      ['trivy-db-linux-']
    )

    expect(log.of('info')).toEqual(['Trivy DB restored from cache trivy-db-linux-2026-08-19'])
    mkdirSync(path.join(dir, 'trivy-cache', 'db'), { recursive: true })
    await saveTrivyDb(log, entry)
    expect(cacheService.saveCache).toHaveBeenCalledWith(
      [path.join(dir, 'trivy-cache', 'db')],
      'trivy-db-linux-2026-08-20'
    )

    cacheService.saveCache.mockClear()
    await saveTrivyDb(log, { ...entry!, restoredKey: 'trivy-db-linux-2026-08-20' })
    await saveTrivyDb(log, undefined)
    await saveTrivyDb(log, { paths: [path.join(dir, 'no-db')], key: 'trivy-db-linux-2026-08-20' })
    expect(cacheService.saveCache).not.toHaveBeenCalled()
  })

  it('turns cache failures into warnings and skips when the cache service is unavailable', async () => {
    cacheService.restoreCache.mockRejectedValue(new Error('cache service down'))
    cacheService.saveCache.mockRejectedValue(new Error('reserve failed'))
    const cacheDir = path.join(dir, 'trivy-cache')
    mkdirSync(path.join(cacheDir, 'db'), { recursive: true })
    const entry = await restoreTrivyDb(log, {
      date: new Date('2026-08-21T00:00:00Z'),
      cacheDir,
      platform: 'linux'
    })
    expect(entry).toEqual({ paths: [path.join(dir, 'trivy-cache', 'db')], key: 'trivy-db-linux-2026-08-21' })
    await saveTrivyDb(log, entry)
    expect(log.of('warning')).toEqual([
      'Could not restore the Trivy DB cache: cache service down',
      'Could not save the Trivy DB cache: reserve failed'
    ])

    cacheService.available = false
    expect(await restoreTrivyDb(log, { cacheDir })).toBeUndefined()
    expect(log.of('debug')).toEqual([
      'The Actions cache service is not available: the Trivy DB is not cached'
    ])
  })
})

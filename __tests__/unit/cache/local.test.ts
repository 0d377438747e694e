import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import {
  hashCacheDependencies,
  restoreLocalCache,
  saveLocalCache,
  type CacheClient
} from '../../../src/cache/local.js'
import { planCache, type CacheFacts, type CachePlan } from '../../../src/cache/plan.js'
import { parseCacheConfig } from '../../../src/config/cache.js'
import { RecordingLog } from '../doubles.js'

const hosted: CacheFacts = {
  driver: 'docker-container',
  imageStore: 'classic',
  buildxVersion: '0.21.1',
  env: {},
  registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  repository: 'shop/web',
  tagImmutable: false,
  target: 'runtime',
  platforms: [],
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web',
  previousTags: [],
  localCacheRoot: '/runner/temp/ecr-build-push-cache',
  dependencyHash: 'd1e2f3',
  hostedRunner: true
}

describe('local cache files', () => {
  const dirs: string[] = []
  function tempDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'cache-test-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  it('hashCacheDependencies follows the Dockerfile and top-level lockfiles only', async () => {
    const context = tempDir()
    const dockerfile = path.join(context, 'Dockerfile')
    writeFileSync(dockerfile, 'FROM busybox:local\n')
    const bare = await hashCacheDependencies(dockerfile, context)
    expect(bare).toMatch(/^[0-9a-f]{64}$/)
    writeFileSync(path.join(context, 'app.js'), 'console.log(1)')
    mkdirSync(path.join(context, 'sub'))
    writeFileSync(path.join(context, 'sub', 'package-lock.json'), '{}')
    expect(await hashCacheDependencies(dockerfile, context)).toBe(bare)
    writeFileSync(path.join(context, 'requirements-dev.txt'), 'pytest\n')
    const withLock = await hashCacheDependencies(dockerfile, context)
    expect(withLock).not.toBe(bare)
    writeFileSync(path.join(context, 'requirements-dev.txt'), 'pytest==8\n')
    expect(await hashCacheDependencies(dockerfile, context)).not.toBe(withLock)
    writeFileSync(dockerfile, 'FROM busybox:local\nRUN true\n')
    expect(await hashCacheDependencies(dockerfile, context)).not.toBe(bare)
  })

  function fakeClient(restored: string | undefined, fail = false) {
    const calls: unknown[][] = []
    const client: CacheClient = {
      isFeatureAvailable: () => true,
      restoreCache: async (...args) => {
        calls.push(['restore', ...args])
        if (fail) throw new Error('cache service down')
        return restored
      },
      saveCache: async (...args) => {
        calls.push(['save', ...args])
        if (fail) throw new Error('cache service down')
        return 1
      }
    }
    return { client, calls }
  }

  function localCachePlan(root: string): CachePlan {
    return planCache(parseCacheConfig({ cache: 'local' }), {
      ...hosted,
      localCacheRoot: path.join(root, 'cache')
    })
  }

  it('restores with the key and restore keys, and removes a stale export directory', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.exportDir, { recursive: true })
    const { client, calls } = fakeClient('buildx-shop-web-runtime-old')
    const log = new RecordingLog()
    expect(await restoreLocalCache(plan, log, client)).toBe('buildx-shop-web-runtime-old')
    expect(calls).toEqual([['restore', [plan.local!.restoreDir], plan.local!.key, plan.local!.restoreKeys]])
    expect(existsSync(plan.local!.exportDir)).toBe(false)
    expect(log.entries).toEqual([{ level: 'info', text: 'Cache: restored buildx-shop-web-runtime-old.' }])
  })

  it('swaps the exported directory in and saves it under the new key', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.restoreDir, { recursive: true })
    writeFileSync(path.join(plan.local!.restoreDir, 'old-blob'), 'old')
    mkdirSync(plan.local!.exportDir, { recursive: true })
    writeFileSync(path.join(plan.local!.exportDir, 'index.json'), '{"new":true}')
    const { client, calls } = fakeClient(undefined)
    const log = new RecordingLog()
    await saveLocalCache(plan, 'buildx-shop-web-runtime-old', log, client)
    expect(calls).toEqual([['save', [plan.local!.restoreDir], 'buildx-shop-web-runtime-d1e2f3']])
    expect(log.entries).toEqual([{ level: 'info', text: 'Cache: saved buildx-shop-web-runtime-d1e2f3.' }])
    expect(existsSync(plan.local!.exportDir)).toBe(false)
    expect(existsSync(path.join(plan.local!.restoreDir, 'old-blob'))).toBe(false)
    expect(readFileSync(path.join(plan.local!.restoreDir, 'index.json'), 'utf8')).toBe('{"new":true}')
  })

  it('does not save again under the key that was restored', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.exportDir, { recursive: true })
    const { client, calls } = fakeClient(undefined)
    const log = new RecordingLog()
    await saveLocalCache(plan, plan.local!.key, log, client)
    expect(calls).toEqual([])
    expect(existsSync(plan.local!.restoreDir)).toBe(true)
    expect(log.of('info')).toEqual([
      'Cache: buildx-shop-web-runtime-d1e2f3 was restored exactly, and a saved key cannot be overwritten; not saving it again.'
    ])
  })

  it('never throws when the cache service fails or nothing was exported', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    const { client } = fakeClient(undefined, true)
    const log = new RecordingLog()
    await expect(restoreLocalCache(plan, log, client)).resolves.toBeUndefined()
    await expect(saveLocalCache(plan, undefined, log, client)).resolves.toBeUndefined()
    mkdirSync(plan.local!.exportDir, { recursive: true })
    await expect(saveLocalCache(plan, undefined, log, client)).resolves.toBeUndefined()
    expect(log.of('warning')).toEqual([
      'Cache: could not restore the local build cache: cache service down',
      `Cache: the build exported no local cache to ${plan.local!.exportDir}; nothing to save.`,
      'Cache: could not save the local build cache: cache service down'
    ])
  })

  it('does nothing without a local backend', async () => {
    const { client, calls } = fakeClient('x')
    const plan = planCache(parseCacheConfig({ cache: 'gha' }), hosted)
    const log = new RecordingLog()
    expect(await restoreLocalCache(plan, log, client)).toBeUndefined()
    await saveLocalCache(plan, undefined, log, client)
    expect(calls).toEqual([])
    expect(log.entries).toEqual([])
  })

  it('uses the restored folder as it is where the runner has no cache service', async () => {
    const plan = localCachePlan(tempDir())
    const calls: string[] = []
    const client: CacheClient = {
      isFeatureAvailable: () => false,
      restoreCache: async () => {
        calls.push('restore')
        return undefined
      },
      saveCache: async () => {
        calls.push('save')
        return 0
      }
    }
    const log = new RecordingLog()
    expect(await restoreLocalCache(plan, log, client)).toBeUndefined()
    mkdirSync(plan.local!.exportDir, { recursive: true })
    await saveLocalCache(plan, undefined, log, client)
    expect(calls).toEqual([])
    expect(existsSync(plan.local!.restoreDir)).toBe(true)
    expect(log.of('info')).toEqual([
      `Cache: the runner's cache service is not available; using ${plan.local!.restoreDir} as it is.`
    ])
  })
})

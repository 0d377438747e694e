import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import {
  hashCacheDependencies,
  localCacheKey,
  parseCacheInputs,
  planCache,
  restoreLocalCache,
  saveLocalCache,
  type CacheClient,
  type CacheFacts,
  type CacheInputs,
  type CachePlan
} from '../../../src/cache/cache.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const image = `${registry}/shop/web`
const runtimeToken = 'runtime-token-must-never-appear'

const hosted: CacheFacts = {
  driver: 'docker-container',
  buildxVersion: '0.21.1',
  buildkitVersion: 'v0.20.2',
  env: {
    ACTIONS_RUNTIME_TOKEN: runtimeToken,
    ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
    ACTIONS_CACHE_URL: 'https://acghubeus2.actions.githubusercontent.com/abc/',
    ACTIONS_CACHE_SERVICE_V2: 'True'
  },
  registry,
  repository: 'shop/web',
  tagImmutable: false,
  target: 'runtime',
  platforms: [],
  branch: 'feature/login',
  defaultBranch: 'main',
  image,
  previousTags: ['feature-login', 'main'],
  localCacheDir: '/runner/temp/buildx-cache',
  dependencyHash: 'd1e2f3',
  hostedRunner: true
}
const selfHosted: CacheFacts = { ...hosted, env: {}, hostedRunner: false }
const dockerDriver: CacheFacts = { ...hosted, driver: 'docker', buildkitVersion: undefined }

function inputs(raw: Record<string, string> = {}): CacheInputs {
  return parseCacheInputs(raw)
}

const ghaFrom = [
  '--cache-from',
  'type=gha,scope=shop-web-runtime-feature-login',
  '--cache-from',
  'type=gha,scope=shop-web-runtime-main'
]
const ghaTo = ['--cache-to', 'type=gha,scope=shop-web-runtime-feature-login,mode=max,ignore-error=true']
const registryFrom = ['--cache-from', `type=registry,ref=${image}:buildcache-runtime`]
const registryTo = [
  '--cache-to',
  `type=registry,ref=${image}:buildcache-runtime,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
]
const inlineFrom = [
  '--cache-from',
  `type=registry,ref=${image}:feature-login`,
  '--cache-from',
  `type=registry,ref=${image}:main`
]
const inlineTo = ['--cache-to', 'type=inline']
const localFrom = ['--cache-from', 'type=local,src=/runner/temp/buildx-cache']
const localTo = ['--cache-to', 'type=local,dest=/runner/temp/buildx-cache-new,mode=max,ignore-error=true']
const localPlan = {
  restoreDir: '/runner/temp/buildx-cache',
  exportDir: '/runner/temp/buildx-cache-new',
  key: 'buildx-shop-web-runtime-d1e2f3',
  restoreKeys: ['buildx-shop-web-runtime-']
}

describe('parseCacheInputs', () => {
  it.each([
    [
      {},
      {
        cache: [],
        'cache-from': [],
        'cache-to': [],
        'cache-mode': 'max',
        'cache-ref': '',
        'cache-repository': ''
      }
    ],
    [{ cache: 'none' }, { cache: 'none' }],
    [{ cache: 'GHA, registry,gha' }, { cache: ['gha', 'registry'] }],
    [{ cache: 'local\ninline' }, { cache: ['local', 'inline'] }],
    [{ 'cache-mode': 'MIN' }, { 'cache-mode': 'min' }],
    [{ 'cache-ref': 'buildcache-web' }, { 'cache-ref': 'buildcache-web' }],
    [{ 'cache-ref': `${registry}/cache:web` }, { 'cache-ref': `${registry}/cache:web` }],
    [{ 'cache-repository': 'shop/web-cache' }, { 'cache-repository': 'shop/web-cache' }],
    [
      {
        'cache-from': 'type=registry,ref=a/b:c\n# comment\ntype=gha,scope=x',
        'cache-to': 'type=gha,scope=x,mode=max'
      },
      {
        'cache-from': ['type=registry,ref=a/b:c', 'type=gha,scope=x'],
        'cache-to': ['type=gha,scope=x,mode=max']
      }
    ]
  ])('%j', (raw, expected) => {
    expect(parseCacheInputs(raw)).toMatchObject(expected)
  })

  it.each([
    [
      { cache: 'gha,redis' },
      `Input 'cache' has 'redis': expected a comma list of gha, registry, inline, local, none.`
    ],
    [{ cache: 'none,gha' }, `Input 'cache' is 'none,gha': 'none' cannot be combined with other backends.`],
    [{ 'cache-mode': 'all' }, `Input 'cache-mode' is 'all': expected 'max' or 'min'.`],
    [{ 'cache-ref': 'build cache' }, `Input 'cache-ref' is 'build cache': expected a tag`],
    [{ 'cache-ref': 'a,b' }, `Input 'cache-ref' is 'a,b': expected a tag`],
    [
      { 'cache-repository': 'Shop/Web' },
      `Input 'cache-repository' is 'Shop/Web': expected an ECR repository name`
    ],
    [
      { 'cache-to': 'type=gha,token=abc' },
      `Input 'cache-to' has a 'token=' attribute: credentials must not be in build arguments`
    ],
    [
      { 'cache-from': 'type=s3,region=us-east-1,bucket=b,secret_access_key=abc' },
      `Input 'cache-from' has a 'secret_access_key=' attribute`
    ]
  ])('%j is refused', (raw, message) => {
    expect(() => parseCacheInputs(raw)).toThrow(ConfigurationError)
    expect(() => parseCacheInputs(raw)).toThrow(message)
  })
})

describe('planCache', () => {
  it.each<[string, Record<string, string>, CacheFacts, Pick<CachePlan, 'args' | 'backends'>]>([
    [
      'default on a hosted runner with the cache service: gha',
      {},
      hosted,
      { backends: ['gha'], args: [...ghaFrom, ...ghaTo] }
    ],
    [
      'default on a self-hosted runner: registry',
      {},
      selfHosted,
      { backends: ['registry'], args: [...registryFrom, ...registryTo] }
    ],
    [
      'default on a hosted runner without the cache service: registry',
      {},
      { ...hosted, env: {} },
      { backends: ['registry'], args: [...registryFrom, ...registryTo] }
    ],
    [
      'default with the docker driver: inline',
      {},
      dockerDriver,
      { backends: ['inline'], args: [...inlineFrom, ...inlineTo] }
    ],
    ['none', { cache: 'none' }, hosted, { backends: [], args: [] }],
    ['gha', { cache: 'gha' }, hosted, { backends: ['gha'], args: [...ghaFrom, ...ghaTo] }],
    [
      'registry',
      { cache: 'registry' },
      hosted,
      { backends: ['registry'], args: [...registryFrom, ...registryTo] }
    ],
    ['inline', { cache: 'inline' }, hosted, { backends: ['inline'], args: [...inlineFrom, ...inlineTo] }],
    ['local', { cache: 'local' }, hosted, { backends: ['local'], args: [...localFrom, ...localTo] }],
    [
      'gha,registry',
      { cache: 'gha,registry' },
      hosted,
      { backends: ['gha', 'registry'], args: [...ghaFrom, ...registryFrom, ...ghaTo, ...registryTo] }
    ],
    [
      'registry,inline',
      { cache: 'registry,inline' },
      selfHosted,
      { backends: ['registry', 'inline'], args: [...registryFrom, ...inlineFrom, ...registryTo, ...inlineTo] }
    ],
    [
      'gha,local,inline',
      { cache: 'gha,local,inline' },
      hosted,
      {
        backends: ['gha', 'local', 'inline'],
        args: [...ghaFrom, ...localFrom, ...inlineFrom, ...ghaTo, ...localTo, ...inlineTo]
      }
    ],
    [
      'cache-mode min',
      { cache: 'gha,registry,local', 'cache-mode': 'min' },
      hosted,
      {
        backends: ['gha', 'registry', 'local'],
        args: [
          ...ghaFrom,
          ...registryFrom,
          ...localFrom,
          '--cache-to',
          'type=gha,scope=shop-web-runtime-feature-login,mode=min,ignore-error=true',
          '--cache-to',
          `type=registry,ref=${image}:buildcache-runtime,mode=min,image-manifest=true,oci-mediatypes=true,ignore-error=true`,
          '--cache-to',
          'type=local,dest=/runner/temp/buildx-cache-new,mode=min,ignore-error=true'
        ]
      }
    ],
    [
      'gha on the default branch reads one scope',
      { cache: 'gha' },
      { ...hosted, branch: 'main' },
      {
        backends: ['gha'],
        args: [
          '--cache-from',
          'type=gha,scope=shop-web-runtime-main',
          '--cache-to',
          'type=gha,scope=shop-web-runtime-main,mode=max,ignore-error=true'
        ]
      }
    ],
    [
      'gha for a tag build (no branch) writes the unbranched scope and reads the default branch',
      { cache: 'gha' },
      { ...hosted, branch: undefined },
      {
        backends: ['gha'],
        args: [
          '--cache-from',
          'type=gha,scope=shop-web-runtime',
          '--cache-from',
          'type=gha,scope=shop-web-runtime-main',
          '--cache-to',
          'type=gha,scope=shop-web-runtime,mode=max,ignore-error=true'
        ]
      }
    ],
    [
      'gha and registry per platform set',
      { cache: 'gha,registry' },
      { ...hosted, platforms: ['linux/arm64', 'linux/amd64'] },
      {
        backends: ['gha', 'registry'],
        args: [
          '--cache-from',
          'type=gha,scope=shop-web-runtime-linux-amd64_linux-arm64-feature-login',
          '--cache-from',
          'type=gha,scope=shop-web-runtime-linux-amd64_linux-arm64-main',
          '--cache-from',
          `type=registry,ref=${image}:buildcache-runtime-linux-amd64_linux-arm64`,
          '--cache-to',
          'type=gha,scope=shop-web-runtime-linux-amd64_linux-arm64-feature-login,mode=max,ignore-error=true',
          '--cache-to',
          `type=registry,ref=${image}:buildcache-runtime-linux-amd64_linux-arm64,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
        ]
      }
    ],
    [
      'registry in cache-repository',
      { cache: 'registry', 'cache-repository': 'shop/web-cache' },
      selfHosted,
      {
        backends: ['registry'],
        args: [
          '--cache-from',
          `type=registry,ref=${registry}/shop/web-cache:buildcache-runtime`,
          '--cache-to',
          `type=registry,ref=${registry}/shop/web-cache:buildcache-runtime,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
        ]
      }
    ],
    [
      'registry with a cache-ref tag',
      { cache: 'registry', 'cache-ref': 'cache-web' },
      selfHosted,
      {
        backends: ['registry'],
        args: [
          '--cache-from',
          `type=registry,ref=${image}:cache-web`,
          '--cache-to',
          `type=registry,ref=${image}:cache-web,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
        ]
      }
    ],
    [
      'registry with a full cache-ref',
      { cache: 'registry', 'cache-ref': `${registry}/caches:web` },
      selfHosted,
      {
        backends: ['registry'],
        args: [
          '--cache-from',
          `type=registry,ref=${registry}/caches:web`,
          '--cache-to',
          `type=registry,ref=${registry}/caches:web,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
        ]
      }
    ],
    [
      'inline with no earlier tag to read only writes',
      { cache: 'inline' },
      { ...hosted, previousTags: [] },
      { backends: ['inline'], args: [...inlineTo] }
    ],
    [
      'unnamed target and odd branch characters are sanitized',
      { cache: 'gha,registry' },
      { ...hosted, target: '1', branch: 'dependabot/npm_and_yarn/@types/node-20' },
      {
        backends: ['gha', 'registry'],
        args: [
          '--cache-from',
          'type=gha,scope=shop-web-1-dependabot-npm_and_yarn-types-node-20',
          '--cache-from',
          'type=gha,scope=shop-web-1-main',
          '--cache-from',
          `type=registry,ref=${image}:buildcache-1`,
          '--cache-to',
          'type=gha,scope=shop-web-1-dependabot-npm_and_yarn-types-node-20,mode=max,ignore-error=true',
          '--cache-to',
          `type=registry,ref=${image}:buildcache-1,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
        ]
      }
    ]
  ])('%s', (_, raw, facts, expected) => {
    const plan = planCache(inputs(raw), facts)
    expect({ args: plan.args, backends: plan.backends }).toEqual(expected)
    expect(plan.warnings).toEqual([])
  })

  it('local plans the restore and export directories and the key', () => {
    expect(planCache(inputs({ cache: 'local' }), hosted).local).toEqual(localPlan)
    expect(planCache(inputs({ cache: 'gha' }), hosted).local).toBeUndefined()
  })

  it.each<[string, Record<string, string>, CacheFacts, Pick<CachePlan, 'args' | 'backends' | 'warnings'>]>([
    [
      'gha without the runner cache service falls back to registry',
      { cache: 'gha' },
      { ...hosted, env: { ACTIONS_CACHE_SERVICE_V2: 'true' } },
      {
        backends: ['registry'],
        args: [...registryFrom, ...registryTo],
        warnings: [
          `Cache: 'gha' needs the runner's cache service, but ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL are not set in this step's environment (the runner gives them to every JavaScript action; is this running outside GitHub Actions?). Using the registry cache instead.`
        ]
      }
    ],
    [
      'gha with cache service v2 and buildx 0.20 falls back to registry',
      { cache: 'gha' },
      { ...hosted, buildxVersion: '0.20.1' },
      {
        backends: ['registry'],
        args: [...registryFrom, ...registryTo],
        warnings: [
          `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs buildx 0.21.0 or later; this runner has buildx 0.20.1. Add docker/setup-buildx-action with 'version: latest' before this step, or set 'cache: registry'. Using the registry cache instead.`
        ]
      }
    ],
    [
      'gha with cache service v2 and BuildKit 0.19 falls back to registry',
      { cache: 'gha' },
      { ...hosted, buildkitVersion: 'v0.19.0' },
      {
        backends: ['registry'],
        args: [...registryFrom, ...registryTo],
        warnings: [
          `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs BuildKit 0.20.0 or later; the builder runs BuildKit v0.19.0. Create the builder with docker/setup-buildx-action and 'driver-opts: image=moby/buildkit:buildx-stable-1' (or at least moby/buildkit:v0.20.0) and pass its name as 'builder', or set 'cache: registry'. Using the registry cache instead.`
        ]
      }
    ],
    [
      'gha,registry with old buildx keeps one registry cache',
      { cache: 'gha,registry' },
      { ...hosted, buildxVersion: '0.13.1+ds1' },
      {
        backends: ['registry'],
        args: [...registryFrom, ...registryTo],
        warnings: [expect.stringContaining('this runner has buildx 0.13.1+ds1') as unknown as string]
      }
    ],
    [
      'registry on an immutable repository falls back to inline',
      { cache: 'registry' },
      { ...selfHosted, tagImmutable: true },
      {
        backends: ['inline'],
        args: [...inlineFrom, ...inlineTo],
        warnings: [
          `Cache: ECR repository 'shop/web' has immutable tags, so the registry cache tag 'buildcache-runtime' could be written once and never updated (docker/build-push-action#1042). Set 'cache-repository' to a repository with mutable tags (e.g. 'shop/web-cache'), or 'cache: gha'. Using inline cache instead.`
        ]
      }
    ],
    [
      'default on a self-hosted runner with an immutable repository falls back to inline',
      {},
      { ...selfHosted, tagImmutable: true },
      {
        backends: ['inline'],
        args: [...inlineFrom, ...inlineTo],
        warnings: [expect.stringContaining('immutable tags') as unknown as string]
      }
    ],
    [
      'gha,registry,inline with the docker driver: one warning, inline',
      { cache: 'gha,registry,local,inline' },
      dockerDriver,
      {
        backends: ['inline'],
        args: [...inlineFrom, ...inlineTo],
        warnings: [
          `Cache: the docker driver can't export 'gha', 'registry', 'local' cache (it only embeds 'inline' cache in the image), so this build uses inline cache. For gha, registry or local cache, use 'driver: docker-container' (the default).`
        ]
      }
    ],
    [
      'raw cache-to the docker driver cannot export is left out',
      { 'cache-to': 'type=registry,ref=x/y:z\ntype=inline' },
      dockerDriver,
      {
        backends: ['inline'],
        args: [...inlineFrom, '--cache-to', 'type=inline'],
        warnings: [
          `Cache: input 'cache-to' has 'type=registry,ref=x/y:z', which the docker driver can't export; it is left out of this build. Use 'driver: docker-container' (the default) or 'cache-to: type=inline'.`
        ]
      }
    ]
  ])('%s', (_, raw, facts, expected) => {
    const plan = planCache(inputs(raw), facts)
    expect({ args: plan.args, backends: plan.backends, warnings: plan.warnings }).toEqual(expected)
  })

  it.each([
    [
      'a cache-repository',
      { 'cache-repository': 'shop/web-cache' },
      `${registry}/shop/web-cache:buildcache-runtime`
    ],
    ['a full cache-ref', { 'cache-ref': `${registry}/caches:web` }, `${registry}/caches:web`]
  ])('an immutable repository keeps registry cache with %s', (_, raw, ref) => {
    const plan = planCache(inputs({ cache: 'registry', ...raw }), { ...selfHosted, tagImmutable: true })
    expect(plan).toEqual({
      backends: ['registry'],
      warnings: [],
      args: [
        '--cache-from',
        `type=registry,ref=${ref}`,
        '--cache-to',
        `type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
      ]
    })
  })

  it('gha on the legacy cache service (no ACTIONS_CACHE_SERVICE_V2) works with an old buildx', () => {
    const facts = {
      ...hosted,
      buildxVersion: '0.13.1',
      env: { ...hosted.env, ACTIONS_CACHE_SERVICE_V2: undefined }
    }
    expect(planCache(inputs({ cache: 'gha' }), facts)).toMatchObject({ backends: ['gha'], warnings: [] })
  })

  it.each<[string, Record<string, string>, CacheFacts, string[]]>([
    [
      'raw cache-from replaces the planned reads and keeps the planned writes',
      { cache: 'registry', 'cache-from': `type=registry,ref=${registry}/other:cache` },
      selfHosted,
      ['--cache-from', `type=registry,ref=${registry}/other:cache`, ...registryTo]
    ],
    [
      'raw cache-to replaces the planned writes and gets ignore-error=true',
      { cache: 'gha', 'cache-to': 'type=gha,scope=mine,mode=max\ntype=inline\nuser/app:cache' },
      hosted,
      [
        ...ghaFrom,
        '--cache-to',
        'type=gha,scope=mine,mode=max,ignore-error=true',
        '--cache-to',
        'type=inline',
        '--cache-to',
        'user/app:cache,ignore-error=true'
      ]
    ],
    [
      'an explicit ignore-error is kept',
      { 'cache-to': 'type=registry,ref=a/b:c,ignore-error=false' },
      selfHosted,
      [...registryFrom, '--cache-to', 'type=registry,ref=a/b:c,ignore-error=false']
    ],
    [
      'none with raw overrides uses only the overrides',
      { cache: 'none', 'cache-from': 'type=gha,scope=x', 'cache-to': 'type=gha,scope=x' },
      hosted,
      ['--cache-from', 'type=gha,scope=x', '--cache-to', 'type=gha,scope=x,ignore-error=true']
    ]
  ])('%s', (_, raw, facts, args) => {
    expect(planCache(inputs(raw), facts).args).toEqual(args)
  })

  it('never puts a runner token in the plan', () => {
    const everything = ['', 'gha', 'registry', 'inline', 'local', 'gha,registry,local,inline']
    for (const cache of everything) {
      for (const facts of [hosted, selfHosted, dockerDriver, { ...hosted, buildxVersion: '0.10.0' }]) {
        expect(JSON.stringify(planCache(inputs({ cache }), facts))).not.toContain(runtimeToken)
      }
    }
  })
})

describe('localCacheKey', () => {
  it('keys on scope and dependency hash, restoring any earlier hash of the same scope', () => {
    expect(localCacheKey('shop-web-runtime', 'abc')).toEqual({
      key: 'buildx-shop-web-runtime-abc',
      restoreKeys: ['buildx-shop-web-runtime-']
    })
  })
})

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
    return planCache(inputs({ cache: 'local' }), {
      ...hosted,
      localCacheDir: path.join(root, 'buildx-cache')
    })
  }

  it('restores with the key and restore keys, and removes a stale export directory', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.exportDir)
    const { client, calls } = fakeClient('buildx-shop-web-runtime-old')
    expect(await restoreLocalCache(plan, client)).toBe('buildx-shop-web-runtime-old')
    expect(calls).toEqual([['restore', [plan.local!.restoreDir], plan.local!.key, plan.local!.restoreKeys]])
    expect(existsSync(plan.local!.exportDir)).toBe(false)
  })

  it('swaps the exported directory in and saves it under the new key', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.restoreDir)
    writeFileSync(path.join(plan.local!.restoreDir, 'old-blob'), 'old')
    mkdirSync(plan.local!.exportDir)
    writeFileSync(path.join(plan.local!.exportDir, 'index.json'), '{"new":true}')
    const { client, calls } = fakeClient(undefined)
    await saveLocalCache(plan, 'buildx-shop-web-runtime-old', client)
    expect(calls).toEqual([['save', [plan.local!.restoreDir], 'buildx-shop-web-runtime-d1e2f3']])
    expect(existsSync(plan.local!.exportDir)).toBe(false)
    expect(existsSync(path.join(plan.local!.restoreDir, 'old-blob'))).toBe(false)
    expect(readFileSync(path.join(plan.local!.restoreDir, 'index.json'), 'utf8')).toBe('{"new":true}')
  })

  it('does not save again under the key that was restored', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    mkdirSync(plan.local!.exportDir)
    const { client, calls } = fakeClient(undefined)
    await saveLocalCache(plan, plan.local!.key, client)
    expect(calls).toEqual([])
    expect(existsSync(plan.local!.restoreDir)).toBe(true)
  })

  it('never throws when the cache service fails or nothing was exported', async () => {
    const root = tempDir()
    const plan = localCachePlan(root)
    const { client } = fakeClient(undefined, true)
    await expect(restoreLocalCache(plan, client)).resolves.toBeUndefined()
    await expect(saveLocalCache(plan, undefined, client)).resolves.toBeUndefined()
    mkdirSync(plan.local!.exportDir)
    await expect(saveLocalCache(plan, undefined, client)).resolves.toBeUndefined()
  })

  it('does nothing without a local backend', async () => {
    const { client, calls } = fakeClient('x')
    const plan = planCache(inputs({ cache: 'gha' }), hosted)
    expect(await restoreLocalCache(plan, client)).toBeUndefined()
    await saveLocalCache(plan, undefined, client)
    expect(calls).toEqual([])
  })
})

describe('planCache without a push (no registry)', () => {
  const noRegistry = (facts: CacheFacts): CacheFacts => ({ ...facts, registry: '', image: 'shop/web' })

  it('defaults to gha where the cache service is, and to nothing on the docker driver', () => {
    expect(planCache(inputs({}), noRegistry(hosted))).toMatchObject({ backends: ['gha'], warnings: [] })
    expect(planCache(inputs({}), noRegistry(dockerDriver))).toEqual({ args: [], warnings: [], backends: [] })
    expect(planCache(inputs({}), noRegistry(selfHosted))).toEqual({ args: [], warnings: [], backends: [] })
  })

  it('leaves registry and inline cache out with a warning, and never names a registry image', () => {
    const plan = planCache(inputs({ cache: 'registry,inline,local' }), noRegistry(selfHosted))
    expect(plan.backends).toEqual(['local'])
    expect(plan.warnings).toEqual([
      "Cache: 'registry', 'inline' cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push."
    ])
    expect(plan.args.join(' ')).not.toContain('type=registry')
  })

  it('the docker driver without a push builds without cache', () => {
    const plan = planCache(inputs({ cache: 'gha' }), noRegistry(dockerDriver))
    expect(plan).toMatchObject({ args: [], backends: [] })
    expect(plan.warnings[0]).toContain('without a push there is no inline cache either')
  })
})

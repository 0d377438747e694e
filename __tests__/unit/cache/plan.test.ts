import { describe, expect, it } from '@jest/globals'
import { parseCacheConfig, type CacheConfig } from '../../../src/config/cache.js'
import {
  cacheFlags,
  localCacheKey,
  planCache,
  sanitize,
  type CacheFacts,
  type CachePlan
} from '../../../src/cache/plan.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const image = `${registry}/shop/web`
const runtimeToken = 'runtime-token-must-never-appear'

const hosted: CacheFacts = {
  driver: 'docker-container',
  imageStore: 'classic',
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
  localCacheRoot: '/runner/temp/ecr-build-push-cache',
  dependencyHash: 'd1e2f3',
  hostedRunner: true
}
const selfHosted: CacheFacts = { ...hosted, env: {}, hostedRunner: false }
const dockerDriver: CacheFacts = { ...hosted, driver: 'docker', buildkitVersion: undefined }

function inputs(raw: Record<string, string> = {}): CacheConfig {
  return parseCacheConfig(raw)
}

interface Rendered {
  args: string[]
  /** The backends the plan writes, one cache-to spec each. */
  backends: string[]
  warnings: string[]
}

/** The plan as buildx flags in plan order, the backends its writes name, and its warnings. */
function rendered(plan: CachePlan): Rendered {
  const backends = plan.to.map((spec) => /type=(\w+)/.exec(spec)?.[1] ?? 'registry')
  return { args: cacheFlags(plan), backends, warnings: plan.warnings }
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
const localFrom = ['--cache-from', 'type=local,src=/runner/temp/ecr-build-push-cache/shop-web/runtime']
const localTo = [
  '--cache-to',
  'type=local,dest=/runner/temp/ecr-build-push-cache/shop-web/runtime-new,mode=max,ignore-error=true'
]
const localPlan = {
  restoreDir: '/runner/temp/ecr-build-push-cache/shop-web/runtime',
  exportDir: '/runner/temp/ecr-build-push-cache/shop-web/runtime-new',
  key: 'buildx-shop-web-runtime-d1e2f3',
  restoreKeys: ['buildx-shop-web-runtime-']
}

describe('planCache', () => {
  it.each<[string, Record<string, string>, CacheFacts, Omit<Rendered, 'warnings'>]>([
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
          'type=local,dest=/runner/temp/ecr-build-push-cache/shop-web/runtime-new,mode=min,ignore-error=true'
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
    const { args, backends, warnings } = rendered(plan)
    expect({ args, backends }).toEqual(expected)
    expect(warnings).toEqual([])
  })

  it('local plans the restore and export directories and the key', () => {
    expect(planCache(inputs({ cache: 'local' }), hosted).local).toEqual(localPlan)
    expect(planCache(inputs({ cache: 'gha' }), hosted).local).toBeUndefined()
  })

  it.each<[string, Record<string, string>, CacheFacts, Rendered]>([
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
      'gha,registry,local,inline with the docker driver on the classic store: one warning, inline',
      { cache: 'gha,registry,local,inline' },
      dockerDriver,
      {
        backends: ['inline'],
        args: [...inlineFrom, ...inlineTo],
        warnings: [
          `Cache: the docker driver with the classic image store can't export 'gha', 'registry', 'local' cache (it only embeds 'inline' cache in the image), so this build uses inline cache. For gha, registry or local cache, use 'driver: docker-container' (the default) or Docker's containerd image store.`
        ]
      }
    ],
    [
      'raw cache-to the docker driver on the classic store cannot export is left out',
      { 'cache-to': 'type=registry,ref=x/y:z\ntype=inline' },
      dockerDriver,
      {
        backends: ['inline'],
        args: [...inlineFrom, '--cache-to', 'type=inline'],
        warnings: [
          `Cache: input 'cache-to' has 'type=registry,ref=x/y:z', which the docker driver with the classic image store can't export; it is left out of this build. Use 'driver: docker-container' (the default), Docker's containerd image store, or 'cache-to: type=inline'.`
        ]
      }
    ]
  ])('%s', (_, raw, facts, expected) => {
    const plan = planCache(inputs(raw), facts)
    expect(rendered(plan)).toEqual(expected)
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
      from: [`type=registry,ref=${ref}`],
      to: [`type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`],
      warnings: []
    })
  })

  it('gha on the legacy cache service (no ACTIONS_CACHE_SERVICE_V2) works with an old buildx', () => {
    const facts = {
      ...hosted,
      buildxVersion: '0.13.1',
      env: { ...hosted.env, ACTIONS_CACHE_SERVICE_V2: undefined }
    }
    expect(rendered(planCache(inputs({ cache: 'gha' }), facts))).toMatchObject({
      backends: ['gha'],
      warnings: []
    })
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
    expect(cacheFlags(planCache(inputs(raw), facts))).toEqual(args)
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

describe('planCache without a push (no registry)', () => {
  const noRegistry = (facts: CacheFacts): CacheFacts => ({ ...facts, registry: '', image: 'shop/web' })

  it('defaults to gha where the cache service is, and to nothing on the docker driver', () => {
    expect(rendered(planCache(inputs({}), noRegistry(hosted)))).toMatchObject({
      backends: ['gha'],
      warnings: []
    })
    expect(planCache(inputs({}), noRegistry(dockerDriver))).toEqual({ from: [], to: [], warnings: [] })
    expect(planCache(inputs({}), noRegistry(selfHosted))).toEqual({ from: [], to: [], warnings: [] })
  })

  it('leaves registry and inline cache out with a warning, and never names a registry image', () => {
    const plan = planCache(inputs({ cache: 'registry,inline,local' }), noRegistry(selfHosted))
    expect(rendered(plan).backends).toEqual(['local'])
    expect(plan.warnings).toEqual([
      "Cache: 'registry', 'inline' cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push."
    ])
    expect(cacheFlags(plan).join(' ')).not.toContain('type=registry')
  })

  it('the docker driver without a push builds without cache', () => {
    const plan = planCache(inputs({ cache: 'gha' }), noRegistry(dockerDriver))
    expect([plan.from, plan.to]).toEqual([[], []])
    expect(plan.warnings[0]).toContain('without a push there is no inline cache either')
  })
})

describe('planCache on pull requests', () => {
  const pullRequest: CacheFacts = { ...hosted, branch: 'feature/login', pullRequest: 42 }

  it('writes gha only to the pull request’s own scope, reading it first, then the default branch', () => {
    expect(planCache(inputs({ cache: 'gha' }), pullRequest)).toEqual({
      from: ['type=gha,scope=shop-web-runtime-pr-42', 'type=gha,scope=shop-web-runtime-main'],
      to: ['type=gha,scope=shop-web-runtime-pr-42,mode=max,ignore-error=true'],
      warnings: []
    })
  })

  it('writes the registry cache under its own tag, never the one the default branch reads', () => {
    expect(
      planCache(inputs({ cache: 'registry' }), { ...pullRequest, env: {}, hostedRunner: false })
    ).toEqual({
      from: [
        `type=registry,ref=${image}:buildcache-runtime-pr-42`,
        `type=registry,ref=${image}:buildcache-runtime`
      ],
      to: [
        `type=registry,ref=${image}:buildcache-runtime-pr-42,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
      ],
      warnings: []
    })
    expect(planCache(inputs({ cache: 'registry', 'cache-ref': 'shared' }), pullRequest).to).toEqual([
      `type=registry,ref=${image}:shared-pr-42,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
    ])
  })

  it('keeps a full cache-ref as given: the user chose where it goes', () => {
    expect(
      planCache(inputs({ cache: 'registry', 'cache-ref': `${registry}/caches:web` }), pullRequest).to
    ).toEqual([
      `type=registry,ref=${registry}/caches:web,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
    ])
  })
})

describe('planCache with the docker driver on the containerd image store', () => {
  const containerd: CacheFacts = { ...dockerDriver, imageStore: 'containerd' }

  it('exports every backend, and picks gha or registry by default as a builder container would', () => {
    expect(rendered(planCache(inputs({ cache: 'gha,registry,local' }), containerd))).toEqual({
      args: [...ghaFrom, ...registryFrom, ...localFrom, ...ghaTo, ...registryTo, ...localTo],
      backends: ['gha', 'registry', 'local'],
      warnings: []
    })
    expect(rendered(planCache(inputs({}), containerd)).backends).toEqual(['gha'])
    expect(rendered(planCache(inputs({}), { ...containerd, env: {}, hostedRunner: false })).backends).toEqual(
      ['registry']
    )
    expect(planCache(inputs({ 'cache-to': 'type=registry,ref=x/y:z' }), containerd)).toMatchObject({
      to: ['type=registry,ref=x/y:z,ignore-error=true'],
      warnings: []
    })
  })
})

describe('sanitize', () => {
  it.each([
    ['feature/Login_form', 'feature-Login_form'],
    ['dependabot/npm_and_yarn/@types/node-20', 'dependabot-npm_and_yarn-types-node-20'],
    ['..hidden', 'hidden'],
    ['a..b', 'a-b'],
    ['--x--', 'x'],
    ['日本', ''],
    ['v1.2.3', 'v1.2.3']
  ])('%j → %j', (part, expected) => {
    expect(sanitize(part)).toBe(expected)
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'

// These tests empty the daemon's build cache, so the e2e project runs in band (scripts/test.mjs).
let stack: Stack
const version = randomBytes(4).toString('hex')

beforeAll(async () => {
  stack = await startStack([
    { name: 'shop/cache' },
    { name: 'shop/cache-warn' },
    { name: 'shop/cache-plan' },
    { name: 'shop/frozen', tagMutability: 'IMMUTABLE' }
  ])
}, 120_000)

afterAll(async () => {
  await stack?.stop()
})

function forgetLocalCache(repository: string): void {
  stack.docker(['builder', 'prune', '--all', '--force'])
  for (const tag of ['main', 'latest', '4f2c9ab']) {
    try {
      stack.docker(['image', 'rm', `${stack.registry.host}/${repository}:${tag}`])
    } catch {
      // not in the daemon
    }
  }
}

function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      target: 'production',
      driver: 'docker',
      scan: 'false',
      'github-token': '',
      'build-args': `APP_VERSION=${version}`,
      ...inputs
    },
    env: { ...stack.env, ...env }
  })
}

function cacheLine(summary: string): string | undefined {
  return /\d+ of \d+ build steps from cache/.exec(summary)?.[0]
}

describe('inline cache on the docker driver', () => {
  it('exports inline cache, and a later build on a cold builder imports it from the registry', async () => {
    forgetLocalCache('shop/cache')
    const first = await run({ repository: 'shop/cache' })
    expect(first.main.code).toBe(0)
    expect(cacheLine(first.summary)).toBe('0 of 7 build steps from cache')
    expect(first.summary).toMatch(
      /\*\*Slowest uncached steps\*\*[\s\S]*\| <code>\[builder 1\/3\] RUN mkdir -p \/build/
    )
    const build = stack
      .argvLog()
      .find((args) => args[1] === 'build' && args.includes(`${stack.registry.host}/shop/cache:main`))
    expect(build).toEqual(
      expect.arrayContaining([
        '--cache-from',
        `type=registry,ref=${stack.registry.host}/shop/cache:main`,
        '--cache-to',
        'type=inline'
      ])
    )

    // On the default branch this ref's own tag is the default branch's: one import, not a second of `latest`.
    expect(build?.filter((arg) => arg === '--cache-from')).toHaveLength(1)

    forgetLocalCache('shop/cache')
    const second = await run({ repository: 'shop/cache' })
    expect(second.main.code).toBe(0)
    expect(second.main.stdout).toContain(
      `importing cache manifest from ${stack.registry.host}/shop/cache:main`
    )
    // The final image's layers come back from the registry, so BuildKit never needs to run the builder stage.
    expect(cacheLine(second.summary)).toBe('7 of 7 build steps from cache')
    expect(second.main.stdout).toMatch(/^#\d+ \[base 3\/3\] COPY requirements\.txt \.\/\n#\d+ CACHED$/m)
  }, 240_000)
})

describe('cache the docker driver cannot export', () => {
  it('warns once, explains, falls back to inline and builds', async () => {
    const result = await run({ repository: 'shop/cache-warn', cache: 'registry,gha' })
    expect(result.main.code).toBe(0)
    const warnings = result.main.stdout.split('\n').filter((line) => line.startsWith('::warning::Cache:'))
    expect(warnings).toEqual([
      "::warning::Cache: the docker driver with the classic image store can't export 'registry', 'gha' cache (it only embeds 'inline' cache in the image), so this build uses inline cache. For gha, registry or local cache, use 'driver: docker-container' (the default) or Docker's containerd image store."
    ])
    const build = stack
      .argvLog()
      .find((args) => args[1] === 'build' && args.includes(`${stack.registry.host}/shop/cache-warn:main`))
    expect(build).toEqual(expect.arrayContaining(['--cache-to', 'type=inline']))
    expect(await stack.client.tags('shop/cache-warn')).toEqual(['4f2c9ab', 'latest', 'main'])
  }, 120_000)
})

describe('dry-run shows the docker-container cache plans in full', () => {
  function buildLine(stdout: string): string {
    return stdout.split('\n').find((line) => line.startsWith('$ docker buildx build ')) ?? ''
  }

  it('registry cache with the ECR-compatible manifest', async () => {
    const result = await run({
      repository: 'shop/cache-plan',
      driver: 'docker-container',
      cache: 'registry',
      'dry-run': 'true'
    })
    expect(result.main.code).toBe(0)
    const ref = `${stack.registry.host}/shop/cache-plan:buildcache-production`
    expect(buildLine(result.main.stdout)).toContain(
      `--cache-from type=registry,ref=${ref} --cache-to type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
    )
  }, 60_000)

  it('gha cache scoped per target, a pull request writing only its own scope and reading the default branch’s, with no token printed', async () => {
    const token = `runtime-token-${randomBytes(6).toString('hex')}`
    const result = await runAction({
      eventName: 'pull_request',
      github: { GITHUB_SHA: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6', GITHUB_REF: 'refs/pull/3/merge' },
      payload: {
        number: 3,
        pull_request: {
          number: 3,
          head: { ref: 'feature/login', sha: 'b'.repeat(40) },
          base: { ref: 'main' }
        },
        repository: { name: 'shop', default_branch: 'main' }
      },
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/cache-plan',
        target: 'production',
        cache: 'gha',
        scan: 'false',
        'dry-run': 'true',
        'github-token': ''
      },
      env: {
        ...stack.env,
        RUNNER_ENVIRONMENT: 'github-hosted',
        ACTIONS_RUNTIME_TOKEN: token,
        ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
        ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/'
      }
    })
    expect(result.main.code).toBe(0)
    expect(buildLine(result.main.stdout)).toContain(
      '--cache-from type=gha,scope=shop-cache-plan-production-pr-3 --cache-from type=gha,scope=shop-cache-plan-production-main --cache-to type=gha,scope=shop-cache-plan-production-pr-3,mode=max,ignore-error=true'
    )
    // A pull request reads the default branch's cache and never writes it (cache poisoning).
    expect(buildLine(result.main.stdout)).not.toMatch(
      /--cache-to type=gha,scope=shop-cache-plan-production-main/
    )
    expect(result.main.stdout).not.toContain(token)
  }, 60_000)

  it('an immutable repository keeps its registry cache out and says what to set', async () => {
    const result = await run({
      repository: 'shop/frozen',
      driver: 'docker-container',
      cache: 'registry',
      'dry-run': 'true'
    })
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).toMatch(
      /^::warning::Cache: ECR repository 'shop\/frozen' has immutable tags.*Set 'cache-repository'/m
    )
    expect(buildLine(result.main.stdout)).toContain('--cache-to type=inline')
  }, 60_000)
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { ensureEmulation, unemulatedArchitecture } from '../support/local-stack.mjs'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'

const standIns = path.join(root, '__tests__/support/stand-ins')
let stack: Stack

beforeAll(async () => {
  stack = await startStack(
    ['web', 'dev', 'atomic-web', 'atomic-dev', 'own-web', 'own-dev', 'dry-web', 'dry-dev'].map((name) => ({
      name: `shop/${name}`
    }))
  )
}, 120_000)

afterAll(async () => {
  await stack?.stop()
})

function runTargets(targets: string, inputs: Record<string, string>, report: string) {
  return runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      targets,
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': '',
      'build-args': `APP_VERSION=${randomBytes(4).toString('hex')}`,
      ...inputs
    },
    env: { ...stack.env, PATH: `${standIns}:${stack.env.PATH}`, STANDIN_TRIVY_REPORT: report }
  })
}

interface ImageOutput {
  stage: string
  repository: string
  digest: string | null
  tags: string[]
  vulnerabilities: Record<string, number> | null
  blocked?: string
}

describe('two targets from one Dockerfile', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  /** Docker calls made before this run. */
  let before = 0

  beforeAll(async () => {
    before = stack.argvLog().length
    result = await runTargets('production=shop/web\ndevelopment=shop/dev', {}, 'alpine-310')
  }, 240_000)

  it('pushes both, each with its own digest and every tag on it', async () => {
    expect(result.main.stdout).not.toContain('::error')
    expect(result.main.code).toBe(0)
    const images = JSON.parse(result.outputs.images) as ImageOutput[]
    expect(images.map((image) => [image.stage, image.repository])).toEqual([
      ['production', 'shop/web'],
      ['development', 'shop/dev']
    ])
    expect(images[0].digest).not.toBe(images[1].digest)
    for (const image of images) {
      expect(await stack.client.tags(image.repository)).toEqual(['4f2c9ab', 'latest', 'main'])
      for (const tag of ['4f2c9ab', 'latest', 'main']) {
        expect((await stack.client.manifest(image.repository, tag))?.digest).toBe(image.digest)
      }
      expect(image.vulnerabilities).toEqual({ critical: 0, high: 0, medium: 4, low: 0, unknown: 0 })
    }
    expect((await stack.client.config('shop/web', 'main')).config.User).toBe('nobody')
    expect((await stack.client.config('shop/dev', 'main')).config.User).toBe('root')
    expect(result.outputs.digest).toBe(images[0].digest)
  })

  it('builds in one bake, and the stages they share only once', () => {
    // Every build this run made (Docker's build checks, `--call=check`, build nothing): exactly one bake.
    const builds = stack
      .argvLog()
      .slice(before)
      .filter(
        (args) =>
          args[0] === 'buildx' &&
          (args[1] === 'bake' || (args[1] === 'build' && !args.some((arg) => arg.startsWith('--call='))))
      )
    expect(builds.map((args) => args[1])).toEqual(['bake'])
    // BuildKit may show the shared step once per target, but runs it once: every other showing is CACHED.
    const lines = result.main.stdout.split('\n')
    const vertices = new Set(
      lines
        .filter((line) => /^#\d+ \[\w+ builder 1\/3\] RUN mkdir -p \/build/.test(line))
        .map((line) => line.split(' ')[0])
    )
    const outcomes = lines
      .filter((line) => vertices.has(line.split(' ')[0]) && / (DONE [\d.]+s|CACHED)$/.test(line))
      .map((line) => line.split(' ')[1])
    expect(outcomes.filter((outcome) => outcome === 'DONE')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome !== 'DONE').every((outcome) => outcome === 'CACHED')).toBe(
      true
    )
  })

  it('writes a summary section per target', () => {
    expect(result.summary.split('\n').filter((line) => line.startsWith('### '))).toEqual([
      `### \`production\` → \`${stack.host}/shop/web\``,
      `### \`development\` → \`${stack.host}/shop/dev\``
    ])
  })
})

describe('a failing scan on one target', () => {
  it('blocks both by default (gate: atomic)', async () => {
    const result = await runTargets(
      'production=shop/atomic-web\ndevelopment=shop/atomic-dev',
      {},
      'alpine-310,@shop/atomic-dev=debian-buster'
    )
    expect(result.main.code).toBe(1)
    const error = result.main.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? ''
    expect(error).toContain('No tag was pushed for development: development (shop/atomic-dev): ')
    expect(error).toContain('Held back with them (gate: atomic): production.')
    expect(await stack.client.tags('shop/atomic-web')).toEqual([])
    expect(await stack.client.tags('shop/atomic-dev')).toEqual([])
    const images = JSON.parse(result.outputs.images) as ImageOutput[]
    expect(images.map((image) => [image.stage, image.digest, Boolean(image.blocked)])).toEqual([
      ['production', null, false],
      ['development', null, true]
    ])
  }, 240_000)

  it('blocks only itself with gate: per-target', async () => {
    const result = await runTargets(
      'production=shop/own-web\ndevelopment=shop/own-dev',
      { gate: 'per-target' },
      'alpine-310,@shop/own-dev=debian-buster'
    )
    expect(result.main.code).toBe(1)
    expect(await stack.client.tags('shop/own-web')).toEqual(['4f2c9ab', 'latest', 'main'])
    expect(await stack.client.tags('shop/own-dev')).toEqual([])
    const images = JSON.parse(result.outputs.images) as ImageOutput[]
    expect(images[0].digest).toMatch(/^sha256:/)
    expect(images[1].digest).toBeNull()
  }, 240_000)
})

describe('dry-run of two multi-platform targets on docker-container', () => {
  it('prints QEMU for the platform the host cannot emulate, one bake pushing by digest, and a scan per platform', async () => {
    // Whatever the host had registered: arm64 is emulated (the stack registers it), `other` is not.
    ensureEmulation()
    const other = unemulatedArchitecture()
    const result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        targets: 'production=shop/dry-web\ndevelopment=shop/dry-dev',
        platforms: `linux/amd64,linux/arm64,linux/${other}`,
        cache: 'registry',
        'skip-setup-trivy': 'true',
        'dry-run': 'true',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(0)
    const commands = result.main.stdout.split('\n').filter((line) => line.startsWith('$ '))
    const host = stack.registry.host
    expect(commands.filter((line) => line.includes('tonistiigi/binfmt'))).toEqual([
      `$ docker run --privileged --rm tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0 --install ${other}`
    ])
    expect(commands.filter((line) => line.startsWith('$ docker buildx bake '))).toHaveLength(1)
    expect(result.main.stdout).toContain(
      `"type=image,name=${host}/shop/dry-dev,push-by-digest=true,name-canonical=true,push=true"`
    )
    expect(result.main.stdout).toContain(
      `"type=registry,ref=${host}/shop/dry-web:buildcache-production-linux-amd64_linux-arm64_linux-${other},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true"`
    )
    const scans = commands.filter((line) =>
      /^\$ trivy image --config \S+ --cache-dir \S+ --format json/.test(line)
    )
    expect(scans).toHaveLength(6)
    for (const platform of ['linux/amd64', 'linux/arm64', `linux/${other}`]) {
      expect(
        scans.filter(
          (line) => line.includes(`--platform ${platform} `) && line.includes(' --image-src remote ')
        )
      ).toHaveLength(2)
    }
    expect(scans.every((line) => line.endsWith("@<digest>'"))).toBe(true)
    expect(await stack.client.tags('shop/dry-web')).toEqual([])
  }, 60_000)
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { daemons } from './local-stack.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from './stack.js'

function push(stack: Stack, repository: string) {
  return runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      scan: 'false',
      'github-token': '',
      'build-args': `APP_VERSION=${randomBytes(4).toString('hex')}`
    },
    env: stack.env
  })
}

describe('startStack on the containerd-store daemon', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack([{ name: 'shop/web' }], { store: 'containerd' })
  }, 180_000)
  afterAll(async () => {
    await stack?.stop()
  })

  it('points every docker call of the action at that daemon, which pushes an OCI index', async () => {
    const result = await push(stack, 'shop/web')
    expect(result.main.code).toBe(0)
    const calls = stack.dockerCalls()
    expect(calls.some((call) => call.args[0] === 'buildx' && call.args[1] === 'build')).toBe(true)
    expect(new Set(calls.map((call) => call.dockerHost))).toEqual(new Set([daemons.containerd.host]))
    // The classic store pushes a single Docker manifest; the containerd store an index with an attestation.
    const manifest = await stack.client.manifest('shop/web', 'main')
    expect(manifest?.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(manifest?.digest).toBe(result.outputs.digest)
    expect(stack.docker(['info', '--format', '{{json .DriverStatus}}'])).toContain(
      'io.containerd.snapshotter.v1'
    )
  }, 240_000)
})

describe('startStack with the registry proxy', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack([{ name: 'shop/web' }], { proxy: true })
  }, 120_000)
  afterAll(async () => {
    await stack?.stop()
  })

  it('hands the action the proxy, so its login and push go through it; the stack reads the registry directly', async () => {
    expect(stack.host).toBe(stack.proxy?.host)
    expect(stack.host).not.toBe(stack.registry.host)
    const result = await push(stack, 'shop/web')
    expect(result.main.code).toBe(0)
    expect(result.outputs.registry).toBe(stack.host)
    const puts = (stack.proxy?.requests ?? [])
      .filter((request) => request.method === 'PUT' && request.path.startsWith('/v2/shop/web/manifests/'))
      .map((request) => request.path.split('/').at(-1))
    expect(puts.sort()).toEqual(['4f2c9ab', 'latest', 'main'])
    expect(await stack.client.tags('shop/web')).toEqual(['4f2c9ab', 'latest', 'main'])
    expect(new Set(stack.dockerCalls().map((call) => call.dockerHost))).toEqual(
      new Set([daemons.classic.host])
    )
    // The stack's own synchronous docker calls work through the proxy too (it serves from its own thread).
    stack.login()
    expect(stack.docker(['pull', '--quiet', `${stack.host}/shop/web:main`]).trim()).toBe(
      `${stack.host}/shop/web:main`
    )
  }, 240_000)
})

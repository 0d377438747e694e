// The docker-container driver, the default and what hosted runners use: a BuildKit container (the image
// scripts/build-buildkit-image.sh makes from Debian's sources) pushes by digest, the gate scans every platform
// of the pushed index in the registry, and only then are tags put on that digest. A blocked digest is deleted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { root } from '../support/run-action.mjs'
import {
  exampleWorkspace,
  pushToMain,
  runAction,
  startContainerBuilder,
  startStack,
  type ContainerBuilder,
  type Stack
} from '../support/stack.js'
import { scratchDir } from '../support/scratch.mjs'

const standIns = path.join(root, '__tests__/support/stand-ins')
const sha7 = '4f2c9ab'
const run = promisify(execFile)

let stack: Stack
let containerBuilder: ContainerBuilder | undefined
let builder: string
let base: string
let trivyLog: string

beforeAll(async () => {
  stack = await startStack([
    { name: 'shop/bc' },
    { name: 'shop/bc-blocked' },
    { name: 'shop/bc-kept' },
    { name: 'shop/bc-load' },
    { name: 'base/busybox' }
  ])
  stack.login()
  containerBuilder = await startContainerBuilder(stack, 'ecr-build-push-e2e')
  builder = containerBuilder.name
  base = containerBuilder.base
}, 300_000)

afterAll(async () => {
  containerBuilder?.remove()
  await stack?.stop()
})

interface TrivyCall {
  argv: string[]
}

function scans(): TrivyCall[] {
  if (!existsSync(trivyLog)) return []
  return readFileSync(trivyLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrivyCall)
    .filter((call) => call.argv[0] === 'image' && call.argv.includes('--format'))
}

function flag(call: TrivyCall, name: string): string | undefined {
  const at = call.argv.indexOf(name)
  return at < 0 ? undefined : call.argv[at + 1]
}

async function builderRun(repository: string, report: string, inputs: Record<string, string> = {}) {
  trivyLog = path.join(scratchDir('trivy-log-'), 'calls.jsonl')
  return runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      builder,
      'build-args': `BASE_IMAGE=${base}`,
      'skip-setup-trivy': 'true',
      'github-token': '',
      ...inputs
    },
    env: {
      ...stack.env,
      PATH: `${standIns}:${stack.env.PATH}`,
      STANDIN_TRIVY_REPORT: report,
      STANDIN_TRIVY_LOG: trivyLog,
      STANDIN_TRIVY_VERIFY: '1'
    }
  })
}

const finalTags = async (repository: string) =>
  (await stack.client.tags(repository)).filter((tag) => !tag.startsWith('buildcache-'))

describe('linux/amd64 and linux/arm64, pushed by digest', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await builderRun('shop/bc', 'alpine-310', { platforms: 'linux/amd64,linux/arm64' })
  }, 300_000)

  it('scans each platform of the pushed index by digest, then tags exactly that digest', async () => {
    expect(result.main.stdout.split('\n').filter((line) => line.startsWith('::error'))).toEqual([])
    expect(result.main.code).toBe(0)
    const digest = result.outputs.digest
    expect(
      scans().map((call) => [
        flag(call, '--platform'),
        flag(call, '--image-src'),
        call.argv[call.argv.length - 1]
      ])
    ).toEqual([
      ['linux/amd64', 'remote', `${stack.host}/shop/bc@${digest}`],
      ['linux/arm64', 'remote', `${stack.host}/shop/bc@${digest}`]
    ])
    const puts = stack.ecr.requests
      .filter((request) => request.operation === 'PutImage' && request.body.repositoryName === 'shop/bc')
      .map((request) => [request.body.imageTag, request.body.imageDigest])
    expect(puts).toEqual([
      ['main', digest],
      [sha7, digest],
      ['latest', digest]
    ])
    for (const tag of ['main', sha7, 'latest'])
      expect((await stack.client.manifest('shop/bc', tag))?.digest).toBe(digest)
  })

  it('wrote the registry cache for real, in the form ECR accepts', async () => {
    expect(await stack.client.tags('shop/bc')).toContain('buildcache-production-linux-amd64_linux-arm64')
    const cache = await stack.client.manifest('shop/bc', 'buildcache-production-linux-amd64_linux-arm64')
    expect(cache?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
  })
})

describe('a blocked image pushed by digest', () => {
  it('is deleted from the registry, so nobody can pull it by its digest', async () => {
    const result = await builderRun('shop/bc-blocked', 'alpine-310,linux/arm64=debian-buster', {
      platforms: 'linux/amd64,linux/arm64'
    })
    expect(result.main.code).toBe(1)
    expect(await finalTags('shop/bc-blocked')).toEqual([])
    const digest = (scans()[0].argv.at(-1) as string).split('@')[1]
    expect(await stack.client.manifest('shop/bc-blocked', digest)).toBeUndefined()
    const deleted = stack.ecr.requests.filter(
      (request) =>
        request.operation === 'BatchDeleteImage' && request.body.repositoryName === 'shop/bc-blocked'
    )
    expect(deleted[0].body.imageIds).toEqual([{ imageDigest: digest }])
    expect(result.summary).toMatch(
      /The blocked image was deleted from ECR \(\d+ manifests of shop\/bc-blocked@sha256:/
    )
  }, 300_000)

  it('stays, untagged, with keep-blocked: true, and the summary says who can pull it', async () => {
    const result = await builderRun('shop/bc-kept', 'debian-buster', { 'keep-blocked': 'true' })
    expect(result.main.code).toBe(1)
    expect(await finalTags('shop/bc-kept')).toEqual([])
    const digest = (scans()[0].argv.at(-1) as string).split('@')[1]
    expect((await stack.client.manifest('shop/bc-kept', digest))?.digest).toBe(digest)
    expect(result.summary).toContain(`stays in ECR untagged for inspection ('keep-blocked: true')`)
  }, 300_000)
})

describe('load: true with a push by digest', () => {
  it('pulls the tags into the daemon only after they are on the scanned digest', async () => {
    const result = await builderRun('shop/bc-load', 'alpine-310', { load: 'true' })
    expect(result.main.code).toBe(0)
    const image = `${stack.host}/shop/bc-load`
    const { stdout } = await run(
      'docker',
      ['image', 'inspect', '--format', '{{json .RepoDigests}}', `${stack.host}/shop/bc-load:main`],
      {
        env: { ...process.env, ...stack.env }
      }
    )
    expect(stdout).toContain(result.outputs.digest)
    // Every tag is an image in the daemon, pulled from the digest the tags point at.
    for (const tag of ['main', sha7, 'latest']) {
      const inspected = await run(
        'docker',
        ['image', 'inspect', '--format', '{{json .RepoTags}} {{json .RepoDigests}}', `${image}:${tag}`],
        { env: { ...process.env, ...stack.env } }
      )
      const [tags, digests] = inspected.stdout
        .trim()
        .split(' ')
        .map((list) => JSON.parse(list) as string[])
      expect(tags).toContain(`${image}:${tag}`)
      expect(digests).toEqual([`${image}@${result.outputs.digest}`])
    }
  }, 300_000)
})

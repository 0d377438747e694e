import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { exampleWorkspace, runAction, startStack, type Stack } from '../support/stack.js'

const sha = '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6'
const repository = {
  name: 'shop',
  full_name: 'octo-org/shop',
  html_url: 'https://github.com/octo-org/shop',
  default_branch: 'main'
}
const inputs = { target: 'production', driver: 'docker', scan: 'false', 'github-token': '' }
const utcDay = () => new Date().toISOString().slice(0, 10).replace(/-/g, '')

let stack: Stack

beforeAll(async () => {
  stack = await startStack([{ name: 'shop/nightly' }, { name: 'shop/app' }, { name: 'shop/refused' }])
}, 120_000)

afterAll(async () => {
  await stack?.stop()
})

async function expectOneDigest(name: string, tags: string[], digest: string) {
  for (const tag of tags)
    expect({ tag, digest: (await stack.client.manifest(name, tag))?.digest }).toEqual({ tag, digest })
}

describe('a scheduled run with the nightly rules', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let day: string

  beforeAll(async () => {
    const before = utcDay()
    result = await runAction({
      eventName: 'schedule',
      github: { GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main' },
      payload: { schedule: '17 3 * * *', repository },
      workspace: exampleWorkspace(),
      inputs: {
        ...inputs,
        repository: 'shop/nightly',
        tags: [
          'type=schedule',
          "type=schedule,pattern=nightly-{{date 'YYYYMMDD'}}",
          'type=edge',
          'type=sha'
        ].join('\n')
      },
      env: stack.env
    })
    // A run that crossed midnight UTC took the date of its start or its end.
    day = result.outputs.tags?.includes(`nightly-${before}`) ? before : utcDay()
  }, 180_000)

  it('succeeds', () => {
    expect(result.main.stdout).not.toContain('::error::')
    expect(result.main.code).toBe(0)
  })

  it('pushes nightly, the dated nightly, edge and the sha, in priority order, on one digest', async () => {
    const tags = ['nightly', `nightly-${day}`, 'edge', 'sha-4f2c9ab']
    const image = `${stack.registry.host}/shop/nightly`
    expect(result.outputs.tags.split('\n')).toEqual(tags.map((tag) => `${image}:${tag}`))
    expect(result.outputs.version).toBe('nightly')
    expect(await stack.client.tags('shop/nightly')).toEqual([...tags].sort())
    await expectOneDigest('shop/nightly', tags, result.outputs.digest)
  })
})

describe('a monorepo tag push with type=match rules', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await runAction({
      eventName: 'push',
      github: { GITHUB_SHA: sha, GITHUB_REF: 'refs/tags/app/v1.2.3' },
      payload: {
        ref: 'refs/tags/app/v1.2.3',
        base_ref: 'refs/heads/main',
        after: sha,
        commits: [],
        head_commit: { id: sha, timestamp: '2024-05-02T15:30:00-07:00', message: 'app: release 1.2.3' },
        repository
      },
      workspace: exampleWorkspace(),
      inputs: {
        ...inputs,
        repository: 'shop/app',
        tags: [
          'type=match,pattern=app/v(\\d+\\.\\d+\\.\\d+),group=1',
          'type=match,pattern=app/v(\\d+\\.\\d+),group=1',
          'type=match,pattern=web/v(.*),group=1',
          "type=raw,value=src-{{commit_date 'YYYYMMDD' tz='Asia/Tokyo'}}"
        ].join('\n')
      },
      env: stack.env
    })
  }, 180_000)

  it('succeeds, warning about the rule that does not match', () => {
    expect(result.main.stdout).not.toContain('::error::')
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).toContain(
      "::warning::type=match,pattern=web/v(.*),group=1: pattern=web\\/v(.*) does not match 'app/v1.2.3', so the rule gives no tag."
    )
  })

  it('pushes the matched versions, the commit date from the payload and latest, on one digest', async () => {
    const tags = ['1.2.3', '1.2', 'src-20240503', 'latest']
    const image = `${stack.registry.host}/shop/app`
    expect(result.outputs.tags.split('\n')).toEqual(tags.map((tag) => `${image}:${tag}`))
    expect(result.outputs.version).toBe('1.2.3')
    expect(await stack.client.tags('shop/app')).toEqual([...tags].sort())
    await expectOneDigest('shop/app', tags, result.outputs.digest)
    const config = await stack.client.config('shop/app', '1.2.3')
    expect(config.config.Labels['org.opencontainers.image.version']).toBe('1.2.3')
  })
})

describe('an invalid rule', () => {
  it('is one ::error:: naming the input and the rule, before anything is built', async () => {
    const before = stack.argvLog().length
    const result = await runAction({
      eventName: 'push',
      github: { GITHUB_SHA: sha, GITHUB_REF: 'refs/tags/app/v1.2.3' },
      payload: { ref: 'refs/tags/app/v1.2.3', repository },
      workspace: exampleWorkspace(),
      inputs: {
        ...inputs,
        repository: 'shop/refused',
        tags: 'type=match,pattern=app/v(\\d+\\.\\d+),group=2'
      },
      env: stack.env
    })
    expect(result.main.code).toBe(1)
    expect(result.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([
      "::error::Input 'tags' has the rule 'type=match,pattern=app/v(\\d+\\.\\d+),group=2': group=2 but the pattern has 1 capturing group. Accepted: group=0 (the whole match) up to group=1."
    ])
    expect(
      stack
        .argvLog()
        .slice(before)
        .filter((args) => args[1] === 'build')
    ).toEqual([])
    expect(await stack.client.tags('shop/refused')).toEqual([])
  }, 60_000)
})

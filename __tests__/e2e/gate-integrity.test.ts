// The gate's promise on the paths hosted runners take: the containerd image store (OCI indexes with
// attestations), every platform of a multi-platform image, a workspace that tries to change the policy,
// a registry that fails halfway through the tags, and a secret written the wrong way.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'
import { scratchDir } from '../support/scratch.mjs'

const standIns = path.join(root, '__tests__/support/stand-ins')
const sha7 = '4f2c9ab'
const run = promisify(execFile)

let stack: Stack
let trivyLog: string
/** Files the run left for later steps, read before the post step deletes them: path → text. */
let kept: Map<string, string>

beforeAll(async () => {
  stack = await startStack(
    [
      { name: 'shop/multi' },
      { name: 'shop/multi-blocked' },
      { name: 'shop/arm' },
      { name: 'shop/policy' },
      { name: 'shop/held' },
      { name: 'shop/held-dev' },
      { name: 'shop/retry' },
      { name: 'shop/half' },
      { name: 'shop/secret' }
    ],
    { store: 'containerd', proxy: true }
  )
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

interface TrivyCall {
  argv: string[]
  env: Record<string, string>
  cwd: string
}

function trivyCalls(): TrivyCall[] {
  if (!existsSync(trivyLog)) return []
  return readFileSync(trivyLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrivyCall)
}

function scanCalls(): TrivyCall[] {
  return trivyCalls().filter((call) => call.argv[0] === 'image' && call.argv.includes('--format'))
}

function flag(call: TrivyCall, name: string): string | undefined {
  const at = call.argv.indexOf(name)
  return at < 0 ? undefined : call.argv[at + 1]
}

/** The tags a user pulls: the registry cache tag (written during the build) aside. */
async function finalTags(repository: string): Promise<string[]> {
  return (await stack.client.tags(repository)).filter((tag) => !tag.startsWith('buildcache-'))
}

/** What Trivy was given, captured while the run's files still exist. */
function keepTrivyInputs(): void {
  for (const call of trivyCalls()) {
    for (const name of ['--config', '--ignorefile']) {
      const file = flag(call, name)
      if (file && existsSync(file)) kept.set(file, readFileSync(file, 'utf8'))
    }
    const layout = flag(call, '--input')
    if (layout) kept.set(layout, readFileSync(path.join(layout, 'index.json'), 'utf8'))
  }
}

async function gateRun(
  repository: string,
  report: string,
  inputs: Record<string, string> = {},
  options: { workspace?: string; env?: Record<string, string> } = {}
) {
  trivyLog = path.join(scratchDir('trivy-log-'), 'calls.jsonl')
  kept = new Map()
  return runAction({
    beforePost: keepTrivyInputs,
    ...pushToMain,
    workspace: options.workspace ?? exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': '',
      ...inputs
    },
    env: {
      ...stack.env,
      PATH: `${standIns}:${stack.env.PATH}`,
      STANDIN_TRIVY_REPORT: report,
      STANDIN_TRIVY_LOG: trivyLog,
      ...options.env
    }
  })
}

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::error'))
}

/** What the daemon has under a name, or undefined. */
async function daemonImage(name: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', name], {
      env: { ...process.env, ...stack.env }
    })
    return stdout.trim()
  } catch {
    return undefined
  }
}

describe('linux/amd64 and linux/arm64 on the docker driver, containerd store', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await gateRun('shop/multi', 'alpine-310', { platforms: 'linux/amd64,linux/arm64' })
  }, 300_000)

  it('passes and tags the index it scanned', async () => {
    expect(errorLines(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    // The containerd store's docker driver exports the registry cache for real, instead of inline cache.
    expect(await stack.client.tags('shop/multi')).toEqual([
      sha7,
      'buildcache-production-linux-amd64_linux-arm64',
      'latest',
      'main'
    ])
    const pushed = await stack.client.manifest('shop/multi', 'main')
    expect(pushed?.digest).toBe(result.outputs.digest)
    expect(pushed?.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    const platforms = (pushed?.body.manifests as Array<{ platform: { os: string; architecture: string } }>)
      .map((entry) => `${entry.platform.os}/${entry.platform.architecture}`)
      .filter((platform) => platform !== 'unknown/unknown')
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64'])
  })

  it('scanned each platform, from the layout of exactly that platform', () => {
    const scans = scanCalls()
    expect(scans.map((call) => flag(call, '--platform'))).toEqual(['linux/amd64', 'linux/arm64'])
    for (const call of scans) {
      const layout = flag(call, '--input') as string
      expect(layout).toMatch(new RegExp(`/oci-${(flag(call, '--platform') as string).replace('/', '-')}$`))
      const index = JSON.parse(kept.get(layout) as string)
      expect(index.manifests).toHaveLength(1)
    }
    const reports = result.outputs['scan-report'].split('\n')
    expect(reports.map((file) => path.basename(file))).toEqual([
      'trivy-linux-amd64.json',
      'trivy-linux-arm64.json'
    ])
  })

  it('leaves the final names in the daemon on the pushed image, and no staging name', async () => {
    const id = await daemonImage(`${stack.host}/shop/multi:main`)
    expect(id).toBe(result.outputs.digest)
    const staging = JSON.parse(result.state.cleanup).staging as string[]
    expect(staging).toHaveLength(1)
    expect(await daemonImage(staging[0])).toBeUndefined()
  })
})

describe('a CRITICAL on linux/arm64 only', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await gateRun('shop/multi-blocked', 'alpine-310,linux/arm64=debian-buster', {
      platforms: 'linux/amd64,linux/arm64'
    })
  }, 300_000)

  it('blocks the whole image, naming the platform', async () => {
    expect(result.main.code).toBe(1)
    const errors = errorLines(result.main.stdout).filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/CVE-2019-18224 in libidn2-0 .*\(CRITICAL, linux\/arm64\)/)
    expect(await finalTags('shop/multi-blocked')).toEqual([])
    expect(result.outputs.tags).toBe('')
    expect(result.outputs.digest).toBeUndefined()
  })

  it('leaves no final name and no staging name in the daemon, so no later push can publish it', async () => {
    for (const tag of [sha7, 'latest', 'main'])
      expect(await daemonImage(`${stack.host}/shop/multi-blocked:${tag}`)).toBeUndefined()
    const staging = JSON.parse(result.state.cleanup).staging as string[]
    expect(await daemonImage(staging[0])).toBeUndefined()
    await expect(
      run('docker', ['push', `${stack.host}/shop/multi-blocked:main`], {
        env: { ...process.env, ...stack.env }
      })
    ).rejects.toThrow(/does not exist|No such image|An image does not exist locally/)
  })

  it('says so first in the summary', () => {
    expect(result.summary).toContain('**Gate: blocked** by 1 CRITICAL — fail-on CRITICAL')
    expect(result.summary).toMatch(
      /^\| Push \| ⛔ not pushed — The blocked image was removed from the Docker daemon/m
    )
  })
})

describe('linux/arm64 alone', () => {
  it('scans arm64, not the linux/amd64 Trivy would pick from an index, and passes', async () => {
    const result = await gateRun('shop/arm', 'alpine-310', { platforms: 'linux/arm64' })
    expect(errorLines(result.main.stdout)).toEqual([])
    expect(scanCalls().map((call) => flag(call, '--platform'))).toEqual(['linux/arm64'])
    const pushed = await stack.client.manifest('shop/arm', 'main')
    expect(pushed?.digest).toBe(result.outputs.digest)
    const platforms = (pushed?.body.manifests as Array<{ platform: { architecture: string } }>).map(
      (entry) => entry.platform.architecture
    )
    expect(platforms.filter((architecture) => architecture !== 'unknown')).toEqual(['arm64'])
  }, 300_000)
})

describe('a workspace that tries to change the policy', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let workspace: string

  beforeAll(async () => {
    workspace = exampleWorkspace()
    // All three would hide the CRITICAL finding from a Trivy that reads the workspace or the job's environment.
    writeFileSync(path.join(workspace, 'trivy.yaml'), 'severity:\n  - LOW\n')
    writeFileSync(path.join(workspace, '.trivyignore'), 'CVE-2019-18224\n')
    writeFileSync(path.join(workspace, 'ignore-all'), 'CVE-2019-18224\nCVE-2019-12290\n')
    result = await gateRun(
      'shop/policy',
      'debian-buster',
      {},
      {
        workspace,
        env: {
          TRIVY_SEVERITY: 'LOW',
          TRIVY_IGNOREFILE: path.join(workspace, 'ignore-all'),
          TRIVY_IGNORE_UNFIXED: 'true',
          TRIVY_DB_REPOSITORY: 'evil.example.com/trivy-db:2'
        }
      }
    )
  }, 300_000)

  it('still blocks the CRITICAL finding: the gate follows the step inputs only', async () => {
    expect(result.main.code).toBe(1)
    const [error] = errorLines(result.main.stdout).filter((line) => line.startsWith('::error::'))
    expect(error).toContain('CVE-2019-18224 in libidn2-0')
    expect(error).toContain('fail-on: CRITICAL')
    expect(await finalTags('shop/policy')).toEqual([])
  })

  it('ran Trivy outside the workspace, with its own empty config and ignore file, and none of the job’s TRIVY_*', () => {
    const calls = trivyCalls()
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      expect(call.env).toEqual({ DOCKER_CONFIG: expect.any(String) })
      expect(path.relative(workspace, call.cwd).startsWith('..')).toBe(true)
      expect(kept.get(flag(call, '--config') as string)).toBe('')
    }
    for (const call of scanCalls()) expect(kept.get(flag(call, '--ignorefile') as string)).toBe('')
  })
})

describe('gate: atomic with two targets when one is blocked', () => {
  it('removes the held-back target’s staging image as well as the blocked one', async () => {
    const result = await gateRun('', '@development=debian-buster,alpine-310', {
      repository: '',
      target: '',
      targets: 'production=shop/held\ndevelopment=shop/held-dev'
    })
    expect(result.main.code).toBe(1)
    const [error] = errorLines(result.main.stdout).filter((line) => line.startsWith('::error::'))
    expect(error).toContain('Held back with them (gate: atomic): production')
    const staging = JSON.parse(result.state.cleanup).staging as string[]
    expect(staging).toHaveLength(2)
    for (const name of staging) expect(await daemonImage(name)).toBeUndefined()
    expect(await finalTags('shop/held')).toEqual([])
    expect(await finalTags('shop/held-dev')).toEqual([])
  }, 300_000)
})

describe('a registry that fails while the tags are written', () => {
  it('retries a failed push of the first tag and writes every tag', async () => {
    const fault = stack.proxy!.fail({
      method: 'PUT',
      path: /\/v2\/shop\/retry\/manifests\/main$/,
      status: 503
    })
    const result = await gateRun('shop/retry', 'alpine-310')
    expect(fault.fired).toBe(1)
    expect(errorLines(result.main.stdout)).toEqual([])
    expect(result.main.stdout).toMatch(
      /docker push \S+shop\/retry:main failed with a transient registry error; trying again/
    )
    expect(await finalTags('shop/retry')).toEqual([sha7, 'latest', 'main'].sort())
  }, 300_000)

  it('says exactly which tags exist when the others cannot be written', async () => {
    stack.ecr.fail('PutImage', 'ServerException', { times: 100 })
    let result: Awaited<ReturnType<typeof runAction>>
    try {
      result = await gateRun('shop/half', 'alpine-310')
    } finally {
      stack.ecr.clearFaults()
    }
    expect(result.main.code).toBe(1)
    const registryHost = stack.host
    expect(await finalTags('shop/half')).toEqual(['main'])
    expect(result.outputs.tags).toBe(`${registryHost}/shop/half:main`)
    expect(result.outputs.digest).toBe((await stack.client.manifest('shop/half', 'main'))?.digest)
    const [image] = JSON.parse(result.outputs.images)
    expect(image.tags).toEqual([`${registryHost}/shop/half:main`])
    expect(image.failedTags.map((failure: { tag: string }) => failure.tag)).toEqual([
      `${registryHost}/shop/half:${sha7}`,
      `${registryHost}/shop/half:latest`
    ])
    const [error] = errorLines(result.main.stdout)
    expect(error).toContain(`2 of 3 tags could not be written: ${registryHost}/shop/half:${sha7} (`)
    expect(error).toContain(`Written: ${registryHost}/shop/half:main.`)
    expect(result.summary).toMatch(
      new RegExp(
        `^\\| Push \\| ⚠️ \`${registryHost.replace(/[.]/g, '\\.')}/shop/half:main\` written; failed: `,
        'm'
      )
    )
  }, 300_000)
})

describe('a multi-line secret written without quotes', () => {
  it('is refused by its line number, and no message shows any of its text', async () => {
    const before = stack.argvLog().length
    const result = await gateRun('shop/secret', 'alpine-310', {
      secrets: 'pip_token=-----BEGIN PRIVATE KEY-----\nMIIEab+c/dPRIVATEBYTES=\n-----END PRIVATE KEY-----'
    })
    expect(result.main.code).toBe(1)
    const errors = errorLines(result.main.stdout)
    expect(errors).toEqual([
      "::error::Line 2 of 'secrets': expected id=value, one per line (its text is not shown: it may be part of a secret)."
    ])
    const printed = result.main.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const text of ['MIIEab', 'PRIVATEBYTES', 'BEGIN PRIVATE KEY']) expect(printed).not.toContain(text)
    expect(result.main.stdout).toContain('::add-mask::MIIEab+c/dPRIVATEBYTES=')
    expect(stack.argvLog().slice(before)).toEqual([])
  }, 60_000)
})

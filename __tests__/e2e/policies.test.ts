// Gate policies on the real daemons: only what a change brings blocks (fail-on-new, against the base branch's
// image or the ref's own tag), a VEX document silences a finding, and a re-run of the same commit against an
// IMMUTABLE repository finds its tags already there, while another image under an existing tag stops before any
// tag moves. The created time comes from the commit, so rebuilding the same commit gives the same digest.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startGitHubApi } from '../support/stand-ins/github-api.mjs'
import { root } from '../support/run-action.mjs'
import {
  exampleWorkspace,
  runAction,
  startContainerBuilder,
  startStack,
  type ContainerBuilder,
  type Stack
} from '../support/stack.js'

const sha = '5d1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d'
const sha7 = sha.slice(0, 7)
const headSha = 'bb11cc22dd33ee44ff55aa66bb77cc88dd99ee00'
const committed = '2024-05-03T08:41:27Z'
const standIns = path.join(root, '__tests__/support/stand-ins')
const fixtures = path.join(root, '__tests__/fixtures/trivy')

let stack: Stack
let github: Awaited<ReturnType<typeof startGitHubApi>>
let trivyLog: string

beforeAll(async () => {
  stack = await startStack([
    { name: 'shop/new' },
    { name: 'shop/vex' },
    { name: 'shop/frozen', tagMutability: 'IMMUTABLE' },
    { name: 'shop/frozen-bc', tagMutability: 'IMMUTABLE' },
    { name: 'shop/repro-bc', tagMutability: 'IMMUTABLE' },
    { name: 'base/busybox' }
  ])
  github = await startGitHubApi({ repository: { name: 'shop', default_branch: 'main' } })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  await github?.close()
})

function pushToMain() {
  return {
    eventName: 'push',
    github: { GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main', GITHUB_API_URL: github.url },
    payload: {
      ref: 'refs/heads/main',
      head_commit: { id: sha, timestamp: committed },
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

function pullRequest(number: number) {
  return {
    eventName: 'pull_request',
    github: { GITHUB_SHA: sha, GITHUB_REF: `refs/pull/${number}/merge`, GITHUB_API_URL: github.url },
    payload: {
      number,
      pull_request: {
        number,
        head: { ref: 'feature/cart', sha: headSha },
        base: { ref: 'main', sha: '2222222222222222222222222222222222222222' }
      },
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

type Event = ReturnType<typeof pushToMain> | ReturnType<typeof pullRequest>

interface TrivyCall {
  argv: string[]
  cwd: string
}

function trivyCalls(): TrivyCall[] {
  if (!existsSync(trivyLog)) return []
  return readFileSync(trivyLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TrivyCall)
}

function flags(call: TrivyCall, name: string): string[] {
  return call.argv.flatMap((arg, index) => (arg === name ? [call.argv[index + 1]] : []))
}

/** The VEX documents Trivy was handed, read while the run's files still exist. */
let vexSeen: Map<string, string>

async function policyRun(
  event: Event,
  repository: string,
  report: string,
  inputs: Record<string, string> = {},
  options: { workspace?: string; env?: Record<string, string> } = {}
) {
  trivyLog = path.join(mkdtempSync(path.join(tmpdir(), 'trivy-log-')), 'calls.jsonl')
  vexSeen = new Map()
  return runAction({
    beforePost: () => {
      for (const call of trivyCalls())
        for (const file of flags(call, '--vex'))
          if (existsSync(file)) vexSeen.set(file, readFileSync(file, 'utf8'))
    },
    ...event,
    workspace: options.workspace ?? exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': 'ghs_standintoken',
      'build-args': 'APP_VERSION=2.0.0',
      ...inputs
    },
    env: {
      ...stack.env,
      PATH: `${standIns}:${stack.env.PATH}`,
      STANDIN_TRIVY_REPORT: report,
      STANDIN_TRIVY_LOG: trivyLog,
      STANDIN_TRIVY_VERIFY: '1',
      ...options.env
    }
  })
}

function errors(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::error::'))
}

/** ECR calls the action made for a repository since `from`. */
function ecrCalls(repository: string, from: number, operation?: string) {
  return stack.ecr.requests
    .slice(from)
    .filter(
      (request) =>
        request.body.repositoryName === repository && (!operation || request.operation === operation)
    )
}

function pushes(from: number, repository: string): string[][] {
  return stack
    .argvLog()
    .slice(from)
    .filter((args) => args[0] === 'push' && args[1].includes(`/${repository}:`))
}

/** debian-buster's report (a CRITICAL and a LOW) with one more CRITICAL that only this change brings. */
function reportWithExtraCritical(): string {
  const report = JSON.parse(readFileSync(path.join(fixtures, 'debian-buster.json.golden'), 'utf8'))
  const [result] = report.Results
  result.Vulnerabilities.push({
    ...result.Vulnerabilities.find(
      (vulnerability: { Severity: string }) => vulnerability.Severity === 'CRITICAL'
    ),
    VulnerabilityID: 'CVE-2019-5481',
    PkgName: 'libcurl4',
    PkgID: 'libcurl4@7.64.0-4',
    InstalledVersion: '7.64.0-4',
    FixedVersion: '7.64.0-4+deb10u1',
    PkgIdentifier: { PURL: 'pkg:deb/debian/libcurl4@7.64.0-4?arch=amd64&distro=debian-10.1' },
    Title: 'curl: double free due to subsequent call of realloc()',
    PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2019-5481'
  })
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'debian-buster-extra.json')
  writeFileSync(file, JSON.stringify(report))
  return file
}

function sarifUploads(from: number) {
  return github.requests
    .slice(from)
    .filter((request) => request.method === 'POST' && request.path.endsWith('/code-scanning/sarifs'))
    .map((request) => JSON.parse(gunzipSync(Buffer.from(request.body.sarif, 'base64')).toString()))
}

describe('fail-on-new', () => {
  it('on a push with no earlier image, every finding counts as new and the summary says so', async () => {
    const result = await policyRun(pushToMain(), 'shop/new', 'debian-buster', { 'fail-on-new': 'true' })
    expect(result.main.code).toBe(1)
    const [error] = errors(result.main.stdout)
    expect(error).toContain('1 new finding blocks it')
    expect(error).toContain(
      `fail-on-new: ${stack.host}/shop/new:main does not exist, so every finding counts as new`
    )
    expect(result.summary).toContain(
      `_No image to compare with (${stack.host}/shop/new:main does not exist): every finding counts as new._`
    )
    expect(await stack.client.tags('shop/new')).toEqual([])
  }, 180_000)

  let mainDigest: string

  it('main is pushed with the CRITICAL (fail-on: none)', async () => {
    const result = await policyRun(pushToMain(), 'shop/new', 'debian-buster', { 'fail-on': 'none' })
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    mainDigest = result.outputs.digest
    expect((await stack.client.manifest('shop/new', 'main'))?.digest).toBe(mainDigest)
  }, 180_000)

  it("on a push, compares with the image the ref's tag pointed at before this run", async () => {
    const before = stack.ecr.requests.length
    const result = await policyRun(pushToMain(), 'shop/new', 'debian-buster', { 'fail-on-new': 'true' })
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(result.summary).toContain(
      `Compared with \`${stack.host}/shop/new:main\`: 0 new, 2 already present (fail-on-new: only new findings block).`
    )
    // Read before the release: the first BatchGetImage by tag is the comparison's.
    const [read] = ecrCalls('shop/new', before, 'BatchGetImage')
    expect(read.body.imageIds).toEqual([{ imageTag: 'main' }])
    // The tag now names this run's image (inline cache makes every build a new digest in a mutable repository).
    mainDigest = result.outputs.digest
    expect((await stack.client.manifest('shop/new', 'main'))?.digest).toBe(mainDigest)
  }, 180_000)

  describe('a pull request with the same CRITICAL as main', () => {
    let result: Awaited<ReturnType<typeof runAction>>
    let uploadsFrom: number

    beforeAll(async () => {
      uploadsFrom = github.requests.length
      result = await policyRun(pullRequest(41), 'shop/new', 'debian-buster', { 'fail-on-new': 'true' })
    }, 180_000)

    it('passes: the CRITICAL is already on main', async () => {
      expect(errors(result.main.stdout)).toEqual([])
      expect(result.main.code).toBe(0)
      expect(await stack.client.tags('shop/new')).toEqual(
        expect.arrayContaining(['pr-41', headSha.slice(0, 7)])
      )
    })

    it('still reports it, marked as already present, in the summary, the comment and code scanning', () => {
      expect(result.summary).toContain(
        '**Gate: passed** — fail-on CRITICAL (new findings only), 0 blocking findings'
      )
      expect(result.summary).toMatch(
        /^\| CRITICAL \| \[CVE-2019-18224\]\([^)]+\) \(already present\) \| libidn2-0 \|.*\| {2}\|$/m
      )
      const [comment] = github.comments.get('octo-org/shop#41') ?? []
      expect(comment.body).toContain('(already present)')
      expect(comment.body).toContain('| Findings | 0 new, 0 fixed, 2 already on `main` |')
      const [sarif] = sarifUploads(uploadsFrom)
      const states = sarif.runs[0].results.map((entry: { ruleId: string; baselineState: string }) => [
        entry.ruleId,
        entry.baselineState
      ])
      expect(states).toEqual(
        expect.arrayContaining([
          ['CVE-2019-18224', 'unchanged'],
          ['CVE-2019-18276', 'unchanged']
        ])
      )
    })

    it('scanned the base image once, in the gate, by the digest its tag named', () => {
      const scans = trivyCalls().filter((call) => call.argv[0] === 'image' && call.argv.includes('--format'))
      const base = scans.filter((call) => call.argv.at(-1)?.startsWith(`${stack.host}/shop/new:main@`))
      expect(base).toHaveLength(1)
      expect(base[0].argv.at(-1)).toBe(`${stack.host}/shop/new:main@${mainDigest}`)
      const gate = result.main.stdout.indexOf('::group::Scan gate')
      const release = result.main.stdout.indexOf('::group::Release')
      const scanned = result.main.stdout.indexOf(`${stack.host}/shop/new:main@${mainDigest}`)
      expect(scanned).toBeGreaterThan(gate)
      expect(scanned).toBeLessThan(release)
    })
  })

  it('a pull request with an extra CRITICAL is blocked, naming only the new one', async () => {
    const result = await policyRun(
      pullRequest(42),
      'shop/new',
      `${reportWithExtraCritical()},@:main=debian-buster`,
      { 'fail-on-new': 'true' }
    )
    expect(result.main.code).toBe(1)
    const [error] = errors(result.main.stdout)
    expect(error).toContain('1 new finding blocks it')
    expect(error).toContain(`fail-on-new: findings already in ${stack.host}/shop/new:main do not block`)
    expect(error).toContain('CVE-2019-5481 in libcurl4 7.64.0-4')
    expect(error).not.toContain('CVE-2019-18224')
    expect(await stack.client.tags('shop/new')).not.toContain('pr-42')
    expect(result.summary).toContain('**Gate: blocked** by 1 CRITICAL — fail-on CRITICAL (new findings only)')
  }, 180_000)
})

describe('a VEX document', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let workspace: string

  beforeAll(async () => {
    workspace = exampleWorkspace()
    mkdirSync(path.join(workspace, 'security'))
    writeFileSync(
      path.join(workspace, 'security/shop.openvex.json'),
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/shop-1',
        author: 'Shop security team',
        timestamp: '2024-05-01T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: 'CVE-2019-18224' },
            products: [{ '@id': 'pkg:deb/debian/libidn2-0@2.0.5-1' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path'
          }
        ]
      })
    )
    result = await policyRun(
      pushToMain(),
      'shop/vex',
      'debian-buster',
      { vex: 'security/shop.openvex.json' },
      { workspace }
    )
  }, 180_000)

  it('silences the finding it states as not affected: the image passes', async () => {
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(await stack.client.tags('shop/vex')).toEqual([sha7, 'latest', 'main'])
    expect(JSON.parse(result.outputs.vulnerabilities)).toEqual({
      critical: 0,
      high: 0,
      medium: 0,
      low: 1,
      unknown: 0
    })
  })

  it('reports it as not affected (VEX), with the justification', () => {
    expect(result.summary).toContain('**Not blocking: stated in VEX**')
    expect(result.summary).toMatch(
      /^\| CRITICAL \| \[CVE-2019-18224\]\([^)]+\) \| libidn2-0 2\.0\.5-1 \| not affected \(VEX\) \| vulnerable\\_code\\_not\\_in\\_execute\\_path \| OpenVEX \|$/m
    )
  })

  it('gave Trivy its own copy, outside the workspace, and asked it to show what it suppressed', () => {
    const scan = trivyCalls().find((call) => call.argv[0] === 'image' && call.argv.includes('--format'))!
    const [copy] = flags(scan, '--vex')
    expect(path.relative(workspace, copy).startsWith('..')).toBe(true)
    expect(vexSeen.get(copy)).toBe(readFileSync(path.join(workspace, 'security/shop.openvex.json'), 'utf8'))
    expect(scan.argv).toContain('--show-suppressed')
  })
})

describe('re-runs against an IMMUTABLE repository (docker driver)', () => {
  let first: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    first = await policyRun(pushToMain(), 'shop/frozen', 'alpine-310', { cache: 'none' })
  }, 180_000)

  it('the first run tags the image, created at the commit’s time', async () => {
    expect(errors(first.main.stdout)).toEqual([])
    expect(await stack.client.tags('shop/frozen')).toEqual([sha7, 'latest', 'main'])
    const config = await stack.client.config('shop/frozen', 'main')
    expect(config.created).toBe(committed)
    expect(config.config.Labels['org.opencontainers.image.created']).toBe('2024-05-03T08:41:27.000Z')
    const build = stack.argvLog().find((args) => args[0] === 'buildx' && args[1] === 'build')!
    expect(build).toContain(`SOURCE_DATE_EPOCH=${Date.parse(committed) / 1000}`)
  })

  it('a re-run of the same commit finds every tag already there and moves nothing', async () => {
    const argvFrom = stack.argvLog().length
    const ecrFrom = stack.ecr.requests.length
    const result = await policyRun(pushToMain(), 'shop/frozen', 'alpine-310', { cache: 'none' })
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(result.outputs.digest).toBe(first.outputs.digest)
    expect(result.outputs.tags.split('\n')).toEqual(first.outputs.tags.split('\n'))
    expect(pushes(argvFrom, 'shop/frozen')).toEqual([])
    expect(ecrCalls('shop/frozen', ecrFrom, 'PutImage')).toEqual([])
    expect(result.summary).toMatch(/^\| Push \| ✅ 3 tags already there \(nothing moved\) \|$/m)
    expect(result.main.stdout).toContain('production: already there, left as they were:')
  }, 180_000)

  it('another image under an existing tag fails before any tag moves, naming the tag and both digests', async () => {
    const argvFrom = stack.argvLog().length
    const ecrFrom = stack.ecr.requests.length
    const result = await policyRun(pushToMain(), 'shop/frozen', 'alpine-310', {
      'build-args': 'APP_VERSION=9.9.9'
    })
    expect(result.main.code).toBe(1)
    const [error] = errors(result.main.stdout)
    expect(error).toContain(
      `No tag was moved: in the IMMUTABLE repository shop/frozen, main, ${sha7} and latest are on ${first.outputs.digest}, and this run's image is sha256:`
    )
    // This run used the default cache, inline here: the warning says it makes digests differ.
    expect(result.main.stdout).toMatch(
      /^::warning::Cache: inline cache records build times in the image config/m
    )
    expect(error).toMatch(/and this run's image is sha256:[0-9a-f]{64}/)
    expect(error).not.toContain(`this run's image is ${first.outputs.digest}`)
    expect(pushes(argvFrom, 'shop/frozen')).toEqual([])
    expect(ecrCalls('shop/frozen', ecrFrom, 'PutImage')).toEqual([])
    for (const tag of [sha7, 'latest', 'main'])
      expect((await stack.client.manifest('shop/frozen', tag))?.digest).toBe(first.outputs.digest)
  }, 180_000)
})

describe('reproducible rebuilds on a BuildKit container (docker-container driver)', () => {
  let containerBuilder: ContainerBuilder | undefined
  let builder: string
  let base: string

  beforeAll(async () => {
    stack.login()
    containerBuilder = await startContainerBuilder(stack, 'ecr-build-push-policies')
    builder = containerBuilder.name
    base = containerBuilder.base
  }, 300_000)

  afterAll(() => containerBuilder?.remove())

  const builderInputs = (extra: Record<string, string> = {}) => ({
    builder,
    driver: 'docker-container',
    'build-args': `BASE_IMAGE=${base}`,
    'github-token': '',
    cache: 'none',
    ...extra
  })

  it('provenance: false: the same commit rebuilt without cache from a fresh checkout has the same digest', async () => {
    const first = await policyRun(
      pushToMain(),
      'shop/repro-bc',
      'alpine-310',
      builderInputs({ provenance: 'false' })
    )
    expect(errors(first.main.stdout)).toEqual([])
    expect(first.main.code).toBe(0)
    const build = stack.argvLog().findLast((args) => args[0] === 'buildx' && args[1] === 'build')!
    expect(build.find((arg) => arg.startsWith('type=image,'))).toMatch(/,rewrite-timestamp=true$/)
    const ecrFrom = stack.ecr.requests.length
    const again = await policyRun(
      pushToMain(),
      'shop/repro-bc',
      'alpine-310',
      builderInputs({ provenance: 'false', 'no-cache': 'true' })
    )
    expect(errors(again.main.stdout)).toEqual([])
    expect(again.main.code).toBe(0)
    expect(JSON.parse(again.outputs.metadata)['containerimage.digest']).toBe(first.outputs.digest)
    expect(again.outputs.digest).toBe(first.outputs.digest)
    expect(ecrCalls('shop/repro-bc', ecrFrom, 'PutImage')).toEqual([])
    expect(again.summary).toMatch(/^\| Push \| ✅ 3 tags already there \(nothing moved\) \|$/m)
  }, 600_000)

  it('with a provenance attestation (its build times differ), the same platform image is recognised', async () => {
    const first = await policyRun(pushToMain(), 'shop/frozen-bc', 'alpine-310', builderInputs())
    expect(errors(first.main.stdout)).toEqual([])
    const ecrFrom = stack.ecr.requests.length
    const again = await policyRun(
      pushToMain(),
      'shop/frozen-bc',
      'alpine-310',
      builderInputs({ 'no-cache': 'true' })
    )
    expect(errors(again.main.stdout)).toEqual([])
    expect(again.main.code).toBe(0)
    const built = JSON.parse(again.outputs.metadata)['containerimage.digest']
    expect(built).not.toBe(first.outputs.digest)
    const images = async (reference: string) =>
      (
        (await stack.client.manifest('shop/frozen-bc', reference))?.body.manifests as Array<{
          digest: string
          platform: { os: string }
        }>
      )
        .filter((entry) => entry.platform.os !== 'unknown')
        .map((entry) => entry.digest)
    expect(await images(built)).toEqual(await images('main'))
    // The tags stay on the first index: every tag keeps naming one digest.
    expect(again.outputs.digest).toBe(first.outputs.digest)
    expect(ecrCalls('shop/frozen-bc', ecrFrom, 'PutImage')).toEqual([])
  }, 600_000)
})

describe('bad values of the new inputs', () => {
  let workspace: string

  beforeAll(() => {
    workspace = exampleWorkspace()
    writeFileSync(
      path.join(workspace, 'bom.cdx.json'),
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5' })
    )
  })

  it.each([
    [
      { 'fail-on-new': 'sometimes' },
      "::error::Input 'fail-on-new' is 'sometimes': expected 'true' or 'false'."
    ],
    [{ created: 'yesterday' }, "::error::Input 'created' is 'yesterday': expected one of 'commit', 'now'."],
    [{ 'vex-url': 'maybe' }, "::error::Input 'vex-url' is 'maybe': expected 'true' or 'false'."],
    [
      { vex: 'https://example.com/shop.openvex.json' },
      "::error::Line 1 of 'vex' is the URL 'https://example.com/shop.openvex.json', but 'vex-url' is false"
    ],
    [
      { vex: 'http://example.com/shop.openvex.json', 'vex-url': 'true' },
      "::error::Line 1 of 'vex' is 'http://example.com/shop.openvex.json': a VEX document is downloaded over https only."
    ],
    [{ vex: 'security/missing.json' }, "::error::Line 1 of 'vex' names 'security/missing.json': no file at"],
    [{ vex: 'bom.cdx.json' }, "::error::Line 1 of 'vex' (bom.cdx.json) is a CycloneDX VEX document"],
    [
      { 'fail-on-new': 'true', 'fail-on': 'none' },
      "::error::Input 'fail-on-new' is true but 'fail-on' is none"
    ],
    [{ 'build-args': 'SOURCE_DATE_EPOCH=1' }, "::error::Input 'build-args' sets SOURCE_DATE_EPOCH"]
  ])(
    '%j',
    async (inputs, expected) => {
      const before = stack.argvLog().length
      const result = await policyRun(pushToMain(), 'shop/new', 'alpine-310', inputs, { workspace })
      expect(result.main.code).toBe(1)
      const lines = errors(result.main.stdout)
      expect(lines).toHaveLength(1)
      expect(lines[0].startsWith(expected)).toBe(true)
      expect(
        stack
          .argvLog()
          .slice(before)
          .filter((args) => args[0] === 'buildx' && args[1] === 'build')
      ).toEqual([])
    },
    60_000
  )
})

// Faults and bad input through the bundled action: the GitHub and ECR stand-ins failing on purpose (502, 429 with
// retry-after, the 403 secondary rate limit, throttling, expired credentials, a create race), reports that cannot
// be written after the push, a daemon or buildx that is not there, build output that tries to be a workflow
// command, Markdown from a Trivy report, a comment someone else wrote with our marker, branches named like other
// tags, and a sample of the worst inputs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import {
  badGateway,
  secondaryRateLimit,
  startGitHubApi,
  tooManyRequests
} from '../support/stand-ins/github-api.mjs'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'

const standIns = path.join(root, '__tests__/support/stand-ins')
const sha = '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6'
const sha7 = sha.slice(0, 7)

let stack: Stack
let github: Awaited<ReturnType<typeof startGitHubApi>>

type Result = Awaited<ReturnType<typeof runAction>>

beforeAll(async () => {
  stack = await startStack([
    { name: 'shop/gh-502' },
    { name: 'shop/gh-429' },
    { name: 'shop/gh-403' },
    { name: 'shop/throttled' },
    { name: 'shop/expired' },
    { name: 'shop/raced' },
    { name: 'shop/report' },
    { name: 'shop/inject' },
    { name: 'shop/markdown' },
    { name: 'shop/branches' },
    { name: 'shop/inputs' }
  ])
  github = await startGitHubApi({ repository: { name: 'shop', default_branch: 'main' } })
}, 180_000)

afterAll(async () => {
  await stack?.stop()
  await github?.close()
})

afterEach(() => {
  stack.ecr.clearFaults()
  github.reset()
})

/** The runner's reading of a step's output: which lines are workflow commands, and what stop-commands hid. */
/**
 * The runner's reading of a step's output: the lines outside stop-commands sections (`outside`), those of them
 * it takes as workflow commands (`commands`), and what the sections hid (`hidden`).
 */
function asTheRunnerReads(stdout: string): { commands: string[]; outside: string[]; hidden: string[] } {
  const outside: string[] = []
  const hidden: string[] = []
  let token: string | undefined
  // The runner starts a line at `\n`, `\r\n` and a lone `\r`, and takes a command after leading spaces.
  for (const line of stdout.split(/\r\n|\r|\n/).map((text) => text.trimStart())) {
    if (token !== undefined) {
      if (line === `::${token}::`) token = undefined
      else hidden.push(line)
    } else if (line.startsWith('::stop-commands::')) token = line.slice('::stop-commands::'.length)
    else outside.push(line)
  }
  expect(token).toBeUndefined()
  return { commands: outside.filter((line) => line.startsWith('::')), outside, hidden }
}

const errorsOf = (result: Result) =>
  asTheRunnerReads(result.main.stdout).commands.filter((line) => line.startsWith('::error'))
const warningsOf = (result: Result) =>
  asTheRunnerReads(result.main.stdout).commands.filter((line) => line.startsWith('::warning'))

function expectNoStackTrace(result: Result): void {
  for (const text of [result.main.stdout, result.main.stderr])
    expect(text).not.toMatch(/^\s*at .+:\d+:\d+\)?$|%0A\s+at /m)
}

function pullRequest(number: number) {
  return {
    eventName: 'pull_request',
    github: { GITHUB_SHA: sha, GITHUB_REF: `refs/pull/${number}/merge`, GITHUB_API_URL: github.url },
    payload: {
      number,
      pull_request: {
        number,
        head: { ref: `feature/faults-${number}`, sha },
        base: { ref: 'main', sha: '1111111111111111111111111111111111111111' }
      },
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

function pushTo(branch: string) {
  return {
    eventName: 'push',
    github: { GITHUB_SHA: sha, GITHUB_REF: `refs/heads/${branch}`, GITHUB_API_URL: github.url },
    payload: {
      ref: `refs/heads/${branch}`,
      after: sha,
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

async function faultRun(
  event: ReturnType<typeof pullRequest> | ReturnType<typeof pushTo> | typeof pushToMain,
  inputs: Record<string, string>,
  options: { workspace?: string; env?: Record<string, string>; report?: string } = {}
): Promise<Result> {
  return runAction({
    ...event,
    workspace: options.workspace ?? exampleWorkspace(),
    inputs: {
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': 'ghs_standintoken',
      ...inputs
    },
    env: {
      ...stack.env,
      PATH: `${standIns}:${stack.env.PATH}`,
      STANDIN_TRIVY_REPORT: options.report ?? 'alpine-310',
      ...options.env
    }
  })
}

/** What the GitHub stand-in answered, in order, for requests matching method and path (since request `since`). */
function answered(method: string, pattern: RegExp, since = 0): number[] {
  return github.requests
    .slice(since)
    .filter((request) => request.method === method && pattern.test(request.path))
    .map((request) => request.status as number)
}

/** Tags a user pulls (the registry cache tag aside). */
async function finalTags(repository: string): Promise<string[]> {
  return (await stack.client.tags(repository)).filter((tag) => !tag.startsWith('buildcache-'))
}

function built(since: number): string[][] {
  return stack
    .argvLog()
    .slice(since)
    .filter((args) => (args[0] === 'buildx' && ['build', 'bake'].includes(args[1])) || args[0] === 'push')
}

describe('GitHub failing on purpose', () => {
  it('answers a comment with 502 and then 201: the comment is posted once, with no warning', async () => {
    github.fail('POST', /\/issues\/71\/comments$/, badGateway())
    const result = await faultRun(pullRequest(71), { repository: 'shop/gh-502' })
    expect(result.main.code).toBe(0)
    expect(answered('POST', /\/issues\/71\/comments$/)).toEqual([502, 201])
    const comments = github.comments.get('octo-org/shop#71') ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0].body.startsWith('<!-- ecr-build-push:shop/gh-502:production -->')).toBe(true)
    expect(warningsOf(result).filter((line) => /comment|GitHub/i.test(line))).toEqual([])
  }, 180_000)

  it('answers the SARIF upload with 429 and retry-after: it waits, retries, and the upload is accepted', async () => {
    github.fail('POST', /\/code-scanning\/sarifs$/, tooManyRequests(2))
    const since = github.requests.length
    const result = await faultRun(pullRequest(72), {
      repository: 'shop/gh-429',
      'dockerfile-checks': 'false'
    })
    expect(result.main.code).toBe(0)
    expect(answered('POST', /\/code-scanning\/sarifs$/, since)).toEqual([429, 202])
    expect(result.main.stdout).toMatch(
      /^GitHub secondary rate limit on POST \S+\/code-scanning\/sarifs: retrying in 2s\.$/m
    )
    expect(warningsOf(result).filter((line) => /code scanning|SARIF/i.test(line))).toEqual([])
    expect(result.main.stdout).toMatch(/SARIF uploaded to code scanning as category \S+ \(id sarif-\d+\)/)
  }, 180_000)

  it('answers the comment with a 403 secondary rate limit: a wait and a retry, never a missing permission', async () => {
    github.fail('POST', /\/issues\/73\/comments$/, secondaryRateLimit({ retryAfter: 1 }))
    const result = await faultRun(pullRequest(73), { repository: 'shop/gh-403' })
    expect(result.main.code).toBe(0)
    expect(answered('POST', /\/issues\/73\/comments$/)).toEqual([403, 201])
    expect(result.main.stdout).toMatch(
      /^GitHub secondary rate limit on POST \S+\/issues\/73\/comments: retrying in 1s\.$/m
    )
    expect(result.main.stdout).not.toContain('pull-requests: write')
    expect(github.comments.get('octo-org/shop#73')).toHaveLength(1)
  }, 180_000)
})

describe('ECR failing on purpose', () => {
  it('throttles GetAuthorizationToken, DescribeRepositories, BatchGetImage and PutImage once each: every tag is written', async () => {
    const faults = ['GetAuthorizationToken', 'DescribeRepositories', 'BatchGetImage', 'PutImage'].map(
      (operation) => [operation, stack.ecr.fail(operation, 'ThrottlingException')] as const
    )
    const before = stack.ecr.requests.length
    const result = await faultRun(pushToMain, { repository: 'shop/throttled', 'github-token': '' })
    expect(errorsOf(result)).toEqual([])
    expect(result.main.code).toBe(0)
    for (const [operation, fault] of faults) {
      expect([operation, fault.fired]).toEqual([operation, 1])
      const attempts = stack.ecr.requests
        .slice(before)
        .filter((request) => request.operation === operation)
        .map((request) => request.failed ?? 'ok')
      expect([operation, attempts.slice(0, 2)]).toEqual([operation, ['ThrottlingException', 'ok']])
    }
    expect(await finalTags('shop/throttled')).toEqual([sha7, 'latest', 'main'].sort())
    for (const tag of [sha7, 'latest', 'main'])
      expect((await stack.client.manifest('shop/throttled', tag))?.digest).toBe(result.outputs.digest)
  }, 180_000)

  it('says the role session is shorter than the build when PutImage finds the credentials expired', async () => {
    stack.ecr.fail('PutImage', 'ExpiredTokenException', { times: 100 })
    const result = await faultRun(pushToMain, { repository: 'shop/expired', 'github-token': '' })
    expect(result.main.code).toBe(1)
    const errors = errorsOf(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('tags could not be written')
    expect(errors[0]).toContain('ExpiredTokenException')
    expect(errors[0]).toContain('the role session is shorter than the build')
    expect(errors[0]).toContain("'role-duration-seconds' on aws-actions/configure-aws-credentials")
    // The tag docker pushed exists, and the outputs say exactly that one.
    const written = await finalTags('shop/expired')
    expect(written).toHaveLength(1)
    expect(result.outputs.tags).toBe(`${stack.host}/shop/expired:${written[0]}`)
    expectNoStackTrace(result)
  }, 180_000)

  it('takes a create-repository race (RepositoryAlreadyExistsException) as success', async () => {
    // The probe finds no repository; by the time this job creates it, another job has.
    stack.ecr.fail('DescribeRepositories', {
      status: 400,
      type: 'RepositoryNotFoundException',
      message: "The repository with name 'shop/raced' does not exist in the registry with id '123456789012'"
    })
    const before = stack.ecr.requests.length
    const result = await faultRun(pushToMain, {
      repository: 'shop/raced',
      'create-repository': 'true',
      'github-token': ''
    })
    expect(errorsOf(result)).toEqual([])
    expect(result.main.code).toBe(0)
    const operations = stack.ecr.requests
      .slice(before)
      .map((request) => `${request.operation} ${request.failed ?? 'ok'}`)
    expect(operations).toContain('CreateRepository RepositoryAlreadyExistsException')
    expect(await finalTags('shop/raced')).toEqual([sha7, 'latest', 'main'].sort())
  }, 180_000)
})

describe('reporting after the push', () => {
  it('a full disk under the job summary is a warning: every tag is pushed and the comment posted', async () => {
    const result = await faultRun(
      pullRequest(74),
      { repository: 'shop/report' },
      { env: { GITHUB_STEP_SUMMARY: '/dev/full' } }
    )
    expect(errorsOf(result)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(warningsOf(result).filter((line) => line.includes('job summary'))).toEqual([
      '::warning::Could not write the job summary: ENOSPC: no space left on device, write. The image itself is not affected.'
    ])
    expect(await finalTags('shop/report')).toEqual([sha7, 'pr-74'].sort())
    expect(github.comments.get('octo-org/shop#74')).toHaveLength(1)
  }, 180_000)

  it('a summary file that cannot be opened, and a comment GitHub refuses, are warnings too', async () => {
    github.fail('POST', /\/issues\/75\/comments$/, {
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const result = await faultRun(
      pullRequest(75),
      { repository: 'shop/report' },
      {
        env: {
          GITHUB_STEP_SUMMARY: path.join(
            tmpdir(),
            `no-such-dir-${randomBytes(4).toString('hex')}`,
            'summary.md'
          )
        }
      }
    )
    expect(errorsOf(result)).toEqual([])
    expect(result.main.code).toBe(0)
    const warnings = warningsOf(result)
    expect(warnings).toContainEqual(
      expect.stringMatching(/^::warning::Could not write the job summary: Unable to access summary file/)
    )
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^::warning::Skipped the pull request comment on #75: the token cannot write pull request comments/
      )
    )
    expect(await finalTags('shop/report')).toEqual([sha7, 'pr-74', 'pr-75'].sort())
  }, 180_000)
})

describe('the runner without what the action needs', () => {
  it('a Docker daemon that does not answer: one ::error:: naming it, nothing else tried', async () => {
    const before = stack.argvLog().length
    const result = await faultRun(
      pushToMain,
      { repository: 'shop/inputs', 'github-token': '' },
      { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }
    )
    expect(result.main.code).toBe(1)
    expect(errorsOf(result)).toEqual([
      "::error::The Docker daemon does not answer (docker info: Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner's user access to its socket."
    ])
    expect(built(before)).toEqual([])
    expectNoStackTrace(result)
  }, 60_000)

  it('no buildx plugin: one ::error:: that says so', async () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'no-buildx-'))
    // Docker's own answer when the plugin is missing, in front of the stack's docker spy.
    writeFileSync(
      path.join(bin, 'docker'),
      `#!/bin/sh\nif [ "$1" = buildx ]; then\n  echo "docker: 'buildx' is not a docker command." >&2\n  echo "See 'docker --help'" >&2\n  exit 1\nfi\nexec "${path.join(root, '__tests__/support/bin/docker')}" "$@"\n`
    )
    chmodSync(path.join(bin, 'docker'), 0o755)
    const result = await faultRun(
      pushToMain,
      { repository: 'shop/inputs', 'github-token': '' },
      { env: { PATH: `${bin}:${standIns}:${stack.env.PATH}` } }
    )
    expect(result.main.code).toBe(1)
    expect(errorsOf(result)).toEqual([
      "::error::docker buildx is not available: docker: 'buildx' is not a docker command. Install the buildx plugin (on GitHub-hosted runners it is preinstalled)."
    ])
    expectNoStackTrace(result)
  }, 60_000)
})

describe('build output that tries to be a workflow command', () => {
  const dockerfile = (nonce: string, fail: boolean) =>
    [
      'FROM busybox:local AS production',
      `ARG NONCE=${nonce}`,
      `RUN echo "$NONCE" > /nonce && printf 'step 1/2\\r::error file=x::injected\\n' && echo '::add-mask::x' && echo '::warning::from the Dockerfile'${fail ? ' && exit 3' : ''}`,
      'RUN <<EOT',
      "cat <<'EOF'",
      '::error file=z::from a vertex name',
      'EOF',
      'EOT',
      ''
    ].join('\n')

  function injectionWorkspace(fail: boolean): string {
    const workspace = mkdtempSync(path.join(tmpdir(), 'workspace-inject-'))
    writeFileSync(path.join(workspace, 'Dockerfile'), dockerfile(randomBytes(6).toString('hex'), fail))
    return workspace
  }

  it('prints what the build printed only between ::stop-commands:: and its token', async () => {
    const result = await faultRun(
      pushToMain,
      { repository: 'shop/inject', 'github-token': '' },
      {
        workspace: injectionWorkspace(false)
      }
    )
    expect(result.main.code).toBe(0)
    const { commands, outside, hidden } = asTheRunnerReads(result.main.stdout)
    // Each text reached the log, and only inside a section, where the runner reads it as output.
    const texts = [
      '::error file=x::injected',
      '::add-mask::x',
      '::warning::from the Dockerfile',
      '::error file=z::from a vertex name'
    ]
    for (const text of texts) {
      expect([text, hidden.some((line) => line.includes(text))]).toEqual([text, true])
      expect([text, outside.filter((line) => line.includes(text))]).toEqual([text, []])
    }
    // The lone `\r` put the annotation at the start of a line: only the section kept it from being one.
    expect(hidden).toContain('::error file=x::injected')
    expect(commands).not.toContain('::error file=x::injected')
    expect(commands).not.toContain('::add-mask::x')
    expect(commands.filter((line) => line.startsWith('::error'))).toEqual([])
    // Every section is closed by its own token, and the token never repeats the one a tool could have seen.
    const tokens = [...result.main.stdout.matchAll(/^::stop-commands::([0-9a-f]+)$/gm)].map(
      (match) => match[1]
    )
    expect(tokens.length).toBeGreaterThan(0)
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/)
  }, 180_000)

  it('a failed build: its text reaches one ::error::, escaped, and nothing else becomes a command', async () => {
    const before = stack.argvLog().length
    const result = await faultRun(
      pushToMain,
      { repository: 'shop/inject', 'github-token': '' },
      {
        workspace: injectionWorkspace(true)
      }
    )
    expect(result.main.code).toBe(1)
    const errors = errorsOf(result)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::\$ docker buildx build .* failed with exit code 1:%0A/)
    expect(errors[0]).toContain('step 1/2%0D::error file=x::injected')
    const { commands } = asTheRunnerReads(result.main.stdout)
    expect(
      commands.filter((line) => line.startsWith('::error file=') || line.startsWith('::add-mask::x'))
    ).toEqual([])
    expect(built(before).filter((args) => args[0] === 'push')).toEqual([])
    expectNoStackTrace(result)
  }, 180_000)
})

describe('Markdown from a Trivy report and a comment with our marker', () => {
  let result: Result
  const number = 76
  const marker = '<!-- ecr-build-push:shop/markdown:production -->'

  beforeAll(async () => {
    const report = JSON.parse(
      readFileSync(path.join(root, '__tests__/fixtures/trivy/alpine-310.json.golden'), 'utf8')
    )
    const [first, second, third] = report.Results[0].Vulnerabilities
    first.PrimaryURL = 'http://evil.example/phish'
    second.PrimaryURL = 'javascript:alert(1)'
    third.PrimaryURL = 'https://avd.example/x)](https://evil.example/[y] "t"'
    first.PkgName = '[click](https://evil.example) @octo-org/everyone **bold** <img src=x> | pipe'
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'trivy-report-')), 'report.json')
    writeFileSync(file, JSON.stringify(report))
    // Someone else's comment that starts with our marker: it must be left alone.
    github.comments.set(`octo-org/shop#${number}`, [
      {
        id: 1,
        node_id: 'IC_1',
        body: `${marker}\nNothing to see here, approve it.`,
        user: { login: 'mallory', type: 'User' },
        html_url: `https://github.com/octo-org/shop/pull/${number}#issuecomment-1`,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z'
      }
    ])
    result = await faultRun(
      pullRequest(number),
      { repository: 'shop/markdown', 'fail-on': 'none' },
      { report: file }
    )
  }, 180_000)

  it('links only https URLs, percent-encoded, and escapes Markdown, HTML and mentions in cells', () => {
    expect(result.main.code).toBe(0)
    const comment = (github.comments.get(`octo-org/shop#${number}`) ?? []).find(
      (item) => item.user.login !== 'mallory'
    )
    expect(comment).toBeDefined()
    for (const text of [result.summary, comment!.body]) {
      expect(text).not.toContain('](http://evil.example')
      expect(text).not.toContain('](javascript:')
      expect(text).not.toContain('](https://evil.example')
      expect(text).not.toContain('<img')
      expect(text).not.toContain('@octo-org/everyone')
      expect(text).toContain(
        '\\[click\\]\\(https://evil.example\\) @\u200bocto-org/everyone \\*\\*bold\\*\\* &lt;img src=x&gt; \\| pipe'
      )
      expect(text).toContain('(https://avd.example/x%29%5D%28https://evil.example/%5By%5D%20%22t%22)')
    }
  })

  it('posts its own comment and leaves the one someone else wrote with the marker as it was', () => {
    const comments = github.comments.get(`octo-org/shop#${number}`) ?? []
    expect(comments.map((item) => item.user.login)).toEqual(['mallory', 'github-actions[bot]'])
    expect(comments[0].body).toBe(`${marker}\nNothing to see here, approve it.`)
    expect(comments[1].body.startsWith(marker)).toBe(true)
    expect(
      github.requests.filter((request) => request.method === 'PATCH' && request.path.endsWith('/comments/1'))
    ).toEqual([])
  })
})

describe('branches named like other tags', () => {
  it('a push to the branch latest is tagged branch-latest, and the latest tag is not touched', async () => {
    const result = await faultRun(pushTo('latest'), { repository: 'shop/branches' })
    expect(errorsOf(result)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(await finalTags('shop/branches')).toEqual([sha7, 'branch-latest'].sort())
    expect(warningsOf(result)).toContainEqual(
      "::warning::Branch 'latest' would be tagged 'latest', the name of the default branch's newest image: it is tagged 'branch-latest' instead, so that a branch never overwrites that tag. Rename the branch, or give branch tags a prefix of their own ('type=ref,event=branch,prefix=br-')."
    )
  }, 180_000)

  it('warns when another branch gets the same tag', async () => {
    github.respond('GET', /\/git\/matching-refs\//, 200, [
      { ref: 'refs/heads/feat/a' },
      { ref: 'refs/heads/feat-a' },
      { ref: 'refs/heads/feature' }
    ])
    const result = await faultRun(pushTo('feat/a'), { repository: 'shop/branches' })
    expect(result.main.code).toBe(0)
    expect(warningsOf(result)).toContainEqual(
      "::warning::Branch 'feat/a' gets the tag 'feat-a', and so does 'feat-a': a push to either overwrites the other's image. Rename one, or tell them apart with a tag of your own rules."
    )
    expect(await finalTags('shop/branches')).toEqual([sha7, 'branch-latest', 'feat-a'].sort())
  }, 180_000)
})

describe('the worst inputs', () => {
  const long = 'a'.repeat(100_000)
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'platforms',
      { platforms: 'linux/amd64\n::error::injected' },
      /^::error::Input 'platforms' has '::error::injected'/
    ],
    [
      'context',
      { context: '../../../../etc' },
      /^::error::Input 'context' names '\.\.\/\.\.\/\.\.\/\.\.\/etc', which is outside the workspace/
    ],
    [
      'file',
      { file: '/etc/passwd' },
      /^::error::Input 'file' names '\/etc\/passwd', which is outside the workspace/
    ],
    [
      'cache-ref',
      { 'cache-ref': '../../../../etc' },
      /^::error::Input 'cache-ref' is '\.\.\/\.\.\/\.\.\/\.\.\/etc': expected a tag/
    ],
    [
      'builder',
      { builder: '--config=/tmp/evil' },
      /^::error::Input 'builder' is '--config=\/tmp\/evil': expected the name of an existing buildx builder/
    ],
    ['provenance', { provenance: 'true\n--push' }, /^::error::Input 'provenance' has more than one line/],
    ['repository', { repository: long }, /^::error::Input 'repository' is 100000 characters long/],
    ['max-image-size', { 'max-image-size': '9'.repeat(400) }, /^::error::Input 'max-image-size'/],
    [
      'target',
      { target: 'prödüction' },
      /^::error::Input 'target' is 'prödüction': \S+ has no stage of that name/
    ],
    [
      'secret-files',
      { 'secret-files': 'token=/etc/passwd' },
      /^::error::Line 1 of 'secret-files' names '\/etc\/passwd', which is outside/
    ],
    [
      'build-args',
      { 'build-args': 'APP=1\r::error::injected' },
      /^::error::Input 'build-args' contains the control character U\+000D/
    ],
    [
      'registry-ids',
      { 'registry-ids': '123456789012\n123456789012' },
      /^::error::Input 'registry-ids' names 123456789012 twice/
    ]
  ]

  it.each(cases)(
    '%s: one ::error:: naming it, no stack trace, nothing run',
    async (_name, inputs, expected) => {
      const before = stack.argvLog().length
      const result = await faultRun(pushToMain, { repository: 'shop/inputs', 'github-token': '', ...inputs })
      expect(result.main.code).toBe(1)
      const errors = errorsOf(result)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(expected)
      expectNoStackTrace(result)
      expect(stack.argvLog().slice(before)).toEqual([])
    },
    60_000
  )

  it('cache-ref: a registry the step does not log in to is refused after the probes, before anything is built', async () => {
    const before = stack.argvLog().length
    const result = await faultRun(pushToMain, {
      repository: 'shop/inputs',
      'github-token': '',
      'cache-ref': 'ghcr.io/octo-org/cache:web'
    })
    expect(result.main.code).toBe(1)
    expect(errorsOf(result)).toEqual([
      `::error::Input 'cache-ref' is 'ghcr.io/octo-org/cache:web', in the registry ghcr.io, which this step cannot write to: it logs in to ${stack.host} only, and docker has no credentials for ghcr.io from an earlier step. Use a tag (the cache then goes to 'cache-repository', or the image's repository), a reference in a registry the step logs in to (add its account to 'registry-ids'), or log in to ghcr.io in an earlier step (docker/login-action).`
    ])
    expect(
      stack
        .argvLog()
        .slice(before)
        .filter((args) => args[0] === 'login')
    ).toEqual([])
    expect(built(before)).toEqual([])
  }, 60_000)

  it('a stage named like a path: refused before anything runs, nothing outside RUNNER_TEMP touched', async () => {
    const victim = path.join(tmpdir(), `faults-victim-${randomBytes(4).toString('hex')}`)
    mkdirSync(`${victim}-new`)
    writeFileSync(path.join(`${victim}-new`, 'keep'), 'still here')
    const workspace = mkdtempSync(path.join(tmpdir(), 'workspace-stage-'))
    writeFileSync(
      path.join(workspace, 'Dockerfile'),
      `FROM busybox:local AS ../../../..${victim}\nRUN true\n`
    )
    const before = stack.argvLog().length
    try {
      const result = await faultRun(
        pushToMain,
        {
          repository: 'shop/inputs',
          'github-token': '',
          target: `../../../..${victim}`,
          cache: 'local',
          scan: 'false'
        },
        { workspace }
      )
      expect(result.main.code).toBe(1)
      expect(errorsOf(result)).toEqual([
        `::error::Input 'file' is 'Dockerfile': line 1 names the stage '../../../..${victim}', which BuildKit refuses: a stage name starts with a letter and has only letters, digits, '-', '_' and '.'.`
      ])
      expect(stack.argvLog().slice(before)).toEqual([])
      expect(readFileSync(path.join(`${victim}-new`, 'keep'), 'utf8')).toBe('still here')
      expect(existsSync(victim)).toBe(false)
      expectNoStackTrace(result)
    } finally {
      rmSync(`${victim}-new`, { recursive: true, force: true })
      rmSync(victim, { recursive: true, force: true })
    }
  }, 120_000)
})

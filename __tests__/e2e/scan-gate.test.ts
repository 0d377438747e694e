import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startGitHubApi } from '../support/stand-ins/github-api.mjs'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, runAction, startStack, type Stack } from '../support/stack.js'

const sha = '9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d'
const headSha = 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00'
const standIns = path.join(root, '__tests__/support/stand-ins')

let stack: Stack
let github: Awaited<ReturnType<typeof startGitHubApi>>

beforeAll(async () => {
  stack = await startStack([
    { name: 'shop/blocked' },
    { name: 'shop/medium' },
    { name: 'shop/report-only' },
    { name: 'shop/forbidden' },
    { name: 'shop/pr' },
    { name: 'shop/too-big' },
    { name: 'shop/compare' }
  ])
  github = await startGitHubApi({ repository: { name: 'shop', default_branch: 'main' } })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  await github?.close()
})

function pullRequest(number: number) {
  return {
    eventName: 'pull_request',
    github: { GITHUB_SHA: sha, GITHUB_REF: `refs/pull/${number}/merge`, GITHUB_API_URL: github.url },
    payload: {
      number,
      pull_request: {
        number,
        head: { ref: 'feature/login', sha: headSha },
        base: { ref: 'main', sha: '1111111111111111111111111111111111111111' }
      },
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

function pushToMain() {
  return {
    eventName: 'push',
    github: { GITHUB_SHA: sha, GITHUB_REF: 'refs/heads/main', GITHUB_API_URL: github.url },
    payload: { ref: 'refs/heads/main', repository: { name: 'shop', default_branch: 'main' } }
  }
}

/** What later steps of the job can read from the files the outputs name, before the post step cleans up. */
let files: {
  report?: { SchemaVersion: number; Metadata: { ImageID: string } }
  sarif?: { version: string }
} = {}

async function scanRun(
  event: ReturnType<typeof pullRequest> | ReturnType<typeof pushToMain>,
  repository: string,
  report: string,
  inputs: Record<string, string> = {}
) {
  files = {}
  return runAction({
    beforePost: (outputs) => {
      files = {
        report: JSON.parse(readFileSync(outputs['scan-report'], 'utf8')),
        sarif: JSON.parse(readFileSync(outputs['sarif-file'], 'utf8'))
      }
    },
    ...event,
    workspace: exampleWorkspace(),
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
      STANDIN_TRIVY_VERIFY: '1'
    }
  })
}

function uploadsFor(repository: string) {
  return github.requests
    .filter((request) => request.method === 'POST' && request.path.endsWith('/code-scanning/sarifs'))
    .map((request) => ({
      ...request.body,
      log: JSON.parse(gunzipSync(Buffer.from(request.body.sarif, 'base64')).toString())
    }))
    .filter(
      (upload) =>
        upload.log.runs[0].automationDetails.id === `trivy/${repository.replace('/', '-')}/production/`
    )
}

describe('a CRITICAL finding blocks the image', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await scanRun(pullRequest(7), 'shop/blocked', 'debian-buster')
  }, 180_000)

  it('fails the step naming the finding and the policy, and no tag exists', async () => {
    expect(result.main.code).toBe(1)
    const errors = result.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('No tag was pushed')
    expect(errors[0]).toMatch(/CVE-\d{4}-\d+ in \S+ .*CRITICAL/)
    expect(errors[0]).toContain('fail-on: CRITICAL')
    expect(await stack.client.tags('shop/blocked')).toEqual([])
    expect(stack.argvLog().some((args) => args[0] === 'push' && args[1].includes('shop/blocked'))).toBe(false)
  })

  it('uploads the SARIF anyway, for the right commit and ref, pointed at the Dockerfile', () => {
    const [upload] = uploadsFor('shop/blocked')
    expect(upload).toMatchObject({ commit_sha: sha, ref: 'refs/pull/7/merge', tool_name: 'Trivy' })
    expect(upload.checkout_uri).toMatch(/^file:\/\//)
    const locations = upload.log.runs[0].results.map(
      (sarifResult: {
        locations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
        }>
      }) => sarifResult.locations[0].physicalLocation
    )
    expect(locations.length).toBe(2)
    for (const location of locations)
      expect(location).toEqual({
        artifactLocation: { uri: 'Dockerfile' },
        region: { startLine: 4, endLine: 4 }
      })
  })

  it('annotates the FROM that brought the base image in', () => {
    const annotation = result.main.stdout.split('\n').find((line) => line.startsWith('::error title='))
    expect(annotation).toMatch(/^::error title=CVE-\d{4}-\d+%3A \S+ \(CRITICAL\),file=Dockerfile,line=4::/)
  })

  it('reports counts and files as outputs, and a summary that says what blocked', () => {
    expect(JSON.parse(result.outputs.vulnerabilities)).toEqual({
      critical: 1,
      high: 0,
      medium: 0,
      low: 1,
      unknown: 0
    })
    expect(files.report?.SchemaVersion).toBe(2)
    expect(files.sarif?.version).toBe('2.1.0')
    expect(result.summary).toContain('**Gate: blocked** by 1 CRITICAL — fail-on CRITICAL')
    expect(result.summary).toMatch(
      /^\| Push \| ⛔ not pushed — The blocked image was removed from the Docker daemon/m
    )
  })

  it('posts the report on the pull request', () => {
    const comments = github.comments.get('octo-org/shop#7') ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0].body.startsWith('<!-- ecr-build-push:shop/blocked:production -->')).toBe(true)
  })

  it('still cleans up in the post step', () => {
    expect(result.post?.code).toBe(0)
    expect(result.post?.stdout).toContain(`$ docker logout ${stack.registry.host}`)
  })
})

describe('a MEDIUM-only image passes and is pushed', () => {
  let result: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    result = await scanRun(pushToMain(), 'shop/medium', 'alpine-310')
  }, 180_000)

  it('pushes every tag onto the digest of the image that was scanned', async () => {
    expect(result.main.stdout).not.toContain('::error')
    expect(result.main.code).toBe(0)
    expect(await stack.client.tags('shop/medium')).toEqual(['9c1e2d3', 'latest', 'main'])
    for (const tag of ['9c1e2d3', 'latest', 'main']) {
      expect((await stack.client.manifest('shop/medium', tag))?.digest).toBe(result.outputs.digest)
    }
    const manifest = await stack.client.manifest('shop/medium', 'latest')
    expect(manifest?.body.config.digest).toBe(files.report?.Metadata.ImageID)
    expect(JSON.parse(result.outputs.vulnerabilities)).toEqual({
      critical: 0,
      high: 0,
      medium: 4,
      low: 0,
      unknown: 0
    })
  })

  it('scanned before it pushed', () => {
    const steps = result.main.stdout.split('\n').filter((line) => /^\$ (trivy|docker push)/.test(line))
    expect(steps[0]).toMatch(/^\$ trivy image --config \S+ --cache-dir \S+ --download-db-only/)
    expect(steps[1]).toMatch(
      /^\$ trivy image --config \S+ --cache-dir \S+ --format json .* --platform linux\/amd64 .*--image-src docker ecr-build-push-staging\/shop\/medium:/
    )
    expect(steps[2]).toMatch(/^\$ trivy convert --config \S+ --cache-dir \S+ --format sarif/)
    // One push moves the layers and the first tag; the others are put on that digest.
    expect(steps.slice(3)).toEqual([`$ docker push ${stack.registry.host}/shop/medium:main`])
    const puts = stack.ecr.requests
      .filter((request) => request.operation === 'PutImage' && request.body.repositoryName === 'shop/medium')
      .map((request) => [request.body.imageTag, request.body.imageDigest])
    expect(puts).toEqual([
      ['9c1e2d3', result.outputs.digest],
      ['latest', result.outputs.digest]
    ])
  })

  it('summarises the image with its size and findings table', () => {
    expect(result.summary).toContain('**Gate: passed** — fail-on CRITICAL, 0 blocking findings')
    expect(result.summary).toMatch(/^\| Push \| ✅ 3 tags written \|$/m)
    expect(result.summary).toMatch(/^\| Size \| [\d.]+ [kMG]?B compressed, 5 layers \|$/m)
    expect(result.summary).toMatch(/^\| 0 \| 0 \| 4 \| 0 \| 0 \|$/m)
    expect(result.summary).toMatch(
      /^\| MEDIUM \| \[CVE-2019-1549\]\(https:\/\/avd\.aquasec\.com\/nvd\/cve-2019-1549\) \| libcrypto1\.1 \|/m
    )
  })
})

describe('fail-on: none reports without blocking', () => {
  it('pushes and reports the CRITICAL finding as an annotation', async () => {
    const result = await scanRun(pushToMain(), 'shop/report-only', 'debian-buster', { 'fail-on': 'none' })
    expect(result.main.code).toBe(0)
    expect(await stack.client.tags('shop/report-only')).toEqual(['9c1e2d3', 'latest', 'main'])
    expect(result.main.stdout).toMatch(
      /^::error title=CVE-\d{4}-\d+%3A \S+ \(CRITICAL\),file=Dockerfile,line=4::/m
    )
    expect(JSON.parse(result.outputs.vulnerabilities).critical).toBe(1)
  }, 180_000)
})

describe('a 403 from code scanning', () => {
  it('is a warning naming the permission, and the image is still pushed', async () => {
    github.respond('POST', /\/code-scanning\/sarifs$/, 403, {
      message: 'Resource not accessible by integration'
    })
    const result = await scanRun(pushToMain(), 'shop/forbidden', 'alpine-310')
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).toMatch(
      /^::warning::Code scanning refused the SARIF upload \(403.*security-events: write/m
    )
    expect(await stack.client.tags('shop/forbidden')).toEqual(['9c1e2d3', 'latest', 'main'])
  }, 180_000)
})

describe('the sticky pull request comment', () => {
  it('is posted once, then updated in place, and drops a fixed finding', async () => {
    github.reset()
    const first = await scanRun(pullRequest(12), 'shop/pr', 'busybox-with-lockfile', { 'fail-on': 'none' })
    expect(first.main.code).toBe(0)
    const afterFirst = github.comments.get('octo-org/shop#12') ?? []
    expect(afterFirst).toHaveLength(1)
    expect(afterFirst[0].body).toContain('CVE-2019-15542')

    const second = await scanRun(pullRequest(12), 'shop/pr', 'alpine-310', { 'fail-on': 'none' })
    expect(second.main.code).toBe(0)
    const afterSecond = github.comments.get('octo-org/shop#12') ?? []
    expect(afterSecond).toHaveLength(1)
    expect(afterSecond[0].id).toBe(afterFirst[0].id)
    expect(afterSecond[0].body).not.toContain('CVE-2019-15542')
    expect(afterSecond[0].body).toContain('CVE-2019-1549')
    expect(second.main.stdout).toMatch(/Pull request comment for production: updated/)
  }, 300_000)

  it('warns and goes on when the token cannot comment (fork pull requests)', async () => {
    github.respond('GET', /\/issues\/13\/comments$/, 403, {
      message: 'Resource not accessible by integration'
    })
    const result = await scanRun(pullRequest(13), 'shop/pr', 'alpine-310', { 'fail-on': 'none' })
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).toMatch(/^::warning::.*pull-requests: write/m)
  }, 180_000)
})

describe('max-image-size', () => {
  it('fails before any tag, naming the biggest layers and their instructions', async () => {
    const result = await scanRun(pushToMain(), 'shop/too-big', 'alpine-310', { 'max-image-size': '100kB' })
    expect(result.main.code).toBe(1)
    const error = result.main.stdout.split('\n').find((line) => line.startsWith('::error::'))
    expect(error).toContain('No tag was pushed')
    expect(error).toMatch(/100 kB/)
    expect(error).toMatch(/FROM \$\{BASE_IMAGE\} AS base/)
    expect(await stack.client.tags('shop/too-big')).toEqual([])
  }, 180_000)
})

describe('the pull request comment compared with the base branch', () => {
  it('says which findings the pull request brings in, which it fixes, and the size change', async () => {
    github.reset()
    const base = await scanRun(pushToMain(), 'shop/compare', 'debian-buster', { 'fail-on': 'none' })
    expect(base.main.code).toBe(0)
    const result = await scanRun(pullRequest(21), 'shop/compare', 'alpine-310,@:main=debian-buster', {
      'fail-on': 'none'
    })
    expect(result.main.code).toBe(0)
    const [comment] = github.comments.get('octo-org/shop#21') ?? []
    expect(comment.body).toContain('### Compared with `main`')
    expect(comment.body).toContain(`| Base image | \`${stack.registry.host}/shop/compare:main\` |`)
    expect(comment.body).toContain('| Findings | 4 new, 2 fixed, 0 already on `main` |')
    expect(comment.body).toContain(
      '**Fixed by this pull request**: CVE-2019-18276 (bash), CVE-2019-18224 (libidn2-0)'
    )
    expect(comment.body).toMatch(/\| Size \| [\d.]+ [kMG]?B, no change against [\d.]+ [kMG]?B \|/)
  }, 240_000)
})

describe('scan-only without a push (pull requests from forks)', () => {
  it('needs no AWS credentials, scans the local image and pushes nothing', async () => {
    github.reset()
    // A fork's token is read-only: GitHub refuses its writes as it does here.
    const readOnly = { message: 'Resource not accessible by integration' }
    github.respond('POST', /\/issues\/31\/comments$/, 403, readOnly)
    github.respond('PATCH', /\/issues\/comments\/\d+$/, 403, readOnly)
    github.respond('POST', /\/code-scanning\/sarifs$/, 403, readOnly)
    const withoutAws = Object.fromEntries(
      Object.entries(stack.env).filter(([key]) => !key.startsWith('AWS_'))
    )
    const before = stack.argvLog().length
    const result = await runAction({
      ...pullRequest(31),
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/fork',
        target: 'production',
        driver: 'docker',
        push: 'false',
        'skip-setup-trivy': 'true',
        'fail-on': 'none',
        'github-token': 'ghs_standintoken'
      },
      env: {
        ...withoutAws,
        PATH: `${standIns}:${stack.env.PATH}`,
        STANDIN_TRIVY_REPORT: 'alpine-310',
        STANDIN_TRIVY_VERIFY: '1'
      }
    })
    expect(result.main.stdout).not.toContain('::error')
    expect(result.main.code).toBe(0)
    expect(result.outputs.registry).toBe('')
    expect(result.outputs.image).toBe('shop/fork')
    expect(JSON.parse(result.outputs.vulnerabilities).medium).toBe(4)
    const commands = stack
      .argvLog()
      .slice(before)
      .map((args) => args.slice(0, 2).join(' '))
    expect(commands).not.toContain('login --username')
    expect(commands.filter((command) => command.startsWith('push'))).toEqual([])
    expect(result.summary).toMatch(
      /^\| Push \| not pushed \('push: false'\): kept in the Docker daemon as `shop\/fork:pr-31`, `shop\/fork:aa11bb2` \|$/m
    )
    expect(result.outputs.tags).toBe('')
    expect(github.comments.get('octo-org/shop#31') ?? []).toEqual([])
    expect(result.main.stdout).toMatch(/^::warning::.*pull-requests: write/m)
  }, 180_000)
})

// The container build strategy's Dockerfile checks, as a pull request sees them: an annotation on the line
// that breaks it, a summary and comment section, SARIF with its own category, the `dockerfile-findings`
// output, and `dockerfile-checks-fail-on` stopping the step before anything is built.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startGitHubApi } from '../support/stand-ins/github-api.mjs'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, runAction, startStack, type Stack } from '../support/stack.js'

const standIns = path.join(root, '__tests__/support/stand-ins')

let stack: Stack
let github: Awaited<ReturnType<typeof startGitHubApi>>

beforeAll(async () => {
  stack = await startStack([{ name: 'shop/root' }, { name: 'shop/strict' }])
  github = await startGitHubApi({ repository: { name: 'shop', default_branch: 'main' } })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  await github?.close()
})

/** The example app with its production stage running as root: the `USER nobody` line taken out. */
function rootWorkspace(): { workspace: string; fromLine: number } {
  const workspace = exampleWorkspace()
  const file = path.join(workspace, 'Dockerfile')
  const lines = readFileSync(file, 'utf8').split('\n')
  writeFileSync(file, lines.filter((line) => line.trim() !== 'USER nobody').join('\n'))
  const fromLine = lines.findIndex((line) => line.startsWith('FROM base AS production')) + 1
  return { workspace, fromLine }
}

function pullRequest(number: number) {
  return {
    eventName: 'pull_request',
    github: {
      GITHUB_SHA: '9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d',
      GITHUB_REF: `refs/pull/${number}/merge`,
      GITHUB_API_URL: github.url
    },
    payload: {
      number,
      pull_request: {
        number,
        head: { ref: 'feature/root', sha: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00' },
        base: { ref: 'main' }
      },
      repository: { name: 'shop', html_url: 'https://github.com/octo-org/shop', default_branch: 'main' }
    }
  }
}

function checkRun(repository: string, inputs: Record<string, string>, workspace: string, number: number) {
  return runAction({
    ...pullRequest(number),
    workspace,
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': 'ghs_standintoken',
      ...inputs
    },
    env: { ...stack.env, PATH: `${standIns}:${stack.env.PATH}`, STANDIN_TRIVY_REPORT: 'alpine-310' }
  })
}

describe('a pull request whose production stage runs as root', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let fromLine: number

  beforeAll(async () => {
    const prepared = rootWorkspace()
    fromLine = prepared.fromLine
    result = await checkRun('shop/root', {}, prepared.workspace, 41)
  }, 300_000)

  it('annotates the built stage’s FROM, where no stage of its chain sets a user', () => {
    expect(result.main.code).toBe(0)
    const annotation = result.main.stdout
      .split('\n')
      .find((line) => line.startsWith('::warning title=root-user'))
    expect(annotation).toBe(
      `::warning title=root-user (warning),file=Dockerfile,line=${fromLine}::Stage production runs as root: no stage in its chain sets USER.%0AFix: Add \`USER <non-root user>\` (e.g. \`USER nobody\` or a user you create) before CMD in the built stage.`
    )
  })

  it('gives the findings as the dockerfile-findings output', () => {
    expect(JSON.parse(result.outputs['dockerfile-findings'])).toEqual(
      expect.arrayContaining([
        {
          rule: 'root-user',
          severity: 'warning',
          file: 'Dockerfile',
          line: fromLine,
          message: 'Stage production runs as root: no stage in its chain sets USER.'
        }
      ])
    )
  })

  it('puts them in the summary and the pull request comment', () => {
    expect(result.summary).toContain('#### Dockerfile checks: `Dockerfile`')
    expect(result.summary).toMatch(new RegExp(`\\| ⚠️ warning \\| \`root-user\` \\| \\[line ${fromLine}\\]`))
    const comments = github.comments.get('octo-org/shop#41') ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toMatch(
      new RegExp(`\\| ⚠️ warning \\| \`root-user\` \\| \\[line ${fromLine}\\]`)
    )
  })

  it('uploads SARIF in its own category, next to the scan’s', () => {
    const categories = github.requests
      .filter((request) => request.method === 'POST' && request.path.endsWith('/code-scanning/sarifs'))
      .map((request) => JSON.parse(gunzipSync(Buffer.from(request.body.sarif, 'base64')).toString()))
      .map((log) => log.runs[0].automationDetails.id)
    expect(categories).toEqual(
      expect.arrayContaining(['trivy/shop-root/production/', 'dockerfile/production/'])
    )
  })
})

describe('dockerfile-checks-fail-on: warning', () => {
  it('fails before anything is built, naming the rule and the line', async () => {
    const { workspace, fromLine } = rootWorkspace()
    const before = stack.argvLog().length
    const result = await checkRun('shop/strict', { 'dockerfile-checks-fail-on': 'warning' }, workspace, 42)
    expect(result.main.code).toBe(1)
    const [error] = result.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(error).toContain(`root-user (Dockerfile:${fromLine})`)
    expect(error).toContain("at or above 'warning' (dockerfile-checks-fail-on), so nothing was built")
    expect(
      stack
        .argvLog()
        .slice(before)
        .filter((args) => args[0] === 'buildx' && args[1] === 'build')
    ).toEqual([])
    expect(
      stack
        .argvLog()
        .slice(before)
        .filter((args) => args[0] === 'login')
    ).toEqual([])
    expect(await stack.client.tags('shop/strict')).toEqual([])
  }, 300_000)
})

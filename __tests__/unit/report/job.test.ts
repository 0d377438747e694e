import { describe, expect, it } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { planImages } from '../../../src/build/plan.js'
import type { RawInputs } from '../../../src/config/values.js'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import type { RunContext } from '../../../src/github/context.js'
import type { RunMeta } from '../../../src/meta/run-tags.js'
import type { ImageOutcome } from '../../../src/outcome.js'
import { reportAll } from '../../../src/report/job.js'
import { manifestMediaTypes } from '../../../src/release/manifests.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import type { GitHubRequest } from '../../../src/run/github-request.js'
import type { GateOutcome } from '../../../src/scan/gate.js'
import { contextFor } from '../../fixtures/events/runs.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const { workspace } = makeWorkspace()
const registry = '210987654321.dkr.ecr.us-east-1.amazonaws.com'
const digest = `sha256:${'d'.repeat(64)}`
const ecr: EcrConnection = {
  authorizations: [],
  registry,
  repositories: new Map([
    ['shop/web', { name: 'shop/web', registryId: '210987654321', tagMutability: 'MUTABLE', exists: true }]
  ])
}
const meta: RunMeta = {
  version: 'pr-42',
  tags: ['pr-42'],
  labels: {},
  annotations: [],
  warnings: [],
  json: { tags: [], labels: {}, annotations: [], version: '' },
  previousTags: [],
  baseTag: 'main'
}
const gate: GateOutcome = {
  scans: [
    {
      platform: 'linux/amd64',
      reportPath: '/r.json',
      sarifPath: '/r.sarif',
      counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
    }
  ],
  findings: [],
  counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
  layers: [
    {
      digest: 'sha256:uncompressed1',
      size: 5_000_000,
      line: 2,
      instruction: 'FROM ${BASE} AS base',
      fromBase: true
    },
    { digest: 'sha256:uncompressed2', size: 3_000, line: 5, instruction: 'RUN make' }
  ],
  layersCompressed: false,
  sarif: [],
  scanner: 'Trivy 0.75.0',
  startedAt: new Date('2024-05-03T08:40:00Z'),
  finishedAt: new Date('2024-05-03T08:41:00Z')
}

function setUp(raw: RawInputs, context: RunContext) {
  const config = configOf(workspace, {
    repository: 'shop/web',
    'github-token': 'ghs_x',
    'registry-ids': '210987654321',
    ...raw
  })
  const [plan] = planImages(config, {
    context,
    meta,
    ...(config.build.push ? { ecr } : {}),
    daemon: { imageStore: 'classic', platform: 'linux/amd64' },
    buildxVersion: '0.21.1',
    builder: 'b',
    temp: mkdtempSync(path.join(os.tmpdir(), 'report-')),
    runKey: '1',
    dependencyHash: 'h',
    env: {}
  })
  const outcome: ImageOutcome = {
    plan,
    built: { digest, imageId: 'sha256:iid', metadata: {}, stats: { steps: 4, cached: 3, slowest: [] } },
    ...(config.scan ? { gate } : {}),
    release: { digest, written: plan.tags, failed: [] }
  }
  return { config, outcome }
}

/** ECR holding the pushed image (compressed layers), and nothing under the base branch's tag. */
const pushed = (request: EcrRequest) => {
  if (request.operation !== 'BatchGetImage') return undefined
  const [id] = (request.input as { imageIds: Array<{ imageDigest?: string }> }).imageIds
  if (id.imageDigest !== digest) return { images: [] }
  const layers = [
    { digest: 'sha256:pushed1', size: 2_000_000 },
    { digest: 'sha256:pushed2', size: 1_000 }
  ]
  return { images: [{ imageId: id, imageManifest: JSON.stringify({ layers }) }] }
}
const checks = { findings: [[]], sarif: [], annotations: [] }
const github = (request: GitHubRequest) =>
  request.route === 'GET /user'
    ? new Error('Resource not accessible by integration')
    : request.route.startsWith('GET')
      ? { data: [] }
      : {
          status: 201,
          data: { id: 7, html_url: 'https://github.com/octo-org/shop-api/pull/42#issuecomment-7' }
        }

describe('reportAll', () => {
  it('writes one job summary section per image, with the compressed sizes of the pushed manifest', async () => {
    const context = contextFor('push_branch', { workspace })
    const { config, outcome } = setUp({}, context)
    const probe = new ScriptedRunner({ ecr: pushed, github })
    const runner = new ScriptedRunner()
    const log = new RecordingLog()
    await reportAll({ runner, probe, log, config, context, outcomes: [outcome], checks, seconds: 75 })
    expect(probe.plans()).toEqual([
      {
        ecr: {
          operation: 'BatchGetImage',
          input: {
            registryId: '210987654321',
            repositoryName: 'shop/web',
            imageIds: [{ imageDigest: digest }],
            acceptedMediaTypes: manifestMediaTypes
          }
        }
      }
    ])
    expect(runner.steps).toEqual([])
    const [summary] = log.of('summary')
    expect(summary.split('\n').slice(0, 12)).toEqual([
      `### \`3\` → \`${registry}/shop/web\``,
      '',
      '**Gate: passed** — fail-on CRITICAL, 0 blocking findings',
      '',
      '| | |',
      '| --- | --- |',
      `| Image | \`${registry}/shop/web@${digest}\` |`,
      `| Tags | \`${registry}/shop/web:pr-42\` |`,
      '| Size | 2 MB compressed, 2 layers |',
      '| Build time | 1m 15s |',
      '| Cache | 3 of 4 build steps from cache |',
      '| Push | ✅ 1 tag written |'
    ])
    expect(summary).toContain(
      `| 2 MB | [line 2](https://github.com/octo-org/shop-api/blob/${context.sha}/Dockerfile#L2)`
    )
  })

  it('on a pull request keeps one comment per target, comparing with the base branch’s image', async () => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp({}, context)
    const probe = new ScriptedRunner({ ecr: pushed, github })
    const runner = new ScriptedRunner({ github })
    const log = new RecordingLog()
    await reportAll({
      runner,
      probe,
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect(probe.plans().flatMap((step) => ('github' in step ? [step.github.route] : []))).toEqual([
      'GET /user',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
    ])
    const posts = runner.plans().flatMap((step) => ('github' in step ? [step.github] : []))
    expect(posts.map((post) => [post.route, post.parameters.issue_number, post.summary])).toEqual([
      ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 42, 'post the report comment on #42']
    ])
    expect(String(posts[0].parameters.body).startsWith('<!-- ecr-build-push:shop/web:3 -->\n## `3` →')).toBe(
      true
    )
    expect(log.of('info')).toEqual([
      'Pull request comment for 3: created https://github.com/octo-org/shop-api/pull/42#issuecomment-7'
    ])
  })

  it('says the base branch has no image to compare with when the gate found none under its tag', async () => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp({}, context)
    // The gate read the base branch's tag (scan/comparison.ts): nothing there.
    const comparison = {
      kind: 'base-branch' as const,
      ref: 'main',
      tag: 'main',
      platforms: [{ platform: 'linux/amd64' }],
      note: `${outcome.plan.image}:main does not exist`
    }
    const probe = new ScriptedRunner({ ecr: pushed, github })
    const runner = new ScriptedRunner({ github })
    await reportAll({
      runner,
      probe,
      log: new RecordingLog(),
      config,
      context,
      outcomes: [{ ...outcome, gate: { ...gate, comparison } }],
      checks,
      seconds: 1
    })
    const body = String(
      runner.plans().flatMap((step) => ('github' in step ? [step.github] : []))[0].parameters.body
    )
    expect(body).toContain(
      '### Compared with `main`\n\nNo image for `main` in the registry yet: nothing to compare with.'
    )
    // The report reads no base image of its own: only the pushed image's sizes.
    expect(probe.plans().flatMap((step) => ('ecr' in step ? [step.ecr.input] : []))).not.toContainEqual(
      expect.objectContaining({ imageIds: [{ imageTag: 'main' }] })
    )
  })

  it('never fails the step: a summary that cannot be written is a warning, and the comment still goes out', async () => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp({}, context)
    const log = new RecordingLog()
    log.summary = async () => {
      throw new Error('EACCES: permission denied')
    }
    const runner = new ScriptedRunner({ github })
    await reportAll({
      runner,
      probe: new ScriptedRunner({ ecr: pushed, github }),
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect(log.of('warning')).toEqual([
      'Could not write the job summary: EACCES: permission denied. The image itself is not affected.'
    ])
    expect(runner.steps).toHaveLength(1)
  })

  it('never fails the step: a comment that cannot be posted is a warning naming the target', async () => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp({}, context)
    const log = new RecordingLog()
    const refused = (request: GitHubRequest) =>
      request.route.startsWith('POST') ? new Error('Resource not accessible by integration') : github(request)
    await reportAll({
      runner: new ScriptedRunner({ github: refused }),
      probe: new ScriptedRunner({ ecr: pushed, github }),
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect(log.of('summary')).toHaveLength(1)
    expect(log.of('warning')).toEqual([
      'Could not report on 3: Resource not accessible by integration. The image itself is not affected.'
    ])
  })

  it('falls back on the sizes the scan read when the pushed manifest cannot be read, and says so in the debug log', async () => {
    const context = contextFor('push_branch', { workspace })
    const { config, outcome } = setUp({}, context)
    const log = new RecordingLog()
    await reportAll({
      runner: new ScriptedRunner(),
      probe: new ScriptedRunner({
        ecr: () => new Error('ECR BatchGetImage failed: ThrottlingException: slow down')
      }),
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect(log.of('debug')).toEqual([
      'Could not read the pushed layer sizes: ECR BatchGetImage failed: ThrottlingException: slow down'
    ])
    expect(
      log
        .of('summary')[0]
        .split('\n')
        .filter((line) => line.startsWith('| Size'))
    ).toEqual(['| Size | 5 MB uncompressed, 2 layers |', '| Size | Made by |'])
  })

  it('says an image was not scanned when the step does not scan', async () => {
    const context = contextFor('push_branch', { workspace })
    const { config, outcome } = setUp({ scan: 'false' }, context)
    const log = new RecordingLog()
    await reportAll({
      runner: new ScriptedRunner(),
      probe: new ScriptedRunner({ ecr: pushed, github }),
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect(log.of('summary')[0].split('\n').slice(0, 4)).toEqual([
      `### \`3\` → \`${registry}/shop/web\``,
      '',
      "**Gate: not scanned** — 'scan: false' pushes without a scan",
      ''
    ])
    expect(log.of('warning')).toEqual([])
  })

  it.each<[string, RawInputs]>([
    ['without a token', { 'github-token': '' }],
    ['with pr-comment: false', { 'pr-comment': 'false' }]
  ])('writes no comment %s', async (_name, raw) => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp(raw, context)
    const runner = new ScriptedRunner({ github })
    const probe = new ScriptedRunner({ ecr: pushed, github })
    const log = new RecordingLog()
    await reportAll({ runner, probe, log, config, context, outcomes: [outcome], checks, seconds: 1 })
    expect(runner.steps).toEqual([])
    expect(probe.plans().filter((step) => 'github' in step)).toEqual([])
    expect(log.of('summary')).toHaveLength(1)
  })

  it('reports nothing in a dry run', async () => {
    const context = contextFor('pull_request', { workspace })
    const { config, outcome } = setUp({ 'dry-run': 'true' }, context)
    const runner = new ScriptedRunner({}, true)
    const log = new RecordingLog()
    await reportAll({
      runner,
      probe: runner,
      log,
      config,
      context,
      outcomes: [outcome],
      checks,
      seconds: 1
    })
    expect([runner.steps, log.entries]).toEqual([[], []])
  })
})

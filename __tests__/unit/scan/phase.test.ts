import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, mkdtempSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { planImages, type ImagePlan } from '../../../src/build/plan.js'
import type { BuildResult } from '../../../src/build/build.js'
import type { Config } from '../../../src/config/config.js'
import type { RawInputs } from '../../../src/config/values.js'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import { ServiceError } from '../../../src/errors.js'
import { manifestMediaTypes } from '../../../src/release/manifests.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { gateAll } from '../../../src/scan/phase.js'
import { contextFor } from '../../fixtures/events/runs.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'
import { LayoutWriter } from './oci-layout.js'
import { diffIds, playTrivy, report } from './trivy-double.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const image = `${registry}/shop/web`
const digest = `sha256:${'d'.repeat(64)}`
const { workspace } = makeWorkspace()
const context = contextFor('push_branch', { workspace })
const ecr: EcrConnection = {
  authorizations: [],
  registry,
  repositories: new Map([
    ['shop/web', { name: 'shop/web', registryId: '123456789012', tagMutability: 'MUTABLE', exists: true }]
  ])
}
const built: BuildResult = {
  digest,
  imageId: 'sha256:iid',
  metadata: {},
  stats: { steps: 0, cached: 0, slowest: [] }
}

function setUp(
  raw: RawInputs,
  daemon: { imageStore: 'classic' | 'containerd'; platform: string } = {
    imageStore: 'classic',
    platform: 'linux/amd64'
  }
) {
  const config: Config = configOf(workspace, {
    repository: 'shop/web',
    target: 'production',
    'skip-setup-trivy': 'true',
    ...raw
  })
  const plans: ImagePlan[] = planImages(config, {
    context,
    meta: {
      version: 'main',
      tags: ['main'],
      labels: {},
      annotations: [],
      warnings: [],
      json: { tags: [], labels: {}, annotations: [], version: '' },
      previousTags: []
    },
    ...(config.build.push ? { ecr } : {}),
    daemon,
    buildxVersion: '0.21.1',
    builder: 'b',
    temp: mkdtempSync(path.join(os.tmpdir(), 'gate-phase-')),
    runKey: '1-1-x',
    dependencyHash: 'h',
    env: {}
  })
  // As main does before the build: each image's own folder.
  plans.forEach((plan) => mkdirSync(plan.dir, { recursive: true }))
  return { config, plans, facts: { daemon, ...(config.build.push ? { ecr } : {}) } }
}

const index = (platforms: string[]) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      ...platforms.map((platform, n) => {
        const [os, architecture, variant] = platform.split('/')
        return {
          digest: `sha256:${String(n).repeat(64)}`,
          platform: { os, architecture, ...(variant ? { variant } : {}) }
        }
      }),
      { digest: `sha256:${'a'.repeat(64)}`, platform: { os: 'unknown', architecture: 'unknown' } }
    ]
  })
const storedIndex = (platforms: string[]) => (request: EcrRequest) =>
  request.operation === 'BatchGetImage'
    ? { images: [{ imageId: { imageDigest: digest }, imageManifest: index(platforms) }] }
    : undefined

// The Actions cache must not be reachable from a unit test: the Trivy DB cache then stays off.
const cacheVariables = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN']
const saved: Record<string, string | undefined> = {}
beforeAll(() => {
  for (const name of cacheVariables) {
    saved[name] = process.env[name]
    delete process.env[name]
  }
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterAll(() => {
  for (const name of cacheVariables) if (saved[name] !== undefined) process.env[name] = saved[name]
  jest.restoreAllMocks()
})

/** gateAll for a push of the fixture image, with the set-up's config, plans and facts. */
const gateWith = (
  { config, plans, facts }: ReturnType<typeof setUp>,
  runner: ScriptedRunner,
  probe: ScriptedRunner,
  log = new RecordingLog()
) =>
  gateAll({ runner, probe, log, config, context, meta: { previousTags: [] }, facts, plans, built: [built] })

const high = ['CVE-2024-2398', 'curl', 'HIGH', 5] as const
/** `docker image inspect --format '{{json .}}'` of an image in the daemon (the fields the gate reads). */
const inspected = (id: string, layers: string[]) =>
  `${JSON.stringify({ Id: id, Os: 'linux', Architecture: 'amd64', RootFS: { Type: 'layers', Layers: layers } })}\n`

describe('gateAll', () => {
  it('does nothing without a scan', async () => {
    const { config, plans, facts } = setUp({ scan: 'false' })
    const runner = new ScriptedRunner()
    const result = await gateWith({ config, plans, facts }, runner, runner)
    expect(result).toEqual({ images: [undefined], held: [undefined] })
    expect(runner.steps).toEqual([])
  })

  it('in a dry run prints the DB download and one scan per platform of the pushed digest, in the registry', async () => {
    const { config, plans, facts } = setUp({ platforms: 'linux/amd64,linux/arm64' })
    const runner = new ScriptedRunner({}, true)
    const log = new RecordingLog()
    const result = await gateWith({ config, plans, facts }, runner, runner, log)
    const scans = runner
      .plans()
      .map((step) => ('run' in step ? step.run.args.filter((arg) => !arg.startsWith('/')) : []))
    expect(scans).toEqual([
      ['image', '--config', '--cache-dir', '--download-db-only', '--no-progress'],
      [
        'image',
        '--config',
        '--cache-dir',
        '--format',
        'json',
        '--output',
        '--severity',
        'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
        '--scanners',
        'vuln',
        '--pkg-types',
        'os,library',
        '--ignorefile',
        '--platform',
        'linux/amd64',
        '--skip-db-update',
        '--no-progress',
        '--image-src',
        'remote',
        `${image}@${digest}`
      ],
      ['convert', '--config', '--cache-dir', '--format', 'sarif', '--output'],
      [
        'image',
        '--config',
        '--cache-dir',
        '--format',
        'json',
        '--output',
        '--severity',
        'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
        '--scanners',
        'vuln',
        '--pkg-types',
        'os,library',
        '--ignorefile',
        '--platform',
        'linux/arm64',
        '--skip-db-update',
        '--no-progress',
        '--image-src',
        'remote',
        `${image}@${digest}`
      ],
      ['convert', '--config', '--cache-dir', '--format', 'sarif', '--output']
    ])
    expect(result.held).toEqual([undefined])
    expect(result.images[0]?.blocked).toBeUndefined()
    expect(log.of('warning')).toEqual([])
  })

  it('in a dry run without a push, prints one scan per platform of what the daemon build stages', async () => {
    const scanned = async (raw: RawInputs, daemon: Parameters<typeof setUp>[1]) => {
      const { config, plans, facts } = setUp({ push: 'false', 'sarif-upload': 'false', ...raw }, daemon)
      const runner = new ScriptedRunner({}, true)
      await gateWith({ config, plans, facts }, runner, runner)
      const scans = runner
        .plans()
        .flatMap((step) =>
          'run' in step && step.run.args[0] === 'image' && !step.run.args.includes('--download-db-only')
            ? [step.run.args.slice(step.run.args.indexOf('--skip-db-update') - 2)]
            : []
        )
      return { scans, plans }
    }
    const containerd = await scanned(
      { platforms: 'linux/amd64,linux/arm64', driver: 'docker' },
      { imageStore: 'containerd', platform: 'linux/amd64' }
    )
    const layout = containerd.plans[0].layout!
    expect(containerd.scans).toEqual([
      ['--platform', 'linux/amd64', '--skip-db-update', '--no-progress', '--input', `${layout}-linux-amd64`],
      ['--platform', 'linux/arm64', '--skip-db-update', '--no-progress', '--input', `${layout}-linux-arm64`]
    ])
    const classic = await scanned({ driver: 'docker' }, { imageStore: 'classic', platform: 'linux/amd64' })
    // The classic store keeps no OCI layout: the daemon's own image, under this run's staging name.
    expect(classic.plans[0].layout).toBeUndefined()
    expect(classic.scans).toEqual([
      [
        '--platform',
        'linux/amd64',
        '--skip-db-update',
        '--no-progress',
        '--image-src',
        'docker',
        'ecr-build-push-staging/shop/web:1-1-x-0'
      ]
    ])
  })

  it('scans each platform the pushed index lists, attestations left out, and keeps one SARIF per platform', async () => {
    const { config, plans, facts } = setUp({ platforms: 'linux/amd64,linux/arm64', 'github-token': 'ghs_x' })
    const probe = new ScriptedRunner({ ecr: storedIndex(['linux/amd64', 'linux/arm64']) })
    const runner = new ScriptedRunner({
      run: playTrivy({
        'linux/amd64': report('linux/amd64', [[...high]]),
        'linux/arm64': report('linux/arm64', [[...high]])
      })
    })
    const log = new RecordingLog()
    const result = await gateWith({ config, plans, facts }, runner, probe, log)
    expect(probe.plans()).toEqual([
      {
        ecr: {
          operation: 'BatchGetImage',
          input: {
            registryId: '123456789012',
            repositoryName: 'shop/web',
            imageIds: [{ imageDigest: digest }],
            acceptedMediaTypes: manifestMediaTypes
          }
        }
      }
    ])
    expect(result.images[0]?.scans.map((scan) => scan.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    const scanned = runner
      .plans()
      .flatMap((step) => ('run' in step && step.run.args.includes('--platform') ? [step.run] : []))
    expect(scanned.map((command) => command.args.slice(-3))).toEqual([
      ['--image-src', 'remote', `${plans[0].image}@${digest}`],
      ['--image-src', 'remote', `${plans[0].image}@${digest}`]
    ])
    expect(result.images[0]?.sarif.map((upload) => upload.category)).toEqual([
      'trivy/shop-web/production/linux-amd64/',
      'trivy/shop-web/production/linux-arm64/'
    ])
    expect(result.images[0]?.blocked).toBeUndefined()
    // Uploads and annotations are the next phase's (publishFindings): the gate only scans.
    expect(runner.plans().filter((step) => 'github' in step)).toEqual([])
    expect(log.entries.filter((entry) => entry.level === 'error' || entry.level === 'warning')).toEqual([])
  })

  it('fail-on-new: a comparison image it cannot read is a warning, and every finding then counts as new', async () => {
    const { config, plans, facts } = setUp({
      'fail-on-new': 'true',
      'fail-on': 'HIGH',
      'sarif-upload': 'false'
    })
    const probe = new ScriptedRunner({
      ecr: (request) => {
        const ids = (request.input as { imageIds?: Array<{ imageTag?: string }> }).imageIds
        if (ids?.[0].imageTag === 'main')
          return new ServiceError(
            'ECR BatchGetImage failed: AccessDeniedException: not authorized',
            'AccessDeniedException',
            400
          )
        return storedIndex(['linux/amd64'])(request)
      }
    })
    const runner = new ScriptedRunner({
      run: playTrivy({ 'linux/amd64': report('linux/amd64', [[...high]]) })
    })
    const log = new RecordingLog()
    const result = await gateAll({
      runner,
      probe,
      log,
      config,
      context,
      meta: { previousTags: ['main'] },
      facts,
      plans,
      built: [built]
    })
    expect(log.of('warning')).toEqual([
      `Could not compare with ${image}:main: ECR BatchGetImage failed: AccessDeniedException: not authorized. Every finding counts as new (fail-on-new).`
    ])
    expect(result.images[0]?.comparison).toEqual({
      kind: 'previous-tag',
      ref: 'main',
      tag: 'main',
      platforms: [{ platform: 'linux/amd64' }],
      note: `${image}:main could not be read or scanned`
    })
    expect(result.images[0]?.blocked).toBe(
      `The image was not tagged: 1 new finding blocks it (fail-on: HIGH blocks HIGH and above; fail-on-new: ${image}:main could not be read or scanned, so every finding counts as new):\n` +
        '  CVE-2024-2398 in curl 1.0 → 1.1 (HIGH)\n' +
        "Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'."
    )
  })

  it('blocks a pushed image that lacks a platform the step asked for', async () => {
    const { config, plans, facts } = setUp({ platforms: 'linux/amd64,linux/arm64', 'sarif-upload': 'false' })
    const probe = new ScriptedRunner({ ecr: storedIndex(['linux/amd64']) })
    const runner = new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    expect(result.images[0]?.scans.map((scan) => scan.platform)).toEqual(['linux/amd64'])
    expect(result.images[0]?.blocked).toBe('The pushed image has no linux/arm64 to scan: it is not tagged.')
  })

  it.each([
    ['a single manifest', JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c' }, layers: [] })],
    ['an index of attestations only', index([])]
  ])('scans the platform built when the pushed digest is %s', async (_name, manifest) => {
    const { config, plans, facts } = setUp({ 'sarif-upload': 'false' })
    const probe = new ScriptedRunner({
      ecr: () => ({ images: [{ imageId: { imageDigest: digest }, imageManifest: manifest }] })
    })
    const runner = new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    expect(result.images[0]?.scans.map((scan) => scan.platform)).toEqual(['linux/amd64'])
    expect(result.images[0]?.blocked).toBeUndefined()
  })

  it('blocks a layout that lacks a platform the step asked for, and a layout platform with other layers than Trivy saw', async () => {
    const { config, plans, facts } = setUp(
      { push: 'false', 'sarif-upload': 'false', platforms: 'linux/amd64,linux/arm64', driver: 'docker' },
      { imageStore: 'containerd', platform: 'linux/amd64' }
    )
    const writer = new LayoutWriter(plans[0].layout!)
    const amd64 = writer.image({ os: 'linux', architecture: 'amd64' }, diffIds.map(String), diffIds)
    writer.top(writer.index([amd64.manifest]))
    const probe = new ScriptedRunner({ run: () => ({ stdout: inspected('sha256:daemon-id', diffIds) }) })
    const runner = new ScriptedRunner({
      run: playTrivy({ 'linux/amd64': report('linux/amd64', [], diffIds.slice(0, 2)) })
    })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    expect(result.images[0]?.blocked?.split('\n')).toEqual([
      'The image has no linux/arm64 to scan: it is not tagged.',
      `Trivy scanned an image with other layers than the one built (${plans[0].layout}-linux-amd64, linux/amd64): the scan cannot vouch for it, so the image is not tagged.`
    ])
  })

  it('blocks when the daemon’s own platform is not in the layout at all', async () => {
    const { config, plans, facts } = setUp({ push: 'false', 'sarif-upload': 'false' })
    const writer = new LayoutWriter(plans[0].layout!)
    const amd64 = writer.image({ os: 'linux', architecture: 'amd64' }, diffIds.map(String), diffIds)
    writer.top(amd64.manifest)
    const arm64 = JSON.stringify({
      Id: 'sha256:daemon-id',
      Os: 'linux',
      Architecture: 'arm64',
      RootFS: { Layers: diffIds }
    })
    const result = await gateWith(
      { config, plans, facts },
      new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) }),
      new ScriptedRunner({ run: () => ({ stdout: arm64 }) })
    )
    expect(result.images[0]?.blocked).toBe(
      `The daemon holds another image under ${plans[0].staging} than the build exported for the scan: nothing was tagged.`
    )
  })

  it('scans each platform of the OCI layout a daemon-staged build wrote, and holds the daemon id with the scanned manifests', async () => {
    const { config, plans, facts } = setUp({ push: 'false', 'sarif-upload': 'false' })
    const writer = new LayoutWriter(plans[0].layout!)
    const amd64 = writer.image({ os: 'linux', architecture: 'amd64' }, diffIds.map(String), diffIds)
    const top = writer.index([amd64.manifest, writer.attestation(amd64.manifest)])
    writer.top(top)
    const probe = new ScriptedRunner({
      run: () => ({ stdout: inspected('sha256:daemon-id', diffIds) })
    })
    const runner = new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    expect(probe.plans()).toEqual([
      {
        run: {
          tool: 'docker',
          args: ['image', 'inspect', '--format', '{{json .}}', plans[0].staging]
        }
      }
    ])
    const scan = runner.plans()[1]
    expect('run' in scan && scan.run.args.slice(-2)).toEqual(['--input', `${plans[0].layout}-linux-amd64`])
    // The tags go onto the daemon's id; a push must store exactly the manifests that were scanned.
    expect(result.held).toEqual([
      { id: 'sha256:daemon-id', scanned: { 'linux/amd64': amd64.manifest.digest } }
    ])
    expect(result.images[0]?.blocked).toBeUndefined()
  })

  it('blocks when the daemon holds other layers under the staging name than the build exported', async () => {
    const { config, plans, facts } = setUp({ push: 'false', 'sarif-upload': 'false' })
    const writer = new LayoutWriter(plans[0].layout!)
    const amd64 = writer.image({ os: 'linux', architecture: 'amd64' }, diffIds.map(String), diffIds)
    writer.top(amd64.manifest)
    const probe = new ScriptedRunner({
      run: () => ({ stdout: inspected('sha256:other', diffIds.slice(1)) })
    })
    const runner = new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    expect(result.images[0]?.blocked).toBe(
      `The daemon holds another image under ${plans[0].staging} than the build exported for the scan: nothing was tagged.`
    )
  })

  it('scans the daemon image itself where there is no layout, checking its layers, and keeps its id', async () => {
    const { config, plans, facts } = setUp({ driver: 'docker', 'sarif-upload': 'false' })
    expect(plans[0].layout).toBeUndefined()
    const probe = new ScriptedRunner({
      run: () => ({ stdout: inspected('sha256:iid', diffIds.slice(0, 1)) })
    })
    const runner = new ScriptedRunner({ run: playTrivy({ 'linux/amd64': report('linux/amd64', []) }) })
    const result = await gateWith({ config, plans, facts }, runner, probe)
    const scan = runner.plans()[1]
    expect('run' in scan && scan.run.args.slice(-3)).toEqual(['--image-src', 'docker', plans[0].staging])
    expect(result.held).toEqual([{ id: 'sha256:iid' }])
    expect(result.images[0]?.blocked).toMatch(/^Trivy scanned an image with other layers than the one built/)
  })
})

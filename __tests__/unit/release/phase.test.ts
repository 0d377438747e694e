import { describe, expect, it } from '@jest/globals'
import type { BuildResult } from '../../../src/build/build.js'
import { planImages } from '../../../src/build/plan.js'
import type { RawInputs } from '../../../src/config/values.js'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import { ServiceError } from '../../../src/errors.js'
import { releaseAll } from '../../../src/release/phase.js'
import type { GateOutcome } from '../../../src/scan/gate.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { contextFor } from '../../fixtures/events/runs.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const { workspace } = makeWorkspace()
const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const repository = (name: string) =>
  [name, { name, registryId: '210987654321', tagMutability: 'MUTABLE' as const, exists: true }] as const
const ecr: EcrConnection = {
  authorizations: [],
  registry,
  repositories: new Map([repository('shop/web'), repository('shop/builder')])
}
const digest = (n: number) => `sha256:${String(n).repeat(64)}`
const built = (n: number): BuildResult => ({
  digest: digest(n),
  imageId: digest(n + 5),
  metadata: {},
  stats: { steps: 0, cached: 0, slowest: [] }
})
const gate = (blocked?: string): GateOutcome => ({
  scans: [],
  findings: [],
  counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
  layers: [],
  layersCompressed: true,
  sarif: [],
  scanner: 'Trivy',
  startedAt: new Date(0),
  finishedAt: new Date(0),
  ...(blocked ? { blocked } : {})
})

function setUp(raw: RawInputs) {
  const config = configOf(workspace, { targets: 'production=shop/web\nbuilder=shop/builder', ...raw })
  const plans = planImages(config, {
    context: contextFor('push_branch', { workspace }),
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
    daemon: { imageStore: 'classic', platform: 'linux/amd64' },
    buildxVersion: '0.21.1',
    builder: 'b',
    temp: '/tmp/run',
    runKey: '1-1-x',
    dependencyHash: 'h',
    env: {}
  })
  return { config, plans }
}

/** ECR that stores both built digests, has no tags on them and deletes what it is asked to. */
const answers = (ecrRequest: EcrRequest) => {
  if (ecrRequest.operation === 'BatchGetImage') {
    const id = (ecrRequest.input as { imageIds: Array<{ imageDigest: string }> }).imageIds[0]
    return { images: [{ imageId: id, imageManifest: '{"layers":[]}' }] }
  }
  if (ecrRequest.operation === 'BatchDeleteImage')
    return { imageIds: (ecrRequest.input as { imageIds: unknown[] }).imageIds }
  return undefined
}

describe('releaseAll', () => {
  it('with gate: per-target tags what passed and takes the blocked image out of reach', async () => {
    const { config, plans } = setUp({ gate: 'per-target' })
    const runner = new ScriptedRunner({ ecr: answers })
    const probe = new ScriptedRunner({ ecr: answers })
    const log = new RecordingLog()
    const released = await releaseAll({
      runner,
      probe,
      log,
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [gate(), gate('1 finding blocks it')], held: [undefined, undefined] },
      ecr
    })
    expect(released).toEqual([
      { release: { digest: digest(1), written: [`${registry}/shop/web:main`], failed: [] } },
      {
        cleanup: `The blocked image was deleted from ECR (1 manifest of shop/builder@${digest(2)}), so it cannot be pulled by digest.`
      }
    ])
    // In the registry that holds the repositories; the read of the released manifest and the delete may interleave.
    const where = (request: EcrRequest) => {
      const input = request.input as { registryId?: string; repositoryName?: string }
      return `${request.operation} ${input.registryId}/${input.repositoryName}`
    }
    expect(
      runner
        .plans()
        .map((step) => ('ecr' in step ? where(step.ecr) : ''))
        .sort()
    ).toEqual([
      'BatchDeleteImage 210987654321/shop/builder',
      'BatchGetImage 210987654321/shop/web',
      'PutImage 210987654321/shop/web'
    ])
    expect(log.of('info')).toEqual([
      `The blocked image was deleted from ECR (1 manifest of shop/builder@${digest(2)}), so it cannot be pulled by digest.`,
      `production: ${registry}/shop/web:main → ${digest(1)}`
    ])
  })

  it('with gate: atomic holds back every other image when one is blocked, writing no tag at all', async () => {
    const { config, plans } = setUp({})
    const runner = new ScriptedRunner({ ecr: answers })
    const released = await releaseAll({
      runner,
      probe: new ScriptedRunner({ ecr: answers }),
      log: new RecordingLog(),
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [gate(), gate('blocked')], held: [undefined, undefined] },
      ecr
    })
    expect(released[0]).toEqual({ heldBackBy: ['builder'] })
    // Only the blocked digest is touched: read, then deleted; nothing of the held-back image, in ECR or the daemon.
    expect(
      runner
        .plans()
        .map((step) => ('ecr' in step ? step.ecr.operation : 'run' in step ? step.run.args.join(' ') : step))
    ).toEqual(['BatchDeleteImage'])
  })

  it('releases every image when nothing was scanned (scan: false)', async () => {
    const { config, plans } = setUp({ scan: 'false', gate: 'per-target' })
    const released = await releaseAll({
      runner: new ScriptedRunner({ ecr: answers }),
      probe: new ScriptedRunner({ ecr: answers }),
      log: new RecordingLog(),
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [undefined, undefined], held: [undefined, undefined] },
      ecr
    })
    expect(released.map((entry) => entry.release?.written)).toEqual([
      [`${registry}/shop/web:main`],
      [`${registry}/shop/builder:main`]
    ])
  })

  it('keeps a blocked digest in ECR with keep-blocked, saying who can pull it', async () => {
    const { config, plans } = setUp({ 'keep-blocked': 'true', gate: 'per-target' })
    const runner = new ScriptedRunner({ ecr: answers })
    const log = new RecordingLog()
    const released = await releaseAll({
      runner,
      probe: new ScriptedRunner({ ecr: answers }),
      log,
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [gate(), gate('blocked')], held: [undefined, undefined] },
      ecr
    })
    const note = `The blocked image stays in ECR untagged for inspection ('keep-blocked: true'): anyone with pull access who knows shop/builder@${digest(2)} can pull it.`
    expect(released[1]).toEqual({ cleanup: note })
    expect(runner.plans().some((step) => 'ecr' in step && step.ecr.operation === 'BatchDeleteImage')).toBe(
      false
    )
    expect(log.of('info')).toContain(note)
  })

  it('logs nothing for a blocked image that left nothing to clean up, nor for an image whose every tag failed', async () => {
    const { config, plans } = setUp({ gate: 'per-target' })
    const refuse = (ecrRequest: EcrRequest) =>
      ecrRequest.operation === 'PutImage'
        ? new ServiceError('denied', 'AccessDeniedException')
        : answers(ecrRequest)
    const log = new RecordingLog()
    const released = await releaseAll({
      runner: new ScriptedRunner({ ecr: refuse }),
      probe: new ScriptedRunner({ ecr: answers }),
      log,
      config,
      plans: [plans[0], { ...plans[1], delivery: 'tags' }],
      built: [built(1), built(2)],
      gates: { images: [gate(), gate('blocked')], held: [undefined, undefined] },
      ecr
    })
    expect(released).toEqual([
      { release: { written: [], failed: [{ tag: `${registry}/shop/web:main`, error: 'denied' }] } },
      { cleanup: '' }
    ])
    expect(log.of('info')).toEqual([])
  })

  it('says which tags already held the image (a re-run) and leaves them', async () => {
    const { config, plans } = setUp({ gate: 'per-target' })
    const held = (ecrRequest: EcrRequest) => {
      const id = (ecrRequest.input as { imageIds: Array<{ imageTag?: string }> }).imageIds[0]
      return id.imageTag
        ? { images: [{ imageId: { imageDigest: digest(1) }, imageManifest: '{"layers":[]}' }] }
        : answers(ecrRequest)
    }
    const log = new RecordingLog()
    await releaseAll({
      runner: new ScriptedRunner({ ecr: answers }),
      probe: new ScriptedRunner({ ecr: held }),
      log,
      config,
      plans: [{ ...plans[0], tags: [...plans[0].tags, `${registry}/shop/web:latest`] }],
      built: [built(1)],
      gates: { images: [gate()], held: [undefined] },
      // A connection with no record of the repository: taken as mutable.
      ecr: { ...ecr, repositories: new Map() }
    })
    expect(log.of('info')).toEqual([
      `production: ${registry}/shop/web:main, ${registry}/shop/web:latest → ${digest(1)}`,
      `production: already there, left as they were: ${registry}/shop/web:main, ${registry}/shop/web:latest`
    ])
  })

  it('removes a held-back image’s staging name from the daemon', async () => {
    const { config, plans } = setUp({ driver: 'docker' })
    const runner = new ScriptedRunner()
    const released = await releaseAll({
      runner,
      probe: new ScriptedRunner(),
      log: new RecordingLog(),
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [gate('blocked'), gate()], held: [{ id: digest(6) }, { id: digest(7) }] },
      ecr
    })
    expect(released).toEqual([
      { cleanup: `The blocked image was removed from the Docker daemon (${plans[0].staging}).` },
      { heldBackBy: ['production'] }
    ])
    expect(runner.steps).toEqual([
      { run: { tool: 'docker', args: ['image', 'rm', plans[0].staging] }, options: { allowFailure: true } },
      { run: { tool: 'docker', args: ['image', 'rm', plans[1].staging] }, options: { allowFailure: true } }
    ])
  })

  it('tags the image id the gate found in the daemon, with no registry to ask without a push', async () => {
    const { config, plans } = setUp({ driver: 'docker', push: 'false', gate: 'per-target' })
    const runner = new ScriptedRunner()
    const log = new RecordingLog()
    await releaseAll({
      runner,
      probe: new ScriptedRunner(),
      log,
      config,
      plans,
      built: [built(1), built(2)],
      gates: { images: [gate(), gate()], held: [{ id: digest(8) }, { id: digest(9) }] }
    })
    expect(log.of('info')).toEqual(['production: shop/web:main', 'builder: shop/builder:main'])
    expect(runner.plans()).toEqual([
      { run: { tool: 'docker', args: ['tag', digest(8), 'shop/web:main'] } },
      { run: { tool: 'docker', args: ['tag', digest(9), 'shop/builder:main'] } },
      { run: { tool: 'docker', args: ['image', 'rm', plans[0].staging] } },
      { run: { tool: 'docker', args: ['image', 'rm', plans[1].staging] } }
    ])
  })
})

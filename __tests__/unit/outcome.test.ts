import { describe, expect, it } from '@jest/globals'
import type { ImagePlan } from '../../src/build/plan.js'
import { GateError, ServiceError } from '../../src/errors.js'
import type { RunMeta } from '../../src/meta/run-tags.js'
import { failIfAnyHeldBack, pushedTags, setOutputs, type ImageOutcome } from '../../src/outcome.js'
import type { GateOutcome } from '../../src/scan/gate.js'
import { RecordingLog } from './doubles.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const digest = `sha256:${'d'.repeat(64)}`
const plan = (stage: string, repository: string) =>
  ({
    spec: { stage: { name: stage, index: 0, line: 1, from: 'x', named: true }, repository },
    image: `${registry}/${repository}`,
    tags: [`${registry}/${repository}:main`, `${registry}/${repository}:latest`]
  }) as ImagePlan
const gate = (blocked?: string): GateOutcome => ({
  scans: [
    {
      platform: 'linux/amd64',
      reportPath: '/t/a.json',
      sarifPath: '/t/a.sarif',
      counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 }
    },
    {
      platform: 'linux/arm64',
      reportPath: '/t/b.json',
      sarifPath: '/t/b.sarif',
      counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 }
    }
  ],
  findings: [],
  counts: { critical: 0, high: 2, medium: 0, low: 0, unknown: 0 },
  layers: [],
  layersCompressed: true,
  sarif: [],
  scanner: 'Trivy',
  startedAt: new Date(0),
  finishedAt: new Date(0),
  ...(blocked ? { blocked } : {})
})
const built = {
  digest,
  imageId: 'sha256:iid',
  metadata: { 'containerimage.digest': digest },
  stats: { steps: 0, cached: 0, slowest: [] }
}
const meta: RunMeta = {
  version: 'main',
  tags: ['main', 'latest'],
  labels: { 'org.opencontainers.image.revision': 'abc', 'org.opencontainers.image.version': 'main' },
  annotations: [],
  warnings: [],
  json: { tags: ['main', 'latest'], labels: {}, annotations: [], version: 'main' },
  previousTags: []
}
const web = plan('production', 'shop/web')
const worker = plan('worker', 'shop/worker')

describe('setOutputs', () => {
  it('sets the single-image outputs from the first target and lists every target in images', () => {
    const log = new RecordingLog()
    const outcomes: ImageOutcome[] = [
      { plan: web, built, gate: gate(), release: { digest, written: web.tags, failed: [] } },
      { plan: worker, built, gate: gate('1 finding blocks it'), cleanup: 'deleted' }
    ]
    setOutputs(log, outcomes, meta, registry, { dryRun: false, push: true })
    expect(log.outputs()).toEqual({
      registry,
      image: `${registry}/shop/web`,
      tags: `${registry}/shop/web:main\n${registry}/shop/web:latest`,
      version: 'main',
      labels: 'org.opencontainers.image.revision=abc\norg.opencontainers.image.version=main',
      json: JSON.stringify(meta.json),
      digest,
      imageid: 'sha256:iid',
      metadata: JSON.stringify(built.metadata),
      vulnerabilities: '{"critical":0,"high":2,"medium":0,"low":0,"unknown":0}',
      'scan-report': '/t/a.json\n/t/b.json',
      'sarif-file': '/t/a.sarif\n/t/b.sarif',
      images: JSON.stringify([
        {
          stage: 'production',
          repository: 'shop/web',
          image: `${registry}/shop/web`,
          digest,
          tags: web.tags,
          vulnerabilities: { critical: 0, high: 2, medium: 0, low: 0, unknown: 0 }
        },
        {
          stage: 'worker',
          repository: 'shop/worker',
          image: `${registry}/shop/worker`,
          digest: null,
          tags: [],
          vulnerabilities: { critical: 0, high: 2, medium: 0, low: 0, unknown: 0 },
          blocked: '1 finding blocks it'
        }
      ])
    })
  })

  it('names held-back images, failed tags and release problems in images', () => {
    const log = new RecordingLog()
    setOutputs(
      log,
      [
        {
          plan: web,
          built,
          release: {
            digest,
            written: [web.tags[0]],
            failed: [{ tag: web.tags[1], error: 'immutable' }],
            problem: 'not the scanned image'
          }
        },
        { plan: worker, built, gate: gate(), heldBackBy: ['production'] }
      ],
      meta,
      registry,
      { dryRun: false, push: true }
    )
    const images = JSON.parse(log.outputs().images)
    expect(images[0]).toMatchObject({
      tags: [web.tags[0]],
      failedTags: [{ tag: web.tags[1], error: 'immutable' }],
      error: 'not the scanned image',
      vulnerabilities: null
    })
    expect(images[1]).toMatchObject({ tags: [], heldBackBy: ['production'] })
  })

  it('in a dry run says what would be tagged, without build or scan results', () => {
    const log = new RecordingLog()
    setOutputs(
      log,
      [{ plan: web, built, gate: gate(), release: { digest: '<digest>', written: web.tags, failed: [] } }],
      meta,
      '',
      {
        dryRun: true,
        push: true
      }
    )
    const outputs = log.outputs()
    expect(outputs.tags).toBe(web.tags.join('\n'))
    expect(Object.keys(outputs).sort()).toEqual([
      'image',
      'images',
      'json',
      'labels',
      'registry',
      'tags',
      'version'
    ])
    expect(JSON.parse(outputs.images)[0]).toMatchObject({
      digest: null,
      tags: web.tags,
      vulnerabilities: null
    })
  })

  it('pushedTags is what the release wrote, in a dry run what it would, and nothing without a push', () => {
    const released: ImageOutcome = {
      plan: web,
      built,
      release: { digest, written: [web.tags[0]], failed: [] }
    }
    expect(pushedTags(released, { dryRun: false, push: true })).toEqual([web.tags[0]])
    expect(pushedTags({ plan: web, built }, { dryRun: false, push: true })).toEqual([])
    expect(pushedTags({ plan: web, built }, { dryRun: true, push: true })).toEqual(web.tags)
    expect(pushedTags(released, { dryRun: false, push: false })).toEqual([])
  })

  it('says what the first target’s signature and attestations are', () => {
    const log = new RecordingLog()
    const signed = {
      signature: `sha256:${'5'.repeat(64)}`,
      attestations: { vuln: `sha256:${'6'.repeat(64)}` },
      summary: ''
    }
    setOutputs(
      log,
      [{ plan: web, built, release: { digest, written: web.tags, failed: [] }, signed }],
      meta,
      registry,
      {
        dryRun: false,
        push: true
      }
    )
    expect([log.outputs().signature, JSON.parse(log.outputs().attestations)]).toEqual([
      signed.signature,
      signed.attestations
    ])
  })

  it('sets no tags without a push: the names exist only in the Docker daemon', () => {
    const log = new RecordingLog()
    setOutputs(
      log,
      [{ plan: web, built, gate: gate(), release: { written: web.tags, failed: [] } }],
      meta,
      '',
      {
        dryRun: false,
        push: false
      }
    )
    expect(log.outputs().tags).toBe('')
    expect(JSON.parse(log.outputs().images)[0].tags).toEqual([])
  })
})

describe('failIfAnyHeldBack', () => {
  it('passes when every tag was written', () => {
    expect(() =>
      failIfAnyHeldBack([{ plan: web, built, release: { digest, written: web.tags, failed: [] } }])
    ).not.toThrow()
  })

  it('fails the step with the gate’s reason for one image', () => {
    expect(() =>
      failIfAnyHeldBack([{ plan: web, built, gate: gate('1 finding blocks it (fail-on: CRITICAL)') }])
    ).toThrow(new GateError('No tag was pushed: 1 finding blocks it (fail-on: CRITICAL)'))
  })

  it('names each blocked target, what it held back, and what was tagged anyway', () => {
    const attempt = () =>
      failIfAnyHeldBack([
        { plan: web, built, gate: gate('blocked by CVE-1') },
        { plan: worker, built, gate: gate(), heldBackBy: ['production'] }
      ])
    expect(attempt).toThrow(
      new GateError(
        'No tag was pushed for production: production (shop/web): blocked by CVE-1\nHeld back with them (gate: atomic): worker.'
      )
    )
    expect(() =>
      failIfAnyHeldBack([
        { plan: web, built, gate: gate('blocked by CVE-1') },
        { plan: worker, built, gate: gate(), release: { digest, written: worker.tags, failed: [] } }
      ])
    ).toThrow(
      'No tag was pushed for production: production (shop/web): blocked by CVE-1\nTagged anyway (gate: per-target): worker.'
    )
  })

  it('says exactly which tags were and were not written, and why', () => {
    const attempt = () =>
      failIfAnyHeldBack([
        {
          plan: web,
          built,
          release: {
            digest,
            written: [web.tags[0]],
            failed: [{ tag: web.tags[1], error: 'ImageTagAlreadyExistsException' }]
          }
        }
      ])
    expect(attempt).toThrow(ServiceError)
    expect(attempt).toThrow(
      `1 of 2 tags could not be written: ${web.tags[1]} (ImageTagAlreadyExistsException). Written: ${web.tags[0]}.`
    )
    expect(() =>
      failIfAnyHeldBack([
        {
          plan: web,
          built,
          release: { written: [], failed: web.tags.map((tag) => ({ tag, error: 'denied' })) }
        },
        {
          plan: worker,
          built,
          release: { digest, written: worker.tags, failed: [], loadError: 'pull failed' }
        }
      ])
    ).toThrow(
      [
        `production (shop/web): 2 of 2 tags could not be written: ${web.tags[0]} (denied); ${web.tags[1]} (denied). No tag was written.`,
        "worker (shop/worker): the tags were pushed, but loading them into the Docker daemon ('load: true') failed: pull failed"
      ].join('\n')
    )
  })

  it('fails when a tagged image could not be signed, with signing’s own reason', () => {
    const reason = `${web.image}@${digest} already has 98 referrers (signatures and attestations); signing adds 3, over the registry's limit of 100 per image.`
    expect(() =>
      failIfAnyHeldBack([
        { plan: web, built, release: { digest, written: web.tags, failed: [] }, signError: reason }
      ])
    ).toThrow(new ServiceError(`The tags were pushed, but signing failed: ${reason}`, 'SigningFailed'))
    expect(() =>
      failIfAnyHeldBack([
        { plan: web, built, gate: gate('blocked by CVE-1') },
        {
          plan: worker,
          built,
          release: { digest, written: worker.tags, failed: [] },
          signError: 'cosign failed'
        }
      ])
    ).toThrow(
      new GateError(
        'No tag was pushed for production: production (shop/web): blocked by CVE-1\nTagged anyway (gate: per-target): worker.\nworker (shop/worker): the tags were pushed, but signing failed: cosign failed'
      )
    )
  })

  it('fails when the pushed image is not the scanned one', () => {
    expect(() =>
      failIfAnyHeldBack([
        {
          plan: web,
          built,
          release: { digest, written: [web.tags[0]], failed: [], problem: 'that tag must be deleted.' }
        }
      ])
    ).toThrow(new ServiceError('that tag must be deleted.'))
  })
})

import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { planImages, type ImagePlan, type ImagePlanFacts } from '../../../src/build/plan.js'
import type { RawInputs } from '../../../src/config/values.js'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import type { RunMeta } from '../../../src/meta/run-tags.js'
import { contextFor, mergeSha } from '../../fixtures/events/runs.js'
import { configOf, makeWorkspace } from '../config/workspace.js'

const { workspace } = makeWorkspace()
const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const meta: RunMeta = {
  version: 'pr-42',
  tags: ['pr-42', '4f2c9ab'],
  labels: { 'org.opencontainers.image.revision': mergeSha },
  annotations: [`manifest:org.opencontainers.image.revision=${mergeSha}`],
  warnings: [],
  json: { tags: [], labels: {}, annotations: [], version: 'pr-42' },
  previousTags: ['pr-42', 'main'],
  baseTag: 'main'
}
const repository = (name: string, tagMutability: 'MUTABLE' | 'IMMUTABLE' = 'MUTABLE') =>
  [name, { name, registryId: '123456789012', tagMutability, exists: true }] as const
const ecr: EcrConnection = {
  authorizations: [{ registry, username: 'AWS', password: 'pw' }],
  registry,
  repositories: new Map([repository('shop/web'), repository('shop/worker', 'IMMUTABLE')])
}
const facts: ImagePlanFacts = {
  context: contextFor('pull_request', { workspace }),
  meta,
  ecr,
  daemon: { imageStore: 'classic', platform: 'linux/amd64' },
  buildxVersion: '0.21.1',
  buildkitVersion: '0.20.2',
  builder: 'ecr-build-push-9012345678-1-abc',
  temp: '/tmp/run',
  runKey: '9012345678-1-xyz',
  dependencyHash: 'd1e2f3',
  env: {
    RUNNER_TEMP: '/runner/temp',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token',
    ACTIONS_RESULTS_URL: 'https://results.example/'
  }
}
const plan = (raw: RawInputs, change: Partial<ImagePlanFacts> = {}) =>
  planImages(configOf(workspace, { repository: 'shop/web', target: 'production', ...raw }), {
    ...facts,
    ...change
  })

describe('planImages', () => {
  it('plans a pushed, scanned pull request image: pushed by digest, its own gha cache', () => {
    const stage = { name: 'production', index: 2, line: 5, from: 'base', named: true }
    // A pull request reads its own gha scope, then the default branch's, and writes only its own.
    const cache = {
      from: ['type=gha,scope=shop-web-production-pr-42', 'type=gha,scope=shop-web-production-main'],
      to: ['type=gha,scope=shop-web-production-pr-42,mode=max,ignore-error=true'],
      warnings: []
    }
    const expected: ImagePlan = {
      spec: { stage, repository: 'shop/web' },
      image: `${registry}/shop/web`,
      tags: [`${registry}/shop/web:pr-42`, `${registry}/shop/web:4f2c9ab`],
      staging: 'ecr-build-push-staging/shop/web:9012345678-1-xyz-0',
      dir: '/tmp/run/0-production',
      delivery: 'registry-staging',
      cache,
      request: {
        builder: 'ecr-build-push-9012345678-1-abc',
        file: path.join(workspace, 'Dockerfile'),
        context: workspace,
        target: 'production',
        platforms: [],
        buildArgs: [],
        secrets: [],
        secretFiles: [],
        labels: meta.labels,
        annotations: meta.annotations,
        output: {
          delivery: 'registry-staging',
          exporters: [
            `type=image,name=${registry}/shop/web,push-by-digest=true,name-canonical=true,push=true`
          ],
          names: []
        },
        cache,
        noCache: false,
        pull: false,
        provenance: '',
        sbom: '',
        metadataFile: '/tmp/run/0-production/metadata.json',
        iidFile: '/tmp/run/0-production/iid.txt'
      }
    }
    expect(plan({})).toEqual([expected])
  })

  it('holds a daemon-built image under its staging name and writes an OCI layout where the builder can', () => {
    const [container] = plan({ push: 'false' }, { ecr: undefined })
    expect([
      container.image,
      container.tags,
      container.delivery,
      container.layout,
      container.request.output
    ]).toEqual([
      'shop/web',
      ['shop/web:pr-42', 'shop/web:4f2c9ab'],
      'daemon-staging',
      '/tmp/run/0-production/oci',
      {
        delivery: 'daemon-staging',
        exporters: ['type=docker,oci-mediatypes=true', 'type=oci,dest=/tmp/run/0-production/oci,tar=false'],
        names: ['ecr-build-push-staging/shop/web:9012345678-1-xyz-0']
      }
    ])
    const [classic] = plan({ driver: 'docker' })
    expect([classic.delivery, classic.layout, classic.request.output.exporters]).toEqual([
      'daemon-staging',
      undefined,
      ['type=docker']
    ])
    const [containerd] = plan(
      { driver: 'docker' },
      { daemon: { imageStore: 'containerd', platform: 'linux/arm64' } }
    )
    expect(containerd.layout).toBe('/tmp/run/0-production/oci')
  })

  it('gives each target its own folder, staging name, tags and cache, the unnamed last stage no --target', () => {
    const config = configOf(workspace, {
      targets: 'production=shop/web\nbuilder=shop/worker',
      cache: 'registry'
    })
    const plans = planImages(config, { ...facts, context: contextFor('push_branch', { workspace }) })
    expect(
      plans.map((item) => [
        item.dir,
        item.staging,
        item.tags[0],
        item.request.target,
        item.cache.from,
        item.cache.warnings.length
      ])
    ).toEqual([
      [
        '/tmp/run/0-production',
        'ecr-build-push-staging/shop/web:9012345678-1-xyz-0',
        `${registry}/shop/web:pr-42`,
        'production',
        [`type=registry,ref=${registry}/shop/web:buildcache-production`],
        0
      ],
      [
        '/tmp/run/1-builder',
        'ecr-build-push-staging/shop/worker:9012345678-1-xyz-1',
        `${registry}/shop/worker:pr-42`,
        'builder',
        // shop/worker has immutable tags: inline cache instead, from the earlier pushes' tags.
        [`type=registry,ref=${registry}/shop/worker:pr-42`, `type=registry,ref=${registry}/shop/worker:main`],
        1
      ]
    ])
    const [last] = planImages(configOf(workspace, { repository: 'shop/web' }), facts)
    expect([last.request.target, last.dir]).toEqual(['', '/tmp/run/0-3'])
  })

  it('keeps the local cache under RUNNER_TEMP, keyed by the dependency hash', () => {
    const [local] = plan({ cache: 'local' })
    expect(local.cache.local).toEqual({
      restoreDir: '/runner/temp/ecr-build-push-cache/shop-web/production',
      exportDir: '/runner/temp/ecr-build-push-cache/shop-web/production-new',
      key: 'buildx-shop-web-production-d1e2f3',
      restoreKeys: ['buildx-shop-web-production-']
    })
  })

  it('warns that inline cache breaks a reproducible re-run only in an IMMUTABLE repository with a commit time', () => {
    const warning =
      "Cache: inline cache records build times in the image config, so a rebuild of this commit gets another digest, and a re-run fails on the tags this IMMUTABLE repository already has. Set 'cache-repository' to a repository with mutable tags (registry cache), or use 'cache: gha', 'local' or 'none'. See docs/reproducible-builds.md."
    const inline = { driver: 'docker', cache: 'inline', repository: 'shop/worker' }
    const reproducible = { meta: { ...meta, sourceDateEpoch: 1714725687 } }
    const warnings = (raw: RawInputs, change: Partial<ImagePlanFacts>) => plan(raw, change)[0].cache.warnings
    expect(warnings(inline, reproducible)).toContain(warning)
    // Without a commit time nothing was reproducible; a mutable repository takes the new digest; gha cache keeps
    // the build times out of the image.
    expect(warnings(inline, {})).not.toContain(warning)
    expect(warnings({ ...inline, repository: 'shop/web' }, reproducible)).not.toContain(warning)
    expect(warnings({ ...inline, driver: 'docker-container', cache: 'gha' }, reproducible)).not.toContain(
      warning
    )
  })
})

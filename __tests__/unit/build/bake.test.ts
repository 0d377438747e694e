import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { bakeTargetName, planBake, runBake } from '../../../src/build/bake.js'
import type { BuildRequest } from '../../../src/build/build.js'
import { planOutput, type Delivery } from '../../../src/build/output.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

function request(target: string, image: string, change: Partial<BuildRequest> = {}): BuildRequest {
  return {
    builder: 'b',
    file: '/w/Dockerfile',
    context: '/w',
    target,
    platforms: ['linux/amd64', 'linux/arm64'],
    buildArgs: [{ key: 'APP_VERSION', value: '1.4.0' }],
    secrets: [{ id: 'npm_token', value: 'hunter2' }],
    secretFiles: [{ id: 'npmrc', path: '/w/.npmrc' }],
    labels: { 'org.opencontainers.image.revision': 'abc' },
    annotations: ['manifest:org.opencontainers.image.revision=abc'],
    output: planOutput(
      'registry-staging',
      { image, tags: [`${image}:abc1234`], staging: `staging/${target}` },
      false
    ),
    cache: {
      from: [`type=registry,ref=${image}:buildcache-${target}`],
      to: [
        `type=registry,ref=${image}:buildcache-${target},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
      ]
    },
    noCache: false,
    pull: false,
    provenance: '',
    sbom: '',
    metadataFile: `/t/${target}/m.json`,
    iidFile: `/t/${target}/iid`,
    ...change
  }
}

const files = {
  definitionFile: '/t/bake.json',
  metadataFile: '/t/bake-metadata.json',
  builder: 'b',
  provenance: 'false',
  sbom: ''
}

describe('planBake', () => {
  it('one target per image, secrets by env name, each with its own cache and output', () => {
    const plan = planBake([request('production', 'r/shop/web'), request('worker', 'r/shop/worker')], files)
    expect(plan.names).toEqual(['production', 'worker'])
    expect(plan.metadataFile).toBe('/t/bake-metadata.json')
    expect(plan.command).toEqual({
      tool: 'docker',
      args: [
        'buildx',
        'bake',
        '--builder',
        'b',
        '--file',
        '/t/bake.json',
        '--provenance=false',
        '--metadata-file',
        '/t/bake-metadata.json',
        '--progress',
        'rawjson'
      ],
      env: { ECR_BUILD_PUSH_SECRET_0: 'hunter2' }
    })
    expect(plan.definition.path).toBe('/t/bake.json')
    expect(plan.definition.text).not.toContain('hunter2')
    const target = (name: string, image: string) => ({
      context: '/w',
      dockerfile: '/w/Dockerfile',
      target: name,
      tags: [],
      labels: { 'org.opencontainers.image.revision': 'abc' },
      annotations: ['manifest:org.opencontainers.image.revision=abc'],
      args: { APP_VERSION: '1.4.0' },
      secret: ['id=npm_token,env=ECR_BUILD_PUSH_SECRET_0', 'id=npmrc,src=/w/.npmrc'],
      platforms: ['linux/amd64', 'linux/arm64'],
      'cache-from': [`type=registry,ref=${image}:buildcache-${name}`],
      'cache-to': [
        `type=registry,ref=${image}:buildcache-${name},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
      ],
      output: [`type=image,name=${image},push-by-digest=true,name-canonical=true,push=true`],
      'no-cache': false,
      pull: false
    })
    expect(JSON.parse(plan.definition.text)).toEqual({
      group: { default: { targets: ['production', 'worker'] } },
      target: { production: target('production', 'r/shop/web'), worker: target('worker', 'r/shop/worker') }
    })
  })

  it('has no env without secrets, and passes attestations once for all targets', () => {
    const plan = planBake([request('production', 'r/shop/web', { secrets: [] })], {
      ...files,
      provenance: 'mode=max',
      sbom: 'true'
    })
    expect(plan.command).toEqual({
      tool: 'docker',
      args: [
        'buildx',
        'bake',
        '--builder',
        'b',
        '--file',
        '/t/bake.json',
        '--provenance=mode=max',
        '--sbom=true',
        '--metadata-file',
        '/t/bake-metadata.json',
        '--progress',
        'rawjson'
      ]
    })
  })

  it.each<[Delivery, boolean, string[], string[]]>([
    ['tags', false, ['type=image,push=true'], ['r/shop/web:abc1234']],
    ['tags', true, ['type=image,push=true', 'type=docker'], ['r/shop/web:abc1234']],
    ['local', true, ['type=docker'], ['r/shop/web:abc1234']],
    ['daemon-staging', false, ['type=docker'], ['staging/production']],
    ['cache-only', false, ['type=cacheonly'], []]
  ])('output for %s (load: %s)', (delivery, load, exporters, tags) => {
    const output = planOutput(
      delivery,
      { image: 'r/shop/web', tags: ['r/shop/web:abc1234'], staging: 'staging/production' },
      load
    )
    const plan = planBake([request('production', 'r/shop/web', { output })], files)
    const target = JSON.parse(plan.definition.text).target.production
    expect([target.output, target.tags]).toEqual([exporters, tags])
  })

  it('names targets as bake allows', () => {
    const taken = new Set(['web'])
    expect(bakeTargetName('app.v2', 0, new Set())).toBe('app_v2')
    expect(bakeTargetName('web', 3, taken)).toBe('web_3')
    expect(bakeTargetName('...', 2, new Set())).toBe('___')
    expect(bakeTargetName('', 4, new Set())).toBe('target_4')
  })

  it('gives stages that sanitize alike their own names', () => {
    const plan = planBake([request('app.v2', 'r/a'), request('app_v2', 'r/b')], files)
    expect(plan.names).toEqual(['app_v2', 'app_v2_1'])
  })
})

describe('runBake', () => {
  it('writes the definition, runs the bake and reads each target’s result by its name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bake-'))
    const metadataFile = path.join(dir, 'bake-metadata.json')
    writeFileSync(
      metadataFile,
      JSON.stringify({
        production: { 'containerimage.digest': 'sha256:p' },
        worker: { 'containerimage.digest': 'sha256:w', 'containerimage.config.digest': 'sha256:wc' }
      })
    )
    const plan = planBake(
      [request('production', 'r/shop/web'), request('worker', 'r/shop/worker'), request('missing', 'r/x')],
      {
        ...files,
        metadataFile
      }
    )
    const runner = new ScriptedRunner()
    const results = await runBake(runner, new RecordingLog(), plan)
    expect(runner.plans()).toEqual([{ write: plan.definition }, { run: plan.command }])
    const stats = { steps: 0, cached: 0, slowest: [] }
    expect(results).toEqual([
      { digest: 'sha256:p', imageId: 'sha256:p', metadata: { 'containerimage.digest': 'sha256:p' }, stats },
      {
        digest: 'sha256:w',
        imageId: 'sha256:wc',
        metadata: { 'containerimage.digest': 'sha256:w', 'containerimage.config.digest': 'sha256:wc' },
        stats
      },
      { digest: '', imageId: '', metadata: {}, stats }
    ])
  })
})

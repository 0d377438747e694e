import { describe, expect, it } from '@jest/globals'
import { bakeTargetName, planBake } from '../../../src/build/bake.js'
import { buildOutput, type BuildRequest } from '../../../src/build/build.js'
import { scanTargets } from '../../../src/scan/gate.js'

function request(target: string, image: string, change: Partial<BuildRequest> = {}): BuildRequest {
  return {
    builder: 'b',
    file: '/w/Dockerfile',
    context: '/w',
    target,
    platforms: ['linux/amd64', 'linux/arm64'],
    buildArgs: ['APP_VERSION=1.4.0'],
    secrets: ['npm_token=hunter2'],
    secretFiles: [],
    labels: { 'org.opencontainers.image.revision': 'abc' },
    annotations: ['manifest:org.opencontainers.image.revision=abc'],
    tags: [`${image}:abc1234`],
    image,
    cacheArgs: [
      '--cache-from',
      `type=registry,ref=${image}:buildcache-${target}`,
      '--cache-to',
      `type=registry,ref=${image}:buildcache-${target},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`
    ],
    output: 'push-by-digest',
    noCache: false,
    pull: false,
    provenance: '',
    sbom: '',
    metadataFile: '/t/m.json',
    iidFile: '/t/iid',
    alsoLoad: false,
    ...change
  }
}

describe('planBake', () => {
  it('one target per image, secrets by env name, each with its own cache and output', () => {
    const plan = planBake([request('production', 'r/shop/web'), request('worker', 'r/shop/worker')], {
      definitionFile: '/t/bake.json',
      metadataFile: '/t/bake-metadata.json',
      builder: 'b',
      provenance: 'false',
      sbom: ''
    })
    expect(plan.names).toEqual(['production', 'worker'])
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
    expect(JSON.stringify(plan.definition)).not.toContain('hunter2')
    expect(plan.definition).toEqual({
      group: { default: { targets: ['production', 'worker'] } },
      target: {
        production: {
          context: '/w',
          dockerfile: '/w/Dockerfile',
          target: 'production',
          tags: [],
          labels: { 'org.opencontainers.image.revision': 'abc' },
          annotations: ['manifest:org.opencontainers.image.revision=abc'],
          args: { APP_VERSION: '1.4.0' },
          secret: ['id=npm_token,env=ECR_BUILD_PUSH_SECRET_0'],
          platforms: ['linux/amd64', 'linux/arm64'],
          'cache-from': ['type=registry,ref=r/shop/web:buildcache-production'],
          'cache-to': [
            'type=registry,ref=r/shop/web:buildcache-production,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true'
          ],
          output: ['type=image,name=r/shop/web,push-by-digest=true,name-canonical=true,push=true'],
          'no-cache': false,
          pull: false
        },
        worker: {
          context: '/w',
          dockerfile: '/w/Dockerfile',
          target: 'worker',
          tags: [],
          labels: { 'org.opencontainers.image.revision': 'abc' },
          annotations: ['manifest:org.opencontainers.image.revision=abc'],
          args: { APP_VERSION: '1.4.0' },
          secret: ['id=npm_token,env=ECR_BUILD_PUSH_SECRET_0'],
          platforms: ['linux/amd64', 'linux/arm64'],
          'cache-from': ['type=registry,ref=r/shop/worker:buildcache-worker'],
          'cache-to': [
            'type=registry,ref=r/shop/worker:buildcache-worker,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true'
          ],
          output: ['type=image,name=r/shop/worker,push-by-digest=true,name-canonical=true,push=true'],
          'no-cache': false,
          pull: false
        }
      }
    })
  })

  it.each<[BuildRequest['output'], string[], string[], boolean?]>([
    ['push', ['type=image,push=true'], ['r/shop/web:abc1234']],
    ['push', ['type=image,push=true', 'type=docker'], ['r/shop/web:abc1234'], true],
    ['load', ['type=docker'], ['r/shop/web:abc1234']],
    ['none', ['type=cacheonly'], []]
  ])('output %s (load: %s)', (output, expected, tags, alsoLoad = false) => {
    const plan = planBake([request('production', 'r/shop/web', { output, alsoLoad })], {
      definitionFile: 'd',
      metadataFile: 'm',
      builder: 'b',
      provenance: '',
      sbom: ''
    })
    expect(plan.definition.target.production.output).toEqual(expected)
    expect(plan.definition.target.production.tags).toEqual(tags)
  })

  it('names targets as bake allows', () => {
    const taken = new Set(['web'])
    expect(bakeTargetName('app.v2', 0, new Set())).toBe('app_v2')
    expect(bakeTargetName('web', 3, taken)).toBe('web_3')
  })
})

describe('where the image goes before the gate', () => {
  it.each<[Parameters<typeof buildOutput>[0], BuildRequest['output']]>([
    [{ scan: false, push: true, load: false, driver: 'docker-container' }, 'push'],
    [{ scan: false, push: false, load: true, driver: 'docker' }, 'load'],
    [{ scan: false, push: false, load: false, driver: 'docker' }, 'none'],
    [{ scan: true, push: true, load: false, driver: 'docker' }, 'load'],
    [{ scan: true, push: true, load: false, driver: 'docker-container' }, 'push-by-digest'],
    [{ scan: true, push: false, load: false, driver: 'docker-container' }, 'load']
  ])('%j', (inputs, output) => {
    expect(buildOutput(inputs)).toBe(output)
  })

  it('scans a multi-platform digest once per platform, in the registry', () => {
    const digest = 'sha256:' + 'a'.repeat(64)
    expect(scanTargets('push-by-digest', ['r/w:t'], 'r/w', digest, ['linux/amd64', 'linux/arm64'])).toEqual([
      { imageRef: `r/w@${digest}`, source: 'remote', platform: 'linux/amd64' },
      { imageRef: `r/w@${digest}`, source: 'remote', platform: 'linux/arm64' }
    ])
    expect(scanTargets('push-by-digest', ['r/w:t'], 'r/w', digest, [])).toEqual([
      { imageRef: `r/w@${digest}`, source: 'remote' }
    ])
    expect(scanTargets('load', ['r/w:t'], 'r/w', '', [])).toEqual([{ imageRef: 'r/w:t', source: 'docker' }])
  })
})

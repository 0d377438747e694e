import { describe, expect, it } from '@jest/globals'
import type { BuildResult } from '../../../src/build/build.js'
import { CommandError, ServiceError } from '../../../src/errors.js'
import { manifestMediaTypes } from '../../../src/release/manifests.js'
import {
  isScannedImage,
  planDockerTag,
  planPull,
  planRemoveStaging,
  pushedDigest,
  releaseImage,
  type ReleaseRequest
} from '../../../src/release/release.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { RecordingLog, ScriptedRunner, type Script } from '../doubles.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const image = `${registry}/shop/web`
const digest = `sha256:${'a'.repeat(64)}`
const other = `sha256:${'b'.repeat(64)}`
const imageId = `sha256:${'c'.repeat(64)}`
const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: imageId }, layers: [] })
const mediaType = 'application/vnd.oci.image.manifest.v1+json'
const built: BuildResult = { digest, imageId, metadata: {}, stats: { steps: 0, cached: 0, slowest: [] } }
const tags = [`${image}:4f2c9ab`, `${image}:main`, `${image}:latest`]

const request = (change: Partial<ReleaseRequest>): ReleaseRequest => ({
  repository: 'shop/web',
  registryId: '123456789012',
  delivery: 'registry-staging',
  image,
  tags,
  built,
  push: true,
  load: false,
  immutable: false,
  ...change
})
const getImage = (imageDigest: string) => ({
  ecr: {
    operation: 'BatchGetImage',
    input: {
      registryId: '123456789012',
      repositoryName: 'shop/web',
      imageIds: [{ imageDigest }],
      acceptedMediaTypes: manifestMediaTypes
    }
  }
})
const putTag = (imageTag: string, imageDigest = digest, imageManifest = manifest) => ({
  ecr: {
    operation: 'PutImage',
    input: {
      registryId: '123456789012',
      repositoryName: 'shop/web',
      imageManifest,
      ...(imageManifest ? { imageManifestMediaType: mediaType } : {}),
      imageDigest,
      imageTag
    }
  }
})
const stored = (imageDigest: string, text = manifest) => ({
  images: [{ imageId: { imageDigest }, imageManifest: text, imageManifestMediaType: mediaType }]
})

/** An ECR holding `images` by digest; PutImage answers from `tagAnswers` by tag (an Error to refuse). */
function ecr(images: Record<string, string>, tagAnswers: Record<string, Error> = {}): Script['ecr'] {
  return (ecrRequest: EcrRequest) => {
    if (ecrRequest.operation === 'BatchGetImage') {
      const id = (ecrRequest.input as { imageIds: Array<{ imageDigest: string }> }).imageIds[0].imageDigest
      return images[id] ? stored(id, images[id]) : { images: [] }
    }
    if (ecrRequest.operation === 'PutImage')
      return tagAnswers[(ecrRequest.input as { imageTag: string }).imageTag]
    return undefined
  }
}

/** A probe that finds none of the final tags yet: a first run (re-runs are in policies/immutable-reruns). */
const noTags = () => new ScriptedRunner()

describe('release plans', () => {
  it('tags by image id, pulls quietly, removes the staging name', () => {
    expect(planDockerTag(imageId, `${image}:main`)).toEqual({
      tool: 'docker',
      args: ['tag', imageId, `${image}:main`]
    })
    expect(planPull(`${image}:main`)).toEqual({ tool: 'docker', args: ['pull', '--quiet', `${image}:main`] })
    expect(planRemoveStaging('ecr-build-push-staging/shop/web:1-0')).toEqual({
      tool: 'docker',
      args: ['image', 'rm', 'ecr-build-push-staging/shop/web:1-0']
    })
  })

  it('reads the digest docker push reports', () => {
    expect(
      pushedDigest(`The push refers to repository [r/shop/web]\nabc: digest: ${digest} size: 528\n`)
    ).toBe(digest)
    expect(pushedDigest('nothing')).toBeUndefined()
  })
})

/** An index of these platform images, with buildx's attestation manifest. */
const platformIndex = (entries: Array<[string, string]>) =>
  JSON.stringify({
    manifests: [
      ...entries.map(([platform, child]) => {
        const [os, architecture] = platform.split('/')
        return { digest: child, platform: { os, architecture } }
      }),
      { digest: `sha256:${'9'.repeat(64)}`, platform: { os: 'unknown', architecture: 'unknown' } }
    ]
  })

describe('isScannedImage', () => {
  const scanned = { 'linux/amd64': `sha256:${'1'.repeat(64)}` }
  it.each<
    [string, { digest: string; manifest: string }, { id: string; scanned?: Record<string, string> }, boolean]
  >([
    [
      'the classic store: the pushed image’s config is the id',
      { digest: other, manifest },
      { id: imageId },
      true
    ],
    [
      'the containerd store: the pushed digest is the id',
      { digest: imageId, manifest: '{}' },
      { id: imageId },
      true
    ],
    [
      'another image',
      { digest: other, manifest: '{"config":{"digest":"sha256:x"}}' },
      { id: imageId },
      false
    ],
    [
      'a layout’s single manifest',
      { digest: scanned['linux/amd64'], manifest },
      { id: imageId, scanned },
      true
    ],
    [
      'another single manifest than the layout’s',
      { digest: other, manifest },
      { id: imageId, scanned },
      false
    ],
    [
      'a single manifest for a layout of two platforms',
      { digest: scanned['linux/amd64'], manifest },
      { id: imageId, scanned: { ...scanned, 'linux/arm64': other } },
      false
    ],
    [
      'an index of the layout’s one platform, with its attestation',
      { digest: other, manifest: platformIndex([['linux/amd64', scanned['linux/amd64']]]) },
      { id: imageId, scanned },
      true
    ],
    [
      'an index of as many platforms, but other images',
      { digest: other, manifest: platformIndex([['linux/amd64', other]]) },
      { id: imageId, scanned },
      false
    ],
    [
      'an index with the layout’s image under another platform',
      { digest: other, manifest: platformIndex([['linux/arm64', scanned['linux/amd64']]]) },
      { id: imageId, scanned },
      false
    ]
  ])('%s', (_name, stored, held, same) => {
    expect(isScannedImage(stored, held)).toBe(same)
  })
})

describe('releaseImage', () => {
  it.each<[ReleaseRequest['delivery'], object]>([
    ['tags', { digest, written: tags, failed: [] }],
    ['local', { written: tags, failed: [] }],
    ['cache-only', { written: [], failed: [] }]
  ])('%s: the build already wrote what there is, nothing more to do', async (delivery, result) => {
    const runner = new ScriptedRunner()
    await expect(releaseImage(runner, noTags(), new RecordingLog(), request({ delivery }))).resolves.toEqual(
      result
    )
    expect(runner.steps).toEqual([])
  })

  describe('a digest pushed for the scan (registry staging)', () => {
    it('puts the scanned manifest under every tag, keeping its digest', async () => {
      const runner = new ScriptedRunner({ ecr: ecr({ [digest]: manifest }) })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), request({}))
      expect(runner.plans()).toEqual([getImage(digest), putTag('4f2c9ab'), putTag('main'), putTag('latest')])
      expect(result).toEqual({ digest, written: tags, failed: [] })
    })

    it('counts a tag that already names this manifest as written, and reports the others exactly', async () => {
      const runner = new ScriptedRunner({
        ecr: ecr(
          { [digest]: manifest },
          {
            main: new ServiceError(
              'ECR PutImage failed: ImageAlreadyExistsException: same',
              'ImageAlreadyExistsException'
            ),
            latest: new ServiceError(
              "ECR PutImage failed: ImageTagAlreadyExistsException: The image tag 'latest' already exists",
              'ImageTagAlreadyExistsException'
            )
          }
        )
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), request({}))
      expect(result).toEqual({
        digest,
        written: [`${image}:4f2c9ab`, `${image}:main`],
        failed: [
          {
            tag: `${image}:latest`,
            error:
              "ECR PutImage failed: ImageTagAlreadyExistsException: The image tag 'latest' already exists"
          }
        ]
      })
    })

    it('writes nothing, saying why for each tag, when the scanned digest is not in ECR', async () => {
      const runner = new ScriptedRunner({ ecr: ecr({}) })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), request({}))
      expect(runner.plans()).toEqual([getImage(digest)])
      const error = `ECR has no image ${digest} in shop/web.`
      expect(result).toEqual({ written: [], failed: tags.map((tag) => ({ tag, error })) })
    })

    it('pulls the written tags for load, and reports a failed pull apart from the push', async () => {
      const runner = new ScriptedRunner({
        ecr: ecr({ [digest]: manifest }, { latest: new ServiceError('denied', 'AccessDeniedException') }),
        run: (command) =>
          command.args[2]?.endsWith(':main') ? new CommandError('$ docker pull', 1, 'denied: pull') : {}
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), request({ load: true }))
      expect(runner.plans().slice(4)).toEqual([
        { run: planPull(`${image}:4f2c9ab`) },
        { run: planPull(`${image}:main`) }
      ])
      expect(result).toEqual({
        digest,
        written: [`${image}:4f2c9ab`, `${image}:main`],
        failed: [{ tag: `${image}:latest`, error: 'denied' }],
        loadError: '$ docker pull failed with exit code 1:\ndenied: pull'
      })
    })

    it('in a dry run prints each tag write without reading ECR', async () => {
      const runner = new ScriptedRunner({}, true)
      const result = await releaseImage(
        runner,
        noTags(),
        new RecordingLog(),
        request({ tags: [`${image}:main`] })
      )
      expect(runner.plans()).toEqual([putTag('main', digest, '')])
      expect(result).toEqual({ digest, written: [`${image}:main`], failed: [] })
    })
  })

  describe('an image held in the daemon (daemon staging)', () => {
    const daemon = (change: Partial<ReleaseRequest> = {}) =>
      request({
        delivery: 'daemon-staging',
        staging: 'ecr-build-push-staging/shop/web:1-0',
        held: { id: imageId },
        ...change
      })
    const pushOutput = (pushed: string) => ({ stdout: `4f2c9ab: digest: ${pushed} size: 528\n` })

    it('tags the scanned image id, drops the staging name, pushes the first tag and puts the rest on its digest', async () => {
      const runner = new ScriptedRunner({
        run: (command) => (command.args[0] === 'push' ? pushOutput(digest) : {}),
        ecr: ecr({ [digest]: manifest })
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon())
      expect(runner.plans()).toEqual([
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:4f2c9ab`] } },
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:main`] } },
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:latest`] } },
        { run: { tool: 'docker', args: ['image', 'rm', 'ecr-build-push-staging/shop/web:1-0'] } },
        { run: { tool: 'docker', args: ['push', `${image}:4f2c9ab`] } },
        getImage(digest),
        putTag('main'),
        putTag('latest')
      ])
      expect(result).toEqual({ digest, written: tags, failed: [] })
    })

    it('accepts a push whose digest is the image id itself (containerd store)', async () => {
      const runner = new ScriptedRunner({
        run: (command) => (command.args[0] === 'push' ? pushOutput(imageId) : {}),
        ecr: ecr({ [imageId]: JSON.stringify({ manifests: [] }) })
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon())
      expect(result).toMatchObject({ digest: imageId, written: tags, failed: [] })
    })

    it('takes back a pushed tag that names something other than the scanned image, and writes no other', async () => {
      const runner = new ScriptedRunner({
        run: (command) => (command.args[0] === 'push' ? pushOutput(other) : {}),
        ecr: ecr({ [other]: JSON.stringify({ config: { digest: `sha256:${'e'.repeat(64)}` } }) })
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon())
      expect(runner.plans().filter((step) => 'ecr' in step)).toEqual([
        getImage(other),
        {
          ecr: {
            operation: 'BatchDeleteImage',
            input: {
              registryId: '123456789012',
              repositoryName: 'shop/web',
              imageIds: [{ imageTag: '4f2c9ab' }]
            }
          }
        }
      ])
      expect(result).toEqual({
        written: [],
        failed: [
          { tag: `${image}:4f2c9ab`, error: 'pushed, then deleted again' },
          { tag: `${image}:main`, error: 'not written: the pushed image is not the scanned one' },
          { tag: `${image}:latest`, error: 'not written: the pushed image is not the scanned one' }
        ],
        problem: `docker push ${image}:4f2c9ab stored ${other}, which is not the image that was scanned; the tag was deleted again and no other tag was written.`
      })
    })

    it('says to delete the tag by hand when taking it back fails', async () => {
      const runner = new ScriptedRunner({
        run: (command) => (command.args[0] === 'push' ? pushOutput(other) : {}),
        ecr: (ecrRequest) =>
          ecrRequest.operation === 'BatchDeleteImage'
            ? new ServiceError(
                'ECR BatchDeleteImage failed: AccessDeniedException: no',
                'AccessDeniedException'
              )
            : ecr({ [other]: JSON.stringify({ config: { digest: `sha256:${'e'.repeat(64)}` } }) })!(
                ecrRequest
              )
      })
      const result = await releaseImage(
        runner,
        noTags(),
        new RecordingLog(),
        daemon({ tags: [`${image}:4f2c9ab`] })
      )
      expect(result).toEqual({
        digest: other,
        written: [`${image}:4f2c9ab`],
        failed: [],
        problem: `docker push ${image}:4f2c9ab stored ${other}, which is not the image that was scanned, and deleting that tag failed (ECR BatchDeleteImage failed: AccessDeniedException: no): delete it by hand.`
      })
    })

    it('checks a push from a layout against exactly the platform manifests that were scanned', async () => {
      const scanned = { 'linux/amd64': `sha256:${'1'.repeat(64)}`, 'linux/arm64': `sha256:${'2'.repeat(64)}` }
      const push = (stored: string) =>
        releaseImage(
          new ScriptedRunner({
            run: (command) => (command.args[0] === 'push' ? pushOutput(other) : {}),
            ecr: ecr({ [other]: stored })
          }),
          noTags(),
          new RecordingLog(),
          daemon({ held: { id: imageId, scanned }, tags: [`${image}:4f2c9ab`] })
        )
      await expect(push(platformIndex(Object.entries(scanned)))).resolves.toEqual({
        digest: other,
        written: [`${image}:4f2c9ab`],
        failed: []
      })
      const swapped = await push(
        platformIndex([
          ['linux/amd64', scanned['linux/amd64']],
          ['linux/arm64', `sha256:${'3'.repeat(64)}`]
        ])
      )
      expect(swapped.written).toEqual([])
      const fewer = await push(platformIndex([['linux/amd64', scanned['linux/amd64']]]))
      expect(fewer.written).toEqual([])
    })

    it('tags the image id given by the gate, not the build’s', async () => {
      const scanned = `sha256:${'f'.repeat(64)}`
      const runner = new ScriptedRunner()
      await releaseImage(
        runner,
        noTags(),
        new RecordingLog(),
        daemon({ held: { id: scanned }, push: false, tags: [`${image}:main`] })
      )
      expect(runner.plans()[0]).toEqual({ run: { tool: 'docker', args: ['tag', scanned, `${image}:main`] } })
    })

    it('keeps the tags in the daemon without a push', async () => {
      const runner = new ScriptedRunner()
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon({ push: false }))
      expect(runner.plans()).toHaveLength(4)
      // The names exist only in this daemon: there is no registry digest to report.
      expect(result).toEqual({ written: tags, failed: [] })
    })

    it.each<[string, Script['run'], string]>([
      [
        'the push fails',
        () => new CommandError(`$ docker push ${image}:4f2c9ab`, 1, 'denied: not authorized'),
        `$ docker push ${image}:4f2c9ab failed with exit code 1:\ndenied: not authorized`
      ],
      [
        'the push reports no digest',
        () => ({ stdout: 'pushed\n' }),
        `docker push ${image}:4f2c9ab reported no digest.`
      ]
    ])('writes no tag to ECR when %s', async (_name, run, error) => {
      const runner = new ScriptedRunner({
        run: (command, options) => (command.args[0] === 'push' ? run!(command, options) : {})
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon())
      expect(runner.plans().filter((step) => 'ecr' in step)).toEqual([])
      expect(result).toEqual({ written: [], failed: tags.map((tag) => ({ tag, error })) })
    })

    it('reports exactly which of the other tags ECR refused', async () => {
      const runner = new ScriptedRunner({
        run: (command) => (command.args[0] === 'push' ? pushOutput(digest) : {}),
        ecr: ecr(
          { [digest]: manifest },
          { latest: new ServiceError('tag is immutable', 'ImageTagAlreadyExistsException') }
        )
      })
      const result = await releaseImage(runner, noTags(), new RecordingLog(), daemon())
      expect(result).toEqual({
        digest,
        written: [`${image}:4f2c9ab`, `${image}:main`],
        failed: [{ tag: `${image}:latest`, error: 'tag is immutable' }]
      })
    })

    it('in a dry run prints every step with placeholders for what the push would report', async () => {
      const runner = new ScriptedRunner({}, true)
      const result = await releaseImage(
        runner,
        noTags(),
        new RecordingLog(),
        daemon({ tags: [`${image}:4f2c9ab`, `${image}:main`] })
      )
      expect(runner.plans().slice(-1)).toEqual([putTag('main', '<digest>', '')])
      expect(result).toEqual({
        digest: '<digest>',
        written: [`${image}:4f2c9ab`, `${image}:main`],
        failed: []
      })
    })
  })
})

describe('releaseImage reads every tag first', () => {
  it('leaves a tag already on the pushed digest as it is (a re-run), and says so', async () => {
    const runner = new ScriptedRunner({ ecr: ecr({ [digest]: manifest }) })
    const probe = new ScriptedRunner({
      ecr: (ecrRequest) =>
        (ecrRequest.input as { imageIds: Array<{ imageTag?: string }> }).imageIds[0].imageTag === 'main'
          ? stored(digest)
          : { images: [] }
    })
    const result = await releaseImage(runner, probe, new RecordingLog(), request({}))
    expect(result).toEqual({ digest, written: tags, alreadyThere: [`${image}:main`], failed: [] })
    expect(runner.plans()).toEqual([getImage(digest), putTag('4f2c9ab'), putTag('latest')])
  })

  /** A probe finding `held` under each of these tags (by name, without the repository). */
  const holding = (held: Record<string, string>) =>
    new ScriptedRunner({
      ecr: (ecrRequest) => {
        const tag = (ecrRequest.input as { imageIds: Array<{ imageTag?: string }> }).imageIds[0].imageTag!
        return held[tag]
          ? stored(held[tag].split(' ')[0], held[tag].split(' ')[1] ?? manifest)
          : { images: [] }
      }
    })
  /** docker push or pull failing once with a 503, then working. */
  const flaky = (pushOutput: string): Script['run'] => {
    const failedOnce = new Set<string>()
    return (command) => {
      const step = `${command.args[0]} ${command.args.at(-1)}`
      if (!['push', 'pull'].includes(command.args[0])) return {}
      if (failedOnce.has(step)) return { stdout: pushOutput }
      failedOnce.add(step)
      return new CommandError(
        `$ docker ${step}`,
        1,
        'received unexpected HTTP status: 503 Service Unavailable'
      )
    }
  }
  const streamed = (runner: ScriptedRunner) =>
    runner.steps
      .filter((step) => 'run' in step && ['push', 'pull'].includes(step.run.args[0]))
      .map((step) => 'run' in step && step.options?.stream)
  const elsewhere = `${other} ${JSON.stringify({ config: { digest: `sha256:${'e'.repeat(64)}` } })}`

  it('moves no tag of an IMMUTABLE repository when one is on another image', async () => {
    const runner = new ScriptedRunner({ ecr: ecr({ [digest]: manifest }) })
    const result = await releaseImage(
      runner,
      holding({ latest: elsewhere }),
      new RecordingLog(),
      request({ immutable: true })
    )
    expect(runner.plans()).toEqual([getImage(digest)])
    expect(result.written).toEqual([])
    expect(result.problem).toMatch(
      new RegExp(
        `^No tag was moved: in the IMMUTABLE repository shop/web, latest is on ${other}, and this run's image is ${digest}\\.`
      )
    )
  })

  it('leaves a tag on an index of the same platform images as it is: an identical rebuild, other attestations', async () => {
    const pushed = platformIndex([['linux/amd64', other]])
    const rebuilt = `sha256:${'d'.repeat(64)}`
    const runner = new ScriptedRunner({ ecr: ecr({ [digest]: pushed }) })
    const result = await releaseImage(
      runner,
      holding({ main: `${rebuilt} ${platformIndex([['linux/amd64', other]]).replace('9999', '8888')}` }),
      new RecordingLog(),
      request({ tags: [`${image}:main`] })
    )
    expect(result).toEqual({
      digest: rebuilt,
      written: [`${image}:main`],
      alreadyThere: [`${image}:main`],
      failed: []
    })
    expect(runner.plans()).toEqual([getImage(digest)])
  })

  describe('an image held in the daemon', () => {
    const daemon = (change: Partial<ReleaseRequest> = {}) =>
      request({ delivery: 'daemon-staging', staging: 'ecr-build-push-staging/shop/web:1-0', ...change })

    it('pushes nothing on a re-run: the other tags go onto the digest a tag already holds', async () => {
      const runner = new ScriptedRunner({ ecr: ecr({ [digest]: manifest }) })
      const refused = new ServiceError('tag is immutable', 'ImageTagAlreadyExistsException')
      const partly = await releaseImage(
        new ScriptedRunner({ ecr: ecr({ [digest]: manifest }, { latest: refused }) }),
        holding({ main: digest }),
        new RecordingLog(),
        daemon()
      )
      expect(partly).toEqual({
        digest,
        written: [`${image}:4f2c9ab`, `${image}:main`],
        alreadyThere: [`${image}:main`],
        failed: [{ tag: `${image}:latest`, error: 'tag is immutable' }]
      })
      const result = await releaseImage(runner, holding({ main: digest }), new RecordingLog(), daemon())
      expect(runner.plans()).toEqual([
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:4f2c9ab`] } },
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:main`] } },
        { run: { tool: 'docker', args: ['tag', imageId, `${image}:latest`] } },
        { run: { tool: 'docker', args: ['image', 'rm', 'ecr-build-push-staging/shop/web:1-0'] } },
        putTag('4f2c9ab'),
        putTag('latest')
      ])
      expect(result).toEqual({ digest, written: tags, alreadyThere: [`${image}:main`], failed: [] })
    })

    it('tags nothing, not even in the daemon, when an IMMUTABLE repository has a tag on another image', async () => {
      const runner = new ScriptedRunner()
      const result = await releaseImage(
        runner,
        holding({ main: elsewhere }),
        new RecordingLog(),
        daemon({ immutable: true })
      )
      expect(runner.steps).toEqual([])
      expect(result.failed.map((entry) => entry.error)).toEqual([
        'not written: another tag of this image is taken in an IMMUTABLE repository',
        `already on ${other} in an IMMUTABLE repository`,
        'not written: another tag of this image is taken in an IMMUTABLE repository'
      ])
      expect(result.problem).toContain(`and this run's image is ${digest}.`)
      const daemonOnly = await releaseImage(
        new ScriptedRunner(),
        holding({ main: elsewhere }),
        new RecordingLog(),
        daemon({ immutable: true, built: { ...built, digest: '' } })
      )
      expect(daemonOnly.problem).toContain(`and this run's image is ${imageId}.`)
    })

    it('reads no tag without a push, nor in a dry run, and removes no staging name it did not make', async () => {
      for (const [push, dryRun] of [
        [false, false],
        [true, true]
      ]) {
        const probe = holding({ main: elsewhere })
        const runner = new ScriptedRunner({}, dryRun)
        await releaseImage(runner, probe, new RecordingLog(), daemon({ push, staging: undefined }))
        expect(probe.steps).toEqual([])
        expect(runner.plans().some((step) => 'run' in step && step.run.args[0] === 'image')).toBe(false)
      }
    })

    it('streams the push and retries it after a transient registry error', async () => {
      const runner = new ScriptedRunner({
        run: flaky(`4f2c9ab: digest: ${digest} size: 528\n`),
        ecr: ecr({ [digest]: manifest })
      })
      const log = new RecordingLog()
      const result = await releaseImage(
        runner,
        noTags(),
        log,
        daemon({ held: { id: imageId }, tags: [`${image}:4f2c9ab`] })
      )
      expect(result).toEqual({ digest, written: [`${image}:4f2c9ab`], failed: [] })
      expect(log.of('info')).toEqual([
        `docker push ${image}:4f2c9ab failed with a transient registry error; trying again in 1s (attempt 2 of 3).`
      ])
      expect(streamed(runner)).toEqual([true, true])
    }, 10_000)
  })

  it('streams the pulls for load and retries one after a transient registry error', async () => {
    const runner = new ScriptedRunner({ run: flaky(''), ecr: ecr({ [digest]: manifest }) })
    const log = new RecordingLog()
    const result = await releaseImage(runner, noTags(), log, request({ tags: [`${image}:main`], load: true }))
    expect(result).toEqual({ digest, written: [`${image}:main`], failed: [] })
    expect(log.of('info')).toEqual([
      `docker pull ${image}:main failed with a transient registry error; trying again in 1s (attempt 2 of 3).`
    ])
    expect(streamed(runner)).toEqual([true, true])
  }, 10_000)

  it('reports no digest when ECR refuses every tag', async () => {
    const refusal = new ServiceError('ECR PutImage failed: AccessDeniedException', 'AccessDeniedException')
    const runner = new ScriptedRunner({
      ecr: ecr({ [digest]: manifest }, { '4f2c9ab': refusal, main: refusal, latest: refusal })
    })
    const result = await releaseImage(runner, noTags(), new RecordingLog(), request({}))
    expect(result).toEqual({
      written: [],
      failed: tags.map((tag) => ({ tag, error: 'ECR PutImage failed: AccessDeniedException' }))
    })
  })

  it('tags nothing in the daemon when ECR cannot say where the tags point', async () => {
    const runner = new ScriptedRunner()
    const probe = new ScriptedRunner({
      ecr: () => new ServiceError('ECR BatchGetImage failed: AccessDeniedException', 'AccessDeniedException')
    })
    const result = await releaseImage(
      runner,
      probe,
      new RecordingLog(),
      request({ delivery: 'daemon-staging', held: { id: imageId } })
    )
    expect(result).toEqual({
      written: [],
      failed: tags.map((tag) => ({ tag, error: 'ECR BatchGetImage failed: AccessDeniedException' }))
    })
    expect(runner.steps).toEqual([])
  })
})

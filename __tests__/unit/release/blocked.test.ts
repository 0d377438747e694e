import { describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../../src/errors.js'
import { cleanUpBlocked, type BlockedRequest } from '../../../src/release/blocked.js'
import { manifestMediaTypes } from '../../../src/release/manifests.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { ScriptedRunner } from '../doubles.js'

const digest = `sha256:${'a'.repeat(64)}`
const child = (n: number) => `sha256:${String(n).repeat(64)}`
const index = JSON.stringify({
  manifests: [
    { digest: child(1), platform: { os: 'linux', architecture: 'amd64' } },
    { digest: child(2), platform: { os: 'linux', architecture: 'arm64' } },
    { digest: child(3), platform: { os: 'unknown', architecture: 'unknown' } }
  ]
})
const request = (change: Partial<BlockedRequest> = {}): BlockedRequest => ({
  repository: 'shop/web',
  registryId: '123456789012',
  delivery: 'registry-staging',
  digest,
  staging: 'ecr-build-push-staging/shop/web:1-0',
  keepBlocked: false,
  ...change
})
const ids = (digests: string[]) => digests.map((imageDigest) => ({ imageDigest }))

/** ECR's answers: tags on the digest, the stored manifest, and which deletes fail how. */
function registry(answers: {
  tags?: string[]
  manifest?: string
  referenced?: string[]
  deleteError?: Error
}) {
  return (ecrRequest: EcrRequest) => {
    switch (ecrRequest.operation) {
      case 'DescribeImages':
        return { imageDetails: [{ imageDigest: digest, imageTags: answers.tags ?? [] }] }
      case 'BatchGetImage':
        return answers.manifest
          ? { images: [{ imageId: { imageDigest: digest }, imageManifest: answers.manifest }] }
          : { images: [] }
      case 'BatchDeleteImage': {
        if (answers.deleteError) return answers.deleteError
        const asked = (ecrRequest.input as { imageIds: Array<{ imageDigest: string }> }).imageIds.map(
          (id) => id.imageDigest
        )
        const referenced = asked.filter((id) => answers.referenced?.includes(id))
        return {
          imageIds: ids(asked.filter((id) => !referenced.includes(id))),
          failures: referenced.map((id) => ({
            imageId: { imageDigest: id },
            failureCode: 'ImageReferencedByManifestList',
            failureReason: 'Requested image referenced by manifest list'
          }))
        }
      }
      default:
        return undefined
    }
  }
}

const describeImages = {
  ecr: {
    operation: 'DescribeImages',
    input: { registryId: '123456789012', repositoryName: 'shop/web', imageIds: [{ imageDigest: digest }] }
  }
}
const getImage = {
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
const deleteImages = (digests: string[]) => ({
  ecr: {
    operation: 'BatchDeleteImage',
    input: { registryId: '123456789012', repositoryName: 'shop/web', imageIds: ids(digests) }
  }
})

describe('cleanUpBlocked', () => {
  it('removes the daemon’s staging name, whatever happens to it', async () => {
    const runner = new ScriptedRunner()
    const probe = new ScriptedRunner()
    const cleanup = await cleanUpBlocked(runner, probe, request({ delivery: 'daemon-staging' }))
    expect(runner.steps).toEqual([
      {
        run: { tool: 'docker', args: ['image', 'rm', 'ecr-build-push-staging/shop/web:1-0'] },
        options: { allowFailure: true }
      }
    ])
    expect(probe.steps).toEqual([])
    expect(cleanup).toEqual({
      removed: ['ecr-build-push-staging/shop/web:1-0'],
      note: 'The blocked image was removed from the Docker daemon (ecr-build-push-staging/shop/web:1-0).'
    })
  })

  it('deletes an untagged pushed digest so nobody can pull it', async () => {
    const runner = new ScriptedRunner({ ecr: registry({ manifest: JSON.stringify({ layers: [] }) }) })
    const probe = new ScriptedRunner({ ecr: registry({ manifest: JSON.stringify({ layers: [] }) }) })
    const cleanup = await cleanUpBlocked(runner, probe, request())
    expect(probe.plans()).toEqual([describeImages, getImage])
    expect(runner.plans()).toEqual([deleteImages([digest])])
    expect(cleanup).toEqual({
      removed: [digest],
      note: `The blocked image was deleted from ECR (1 manifest of shop/web@${digest}), so it cannot be pulled by digest.`
    })
  })

  it('deletes an index and then every manifest it names, attestations included', async () => {
    const answers = registry({ manifest: index })
    const runner = new ScriptedRunner({ ecr: answers })
    const cleanup = await cleanUpBlocked(runner, new ScriptedRunner({ ecr: answers }), request())
    expect(runner.plans()).toEqual([deleteImages([digest]), deleteImages([child(1), child(2), child(3)])])
    expect(cleanup.removed).toEqual([digest, child(1), child(2), child(3)])
  })

  it('deletes the digest alone when ECR returns no manifest for it', async () => {
    const runner = new ScriptedRunner({ ecr: registry({}) })
    const cleanup = await cleanUpBlocked(runner, new ScriptedRunner({ ecr: registry({}) }), request())
    expect(runner.plans()).toEqual([deleteImages([digest])])
    expect(cleanup).toEqual({
      removed: [digest],
      note: `The blocked image was deleted from ECR (1 manifest of shop/web@${digest}), so it cannot be pulled by digest.`
    })
  })

  it('keeps the platform images a tagged index also names (ImageReferencedByManifestList)', async () => {
    const answers = registry({ manifest: index, referenced: [child(1), child(3)] })
    const cleanup = await cleanUpBlocked(
      new ScriptedRunner({ ecr: answers }),
      new ScriptedRunner({ ecr: answers }),
      request()
    )
    expect(cleanup).toEqual({
      removed: [digest, child(2)],
      note: `The blocked image was deleted from ECR (2 manifests of shop/web@${digest}), so it cannot be pulled by digest. 2 of its platform images stay: a tagged image index also names them.`
    })
  })

  it('counts as staying only what a tagged index names, not a manifest ECR no longer had', async () => {
    const answers = (ecrRequest: EcrRequest) => {
      if (ecrRequest.operation !== 'BatchDeleteImage') return registry({ manifest: index })(ecrRequest)
      const asked = (ecrRequest.input as { imageIds: Array<{ imageDigest: string }> }).imageIds
      // An id ECR names by tag alone is no manifest removed.
      if (asked.length === 1) return { imageIds: [...asked, { imageTag: 'main' }] }
      // ECR leaves imageIds out when it deleted nothing.
      return {
        failures: [
          { imageId: asked[0], failureCode: 'ImageReferencedByManifestList', failureReason: 'referenced' },
          { imageId: asked[1], failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
          { failureCode: 'ImageReferencedByManifestList', failureReason: 'referenced' }
        ]
      }
    }
    const cleanup = await cleanUpBlocked(
      new ScriptedRunner({ ecr: answers }),
      new ScriptedRunner({ ecr: answers }),
      request()
    )
    expect(cleanup).toEqual({
      removed: [digest],
      note: `The blocked image was deleted from ECR (1 manifest of shop/web@${digest}), so it cannot be pulled by digest. 2 of its platform images stay: a tagged image index also names them.`
    })
  })

  it('deletes a digest ECR describes with no details (no tags to keep it for)', async () => {
    const answers = (ecrRequest: EcrRequest) =>
      ecrRequest.operation === 'DescribeImages' ? { imageDetails: [] } : registry({})(ecrRequest)
    const runner = new ScriptedRunner({ ecr: answers })
    const cleanup = await cleanUpBlocked(runner, new ScriptedRunner({ ecr: answers }), request())
    expect(runner.plans()).toEqual([deleteImages([digest])])
    expect(cleanup.removed).toEqual([digest])
  })

  it('keeps a digest that already carries tags from an identical earlier build', async () => {
    const runner = new ScriptedRunner()
    const probe = new ScriptedRunner({ ecr: registry({ tags: ['main', '4f2c9ab'] }) })
    const cleanup = await cleanUpBlocked(runner, probe, request())
    expect(probe.plans()).toEqual([describeImages])
    expect(runner.steps).toEqual([])
    expect(cleanup).toEqual({
      removed: [],
      note: `The blocked digest ${digest} is kept: it already carries the tags main, 4f2c9ab from an identical earlier build.`
    })
  })

  it('keeps the blocked image with keep-blocked, saying who can pull it', async () => {
    const runner = new ScriptedRunner()
    const probe = new ScriptedRunner()
    const cleanup = await cleanUpBlocked(runner, probe, request({ keepBlocked: true }))
    expect([...runner.steps, ...probe.steps]).toEqual([])
    expect(cleanup).toEqual({
      removed: [],
      note: `The blocked image stays in ECR untagged for inspection ('keep-blocked: true'): anyone with pull access who knows shop/web@${digest} can pull it.`
    })
  })

  it('says the digest stays pullable when ECR refuses the delete', async () => {
    const refused = new ServiceError(
      'ECR BatchDeleteImage failed: AccessDeniedException: not authorized',
      'AccessDeniedException'
    )
    const cleanup = await cleanUpBlocked(
      new ScriptedRunner({ ecr: registry({ deleteError: refused }) }),
      new ScriptedRunner({ ecr: registry({}) }),
      request()
    )
    expect(cleanup).toEqual({
      removed: [],
      note: `Could not delete the blocked image shop/web@${digest} (ECR BatchDeleteImage failed: AccessDeniedException: not authorized): it stays pullable by digest until an ECR lifecycle rule expires it.`
    })
  })

  it.each(['tags', 'local', 'cache-only'] as const)('has nothing to clean up for %s', async (delivery) => {
    const runner = new ScriptedRunner()
    await expect(cleanUpBlocked(runner, runner, request({ delivery }))).resolves.toEqual({
      removed: [],
      note: ''
    })
    expect(runner.steps).toEqual([])
  })
})

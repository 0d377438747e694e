import { describe, expect, it } from '@jest/globals'
import {
  childDigests,
  configDigest,
  indexPlatforms,
  manifestLayers,
  manifestMediaTypes,
  planGetImage,
  planPutTag,
  storedManifest,
  tagOf,
  imageRefIn
} from '../../../src/release/manifests.js'

const digest = `sha256:${'a'.repeat(64)}`
const index = JSON.stringify({
  manifests: [
    { digest: 'sha256:1', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:2', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    {
      digest: 'sha256:3',
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
    },
    { digest: 'sha256:4' }
  ]
})
const image = JSON.stringify({
  config: { digest: 'sha256:config' },
  layers: [{ digest: 'sha256:l1', size: 10, mediaType: 'x' }]
})

describe('ECR manifest requests', () => {
  it('gets one image by digest or tag, accepting every manifest type as pushed', () => {
    expect(
      planGetImage({ repository: 'shop/web', registryId: '123456789012' }, { imageDigest: digest })
    ).toEqual({
      operation: 'BatchGetImage',
      input: {
        registryId: '123456789012',
        repositoryName: 'shop/web',
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: [
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json'
        ]
      }
    })
    expect(planGetImage({ repository: 'shop/web' }, { imageTag: 'main' }).input).toEqual({
      repositoryName: 'shop/web',
      imageIds: [{ imageTag: 'main' }],
      acceptedMediaTypes: manifestMediaTypes
    })
  })

  it('puts the same manifest bytes and digest under a tag', () => {
    expect(
      planPutTag(
        { repository: 'shop/web', registryId: '1' },
        { digest, manifest: image, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
        'v1'
      )
    ).toEqual({
      operation: 'PutImage',
      input: {
        registryId: '1',
        repositoryName: 'shop/web',
        imageManifest: image,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        imageDigest: digest,
        imageTag: 'v1'
      }
    })
    expect(planPutTag({ repository: 'shop/web' }, { digest, manifest: image }, 'v1').input).toEqual({
      repositoryName: 'shop/web',
      imageManifest: image,
      imageDigest: digest,
      imageTag: 'v1'
    })
  })

  it('reads the stored manifest, or nothing when ECR has none', () => {
    expect(
      storedManifest({
        $metadata: {},
        images: [
          {
            imageId: { imageDigest: digest },
            imageManifest: image,
            imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
          }
        ]
      })
    ).toEqual({ digest, manifest: image, mediaType: 'application/vnd.oci.image.manifest.v1+json' })
    expect(storedManifest({ $metadata: {}, images: [{ imageManifest: image }] })).toEqual({
      digest: '',
      manifest: image
    })
    expect(
      storedManifest({ $metadata: {}, images: [], failures: [{ failureCode: 'ImageNotFound' }] })
    ).toBeUndefined()
    expect(storedManifest({ $metadata: {} })).toBeUndefined()
  })
})

describe('manifest contents', () => {
  it('lists an index’s image platforms without attestations or entries without a platform', () => {
    expect(indexPlatforms(index)).toEqual([
      { platform: 'linux/amd64', digest: 'sha256:1' },
      { platform: 'linux/arm/v7', digest: 'sha256:2' }
    ])
    expect(indexPlatforms(image)).toBeUndefined()
  })

  it('names every child of an index, and the config and layers of an image', () => {
    expect(childDigests(index)).toEqual(['sha256:1', 'sha256:2', 'sha256:3', 'sha256:4'])
    expect(childDigests(image)).toEqual([])
    expect(configDigest(image)).toBe('sha256:config')
    expect(configDigest(index)).toBeUndefined()
    expect(manifestLayers(image)).toEqual([{ digest: 'sha256:l1', size: 10 }])
    expect(manifestLayers(index)).toBeUndefined()
  })
})

describe('tagOf', () => {
  it.each([
    ['127.0.0.1:5000/shop/web:v1.2', 'v1.2'],
    ['127.0.0.1:5000/shop/web', 'latest'],
    ['web', 'latest'],
    [`123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:4f2c9ab`, '4f2c9ab']
  ])('%s', (reference, tag) => {
    expect(tagOf(reference)).toBe(tag)
  })
})

describe('imageRefIn', () => {
  const ecr = {
    authorizations: [],
    registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    repositories: new Map([
      [
        'shop/web',
        { name: 'shop/web', registryId: '210987654321', tagMutability: 'MUTABLE' as const, exists: true }
      ]
    ])
  }

  it('names the registry the connection found the repository in', () => {
    expect(imageRefIn(ecr, 'shop/web')).toEqual({ repository: 'shop/web', registryId: '210987654321' })
  })

  it('names no registry without a connection (no push), or for a repository it does not know', () => {
    expect(imageRefIn(undefined, 'shop/web')).toEqual({ repository: 'shop/web' })
    expect(imageRefIn(ecr, 'shop/other')).toEqual({ repository: 'shop/other' })
  })
})

import { afterEach, describe, expect, it } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  BatchGetImageCommand,
  ECRClient,
  ImageAlreadyExistsException,
  PutImageCommand
} from '@aws-sdk/client-ecr'
import {
  ecrAccountOf,
  planPull,
  planPushLoaded,
  planTagDigest,
  pushedDigest,
  repositoryOf,
  tagOf,
  tagOnEcr
} from '../../../src/release/push.js'

const digest = 'sha256:' + 'a'.repeat(64)

describe('push plans', () => {
  it('pushes a loaded image tag by tag', () => {
    expect(planPushLoaded(['r:5000/shop/web:abc', 'r:5000/shop/web:latest'])).toEqual([
      { tool: 'docker', args: ['push', 'r:5000/shop/web:abc'] },
      { tool: 'docker', args: ['push', 'r:5000/shop/web:latest'] }
    ])
  })

  it('pulls what it tagged when the image should also be loaded', () => {
    expect(planPull(['r/shop/web:abc', 'r/shop/web:latest'])).toEqual([
      { tool: 'docker', args: ['pull', '--quiet', 'r/shop/web:abc'] },
      { tool: 'docker', args: ['pull', '--quiet', 'r/shop/web:latest'] }
    ])
  })

  it('tags a digest already in the registry', () => {
    expect(planTagDigest('r/shop/web', digest, ['r/shop/web:abc', 'r/shop/web:latest'])).toEqual({
      tool: 'docker',
      args: [
        'buildx',
        'imagetools',
        'create',
        '--tag',
        'r/shop/web:abc',
        '--tag',
        'r/shop/web:latest',
        `r/shop/web@${digest}`
      ]
    })
  })

  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', '123456789012'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', '123456789012'],
    ['127.0.0.1:5000', undefined],
    ['ghcr.io', undefined]
  ])('ecrAccountOf(%s)', (host, account) => {
    expect(ecrAccountOf(host)).toBe(account)
  })

  it.each([
    ['127.0.0.1:5000/shop/web:v1.2', '127.0.0.1:5000/shop/web'],
    [`127.0.0.1:5000/shop/web@${digest}`, '127.0.0.1:5000/shop/web'],
    ['shop/web', 'shop/web']
  ])('repositoryOf(%s)', (reference, repository) => {
    expect(repositoryOf(reference)).toBe(repository)
  })

  it.each([
    ['127.0.0.1:5000/shop/web:v1.2', 'v1.2'],
    ['127.0.0.1:5000/shop/web', 'latest']
  ])('tagOf(%s)', (reference, tag) => {
    expect(tagOf(reference)).toBe(tag)
  })

  it('reads the digest docker push reports', () => {
    expect(
      pushedDigest(`The push refers to repository [r/shop/web]\nabc: digest: ${digest} size: 528\n`)
    ).toBe(digest)
    expect(pushedDigest('nothing')).toBeUndefined()
  })
})

describe('tagOnEcr', () => {
  const ecr = mockClient(ECRClient)
  afterEach(() => {
    ecr.reset()
  })

  it('puts the scanned manifest under every tag, keeping its digest', async () => {
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageManifest: '{"schemaVersion":2}',
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
        }
      ]
    })
    ecr
      .on(PutImageCommand, { imageTag: 'latest' })
      .rejects(new ImageAlreadyExistsException({ message: 'exists', $metadata: {} }))
    ecr.on(PutImageCommand, { imageTag: 'abc1234' }).resolves({})
    await tagOnEcr(new ECRClient({ region: 'us-east-1' }), {
      repository: 'shop/web',
      digest,
      tags: [
        '1.dkr.ecr.us-east-1.amazonaws.com/shop/web:abc1234',
        '1.dkr.ecr.us-east-1.amazonaws.com/shop/web:latest'
      ]
    })
    expect(ecr.commandCalls(PutImageCommand).map((call) => call.args[0].input)).toEqual([
      {
        repositoryName: 'shop/web',
        imageManifest: '{"schemaVersion":2}',
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        imageDigest: digest,
        imageTag: 'abc1234'
      },
      {
        repositoryName: 'shop/web',
        imageManifest: '{"schemaVersion":2}',
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        imageDigest: digest,
        imageTag: 'latest'
      }
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import type { ImageTagMutability } from '@aws-sdk/client-ecr'
import { describeRepository, planCreateRepository, repositoryFacts } from '../../../src/ecr/repository.js'

describe('repository plans', () => {
  it('describes and creates in the named registry, or the caller’s own', () => {
    expect(describeRepository('shop/web')).toEqual({
      operation: 'DescribeRepositories',
      input: { repositoryNames: ['shop/web'] }
    })
    expect(planCreateRepository('shop/web', 'MUTABLE', '210987654321')).toEqual({
      operation: 'CreateRepository',
      input: {
        registryId: '210987654321',
        repositoryName: 'shop/web',
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: true }
      }
    })
  })

  it.each([
    ['MUTABLE', 'MUTABLE'],
    ['IMMUTABLE', 'IMMUTABLE'],
    ['IMMUTABLE_WITH_EXCLUSION', 'IMMUTABLE'],
    ['MUTABLE_WITH_EXCLUSION', 'MUTABLE'],
    [undefined, 'MUTABLE']
  ])('reads %s tags as %s', (imageTagMutability, expected) => {
    expect(
      repositoryFacts('shop/web', {
        $metadata: {},
        repositories: [
          { registryId: '1', imageTagMutability: imageTagMutability as ImageTagMutability | undefined }
        ]
      }).tagMutability
    ).toBe(expected)
  })
})

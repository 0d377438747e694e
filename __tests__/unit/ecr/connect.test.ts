import { describe, expect, it, afterEach } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import { ConfigurationError } from '../../src/errors.js'
import { ensureRepository } from '../../src/ecr/repository.js'

const ecr = mockClient(ECRClient)
const client = new ECRClient({ region: 'us-east-1' })
const notFound = new RepositoryNotFoundException({ message: 'not found', $metadata: {} })

afterEach(() => {
  ecr.reset()
})

describe('ensureRepository', () => {
  it('reports an existing repository and its tag mutability', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          repositoryName: 'shop/web',
          registryId: '123456789012',
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION'
        }
      ]
    })
    await expect(
      ensureRepository(client, { name: 'shop/web', create: false, tagMutability: 'MUTABLE' })
    ).resolves.toEqual({
      name: 'shop/web',
      registryId: '123456789012',
      tagMutability: 'IMMUTABLE',
      created: false
    })
  })

  it('creates a missing repository with scan-on-push in the named registry', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(notFound)
    ecr.on(CreateRepositoryCommand).resolves({ repository: { registryId: '210987654321' } })
    const facts = await ensureRepository(client, {
      name: 'shop/web',
      registryId: '210987654321',
      create: true,
      tagMutability: 'IMMUTABLE'
    })
    expect(facts).toEqual({
      name: 'shop/web',
      registryId: '210987654321',
      tagMutability: 'IMMUTABLE',
      created: true
    })
    expect(ecr.commandCalls(CreateRepositoryCommand)[0].args[0].input).toEqual({
      registryId: '210987654321',
      repositoryName: 'shop/web',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true }
    })
  })

  it('tells the user what to do when the repository is missing', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(notFound)
    const attempt = ensureRepository(client, { name: 'shop/web', create: false, tagMutability: 'MUTABLE' })
    await expect(attempt).rejects.toThrow(ConfigurationError)
    await expect(
      ensureRepository(client, { name: 'shop/web', create: false, tagMutability: 'MUTABLE' })
    ).rejects.toThrow(
      `Input 'repository' is 'shop/web': no such ECR repository. Create it, or set 'create-repository: true'.`
    )
  })
})

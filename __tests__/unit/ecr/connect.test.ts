import { describe, expect, it } from '@jest/globals'
import type { AwsConfig } from '../../../src/config/config.js'
import type { ImageSpec } from '../../../src/config/images.js'
import { connectEcr, createRepositories } from '../../../src/ecr/connect.js'
import { ConfigurationError, ServiceError } from '../../../src/errors.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { ScriptedRunner } from '../doubles.js'

const token = Buffer.from('AWS:pw').toString('base64')
const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const stage = (name: string) => ({ name, index: 0, line: 1, from: 'busybox', named: true })
const web: ImageSpec = { stage: stage('production'), repository: 'shop/web' }
const worker: ImageSpec = { stage: stage('worker'), repository: 'shop/worker' }
const aws: AwsConfig = {
  region: 'us-east-1',
  registryIds: [],
  createRepository: false,
  tagMutability: 'MUTABLE'
}
const notFound = (name: string) =>
  new ServiceError(
    `ECR DescribeRepositories failed: RepositoryNotFoundException: ${name}`,
    'RepositoryNotFoundException',
    400
  )

/** An ECR that knows `repositories` (name → mutability) and hands out one authorization per registry id. */
function ecr(
  repositories: Record<string, string>,
  extra: (request: EcrRequest) => unknown = () => undefined
) {
  return new ScriptedRunner({
    ecr: (request) => {
      const answer = extra(request)
      if (answer !== undefined) return answer as Record<string, unknown>
      if (request.operation === 'GetAuthorizationToken') {
        const ids = (request.input as { registryIds?: string[] }).registryIds ?? ['123456789012']
        return {
          authorizationData: ids.map((id) => ({
            authorizationToken: token,
            proxyEndpoint: `https://${id}.dkr.ecr.us-east-1.amazonaws.com`
          }))
        }
      }
      if (request.operation === 'DescribeRepositories') {
        const input = request.input as { repositoryNames: string[]; registryId?: string }
        const name = input.repositoryNames[0]
        if (!(name in repositories)) return notFound(name)
        return {
          repositories: [
            {
              repositoryName: name,
              registryId: input.registryId ?? '123456789012',
              imageTagMutability: repositories[name]
            }
          ]
        }
      }
      return undefined
    }
  })
}

describe('connectEcr', () => {
  it('asks for credentials and every repository at once, reading their tag mutability', async () => {
    const probe = ecr({ 'shop/web': 'MUTABLE', 'shop/worker': 'IMMUTABLE_WITH_EXCLUSION' })
    const connection = await connectEcr(probe, [web, worker], aws)
    expect(probe.plans()).toEqual([
      { ecr: { operation: 'GetAuthorizationToken', input: {} } },
      { ecr: { operation: 'DescribeRepositories', input: { repositoryNames: ['shop/web'] } } },
      { ecr: { operation: 'DescribeRepositories', input: { repositoryNames: ['shop/worker'] } } }
    ])
    expect(connection).toEqual({
      authorizations: [{ registry, username: 'AWS', password: 'pw' }],
      registry,
      repositories: new Map([
        [
          'shop/web',
          { name: 'shop/web', registryId: '123456789012', tagMutability: 'MUTABLE', exists: true }
        ],
        [
          'shop/worker',
          { name: 'shop/worker', registryId: '123456789012', tagMutability: 'IMMUTABLE', exists: true }
        ]
      ])
    })
  })

  it('logs in to every registry id and finds the repositories in the first one', async () => {
    const probe = ecr({ 'shop/web': 'MUTABLE' })
    const connection = await connectEcr(probe, [web], {
      ...aws,
      registryIds: ['210987654321', '123456789012']
    })
    expect(probe.plans()).toEqual([
      {
        ecr: { operation: 'GetAuthorizationToken', input: { registryIds: ['210987654321', '123456789012'] } }
      },
      {
        ecr: {
          operation: 'DescribeRepositories',
          input: { registryId: '210987654321', repositoryNames: ['shop/web'] }
        }
      }
    ])
    expect(connection.registry).toBe('210987654321.dkr.ecr.us-east-1.amazonaws.com')
    expect(connection.authorizations.map((item) => item.registry)).toEqual([
      '210987654321.dkr.ecr.us-east-1.amazonaws.com',
      registry
    ])
  })

  it('tells the user what to do when the repository is missing', async () => {
    const attempt = connectEcr(ecr({}), [web], aws)
    await expect(attempt).rejects.toThrow(
      new ConfigurationError(
        "Input 'repository' is 'shop/web': no such ECR repository. Create it, or set 'create-repository: true'."
      )
    )
  })

  it('names the target and the registry when one of several is missing', async () => {
    await expect(
      connectEcr(ecr({ 'shop/web': 'MUTABLE' }), [web, worker], { ...aws, registryIds: ['210987654321'] })
    ).rejects.toThrow(
      new ConfigurationError(
        "Input 'targets' sends 'worker' to 'shop/worker': no such ECR repository in registry 210987654321. Create it, or set 'create-repository: true'."
      )
    )
  })

  it('plans a missing repository for creation when asked to', async () => {
    const connection = await connectEcr(ecr({}), [web], {
      ...aws,
      createRepository: true,
      tagMutability: 'IMMUTABLE'
    })
    expect(connection.repositories.get('shop/web')).toEqual({
      name: 'shop/web',
      registryId: undefined,
      tagMutability: 'IMMUTABLE',
      exists: false
    })
  })

  it('lets other failures through', async () => {
    const denied = new ServiceError(
      'ECR DescribeRepositories failed: AccessDeniedException: no',
      'AccessDeniedException'
    )
    const probe = ecr({}, (request) => (request.operation === 'DescribeRepositories' ? denied : undefined))
    await expect(connectEcr(probe, [web], { ...aws, createRepository: true })).rejects.toBe(denied)
  })
})

describe('createRepositories', () => {
  it('creates each missing repository with scan-on-push in its registry, leaving the others alone', async () => {
    const probe = ecr({ 'shop/web': 'MUTABLE' })
    const aws2 = {
      ...aws,
      registryIds: ['210987654321'],
      createRepository: true,
      tagMutability: 'IMMUTABLE' as const
    }
    const connection = await connectEcr(probe, [web, worker], aws2)
    const runner = new ScriptedRunner()
    const created = await createRepositories(runner, probe, connection, aws2)
    expect(runner.plans()).toEqual([
      {
        ecr: {
          operation: 'CreateRepository',
          input: {
            registryId: '210987654321',
            repositoryName: 'shop/worker',
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true }
          }
        }
      }
    ])
    expect([...created.repositories.values()]).toEqual([
      { name: 'shop/web', registryId: '210987654321', tagMutability: 'MUTABLE', exists: true },
      { name: 'shop/worker', registryId: '210987654321', tagMutability: 'IMMUTABLE', exists: true }
    ])
  })

  it('takes a repository a concurrent job created meanwhile as it is', async () => {
    const existing = { 'shop/web': 'MUTABLE' }
    const connection = await connectEcr(ecr({}), [web], { ...aws, createRepository: true })
    const runner = new ScriptedRunner({
      ecr: () => new ServiceError('exists', 'RepositoryAlreadyExistsException')
    })
    const probe = ecr(existing)
    const created = await createRepositories(runner, probe, connection, aws)
    expect(probe.plans()).toEqual([
      { ecr: { operation: 'DescribeRepositories', input: { repositoryNames: ['shop/web'] } } }
    ])
    expect(created.repositories.get('shop/web')).toEqual({
      name: 'shop/web',
      registryId: '123456789012',
      tagMutability: 'MUTABLE',
      exists: true
    })
  })

  it('lets a refused creation fail the step', async () => {
    const connection = await connectEcr(ecr({}), [web], { ...aws, createRepository: true })
    const refused = new ServiceError('no', 'AccessDeniedException')
    const runner = new ScriptedRunner({ ecr: () => refused })
    await expect(createRepositories(runner, ecr({}), connection, aws)).rejects.toBe(refused)
  })

  it('creates nothing when everything exists', async () => {
    const probe = ecr({ 'shop/web': 'MUTABLE' })
    const connection = await connectEcr(probe, [web], aws)
    const runner = new ScriptedRunner()
    expect(await createRepositories(runner, probe, connection, aws)).toEqual(connection)
    expect(runner.steps).toEqual([])
  })
})

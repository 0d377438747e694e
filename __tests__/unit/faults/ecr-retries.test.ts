// The run's one ECR client against the ECR stand-in failing on purpose: throttling is retried by the SDK's
// adaptive mode, a create-repository race is success, and credentials that expired during the build say so.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { sdkEnv, startEcr } from '../../support/stand-ins/ecr.mjs'
import { connectEcr, createRepositories } from '../../../src/ecr/connect.js'
import { ecrError } from '../../../src/ecr/errors.js'
import { ServiceError } from '../../../src/errors.js'
import type { AwsConfig } from '../../../src/config/config.js'
import type { ImageSpec } from '../../../src/config/images.js'
import { LiveRunner } from '../../../src/run/live.js'
import { recordingLog } from './recording-log.js'

let ecr: Awaited<ReturnType<typeof startEcr>>
const saved: Record<string, string | undefined> = {}

beforeAll(async () => {
  ecr = await startEcr({
    registryHost: '127.0.0.1:9',
    password: 'secret',
    repositories: [{ name: 'shop/web' }, { name: 'shop/raced' }]
  })
  for (const [key, value] of Object.entries(sdkEnv(ecr.url))) {
    saved[key] = process.env[key]
    process.env[key] = value
  }
})

afterAll(async () => {
  for (const [key, value] of Object.entries(saved))
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  await ecr?.close()
})

beforeEach(() => {
  ecr.clearFaults()
  ecr.requests.length = 0
})

const aws: AwsConfig = {
  region: 'us-east-1',
  registryIds: [],
  createRepository: true,
  tagMutability: 'MUTABLE'
}
const image = (repository: string): ImageSpec => ({
  stage: { name: 'production', index: 2, line: 14, from: 'base', named: true },
  repository
})
const live = () => new LiveRunner({ log: recordingLog().log, region: 'us-east-1' })

function attempts(operation: string) {
  return ecr.requests
    .filter((request) => request.operation === operation)
    .map((request) => request.failed ?? 'ok')
}

describe('the ECR client', () => {
  it.each(['GetAuthorizationToken', 'DescribeRepositories'])(
    'retries a ThrottlingException on %s and connects',
    async (operation) => {
      const fault = ecr.fail(operation, 'ThrottlingException')
      const connection = await connectEcr(live(), [image('shop/web')], aws)
      expect(fault.fired).toBe(1)
      expect(attempts(operation)).toEqual(['ThrottlingException', 'ok'])
      expect(connection.repositories.get('shop/web')).toMatchObject({ exists: true })
    },
    30_000
  )

  it('takes RepositoryAlreadyExistsException from CreateRepository as the repository, made by another job', async () => {
    // DescribeRepositories saw no repository; by the time this job creates it, another job has.
    ecr.fail('DescribeRepositories', {
      status: 400,
      type: 'RepositoryNotFoundException',
      message: "The repository with name 'shop/raced' does not exist in the registry with id '123456789012'"
    })
    const runner = live()
    const connection = await connectEcr(runner, [image('shop/raced')], aws)
    expect(connection.repositories.get('shop/raced')?.exists).toBe(false)
    const created = await createRepositories(runner, runner, connection, aws)
    expect(ecr.requests.find((request) => request.operation === 'CreateRepository')).toBeDefined()
    expect(created.repositories.get('shop/raced')).toEqual({
      name: 'shop/raced',
      registryId: '123456789012',
      tagMutability: 'MUTABLE',
      exists: true
    })
  }, 30_000)

  it('says the role session is shorter than the build when PutImage finds the credentials expired', async () => {
    ecr.fail('PutImage', 'ExpiredTokenException', { times: 10 })
    const error = await live()
      .ecr({
        operation: 'PutImage',
        input: { repositoryName: 'shop/web', imageManifest: '{}', imageTag: 'x' }
      })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ServiceError)
    expect((error as ServiceError).code).toBe('ExpiredTokenException')
    expect((error as ServiceError).message).toBe(
      "ECR PutImage failed: ExpiredTokenException: The security token included in the request is expired The AWS credentials expired while the image was building: the role session is shorter than the build. Lengthen it with 'role-duration-seconds' on aws-actions/configure-aws-credentials (up to the role's maximum session duration, which you may need to raise in IAM)."
    )
  }, 30_000)
})

describe('ecrError', () => {
  const expired = Object.assign(new Error('The security token included in the request is expired'), {
    name: 'ExpiredTokenException',
    $metadata: { httpStatusCode: 400 }
  })

  it.each(['PutImage', 'BatchGetImage', 'DescribeImages', 'BatchDeleteImage'] as const)(
    'after the build (%s), an expired token is a session shorter than the build',
    (operation) => {
      expect(ecrError(operation, expired).message).toContain("'role-duration-seconds'")
    }
  )

  it.each(['GetAuthorizationToken', 'DescribeRepositories'] as const)(
    'before the build (%s), an expired token is credentials to configure',
    (operation) => {
      const message = ecrError(operation, expired).message
      expect(message).not.toContain('role-duration-seconds')
      expect(message).toContain('aws-actions/configure-aws-credentials with role-to-assume')
    }
  )
})

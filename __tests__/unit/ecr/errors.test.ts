import { describe, expect, it } from '@jest/globals'
import { ConfigurationError, ServiceError } from '../../src/errors.js'
import { awsCall } from '../../src/ecr/call.js'

function failing(name: string, message: string) {
  return () => Promise.reject(Object.assign(new Error(message), { name }))
}

describe('awsCall', () => {
  it('passes results through', async () => {
    await expect(awsCall('X', () => Promise.resolve(7))).resolves.toBe(7)
  })

  it.each([
    [
      'CredentialsProviderError',
      'Could not load credentials from any providers',
      'ECR GetAuthorizationToken failed: CredentialsProviderError: Could not load credentials from any providers Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).'
    ],
    [
      'AccessDeniedException',
      'User is not authorized to perform: ecr:GetAuthorizationToken',
      'ECR GetAuthorizationToken failed: AccessDeniedException: User is not authorized to perform: ecr:GetAuthorizationToken'
    ]
  ])('%s becomes one message', async (name, message, expected) => {
    const attempt = awsCall('GetAuthorizationToken', failing(name, message))
    await expect(attempt).rejects.toThrow(ServiceError)
    await expect(awsCall('GetAuthorizationToken', failing(name, message))).rejects.toThrow(expected)
  })

  it('lets configuration errors through unchanged', async () => {
    const error = new ConfigurationError('Input x')
    await expect(awsCall('X', () => Promise.reject(error))).rejects.toBe(error)
  })
})

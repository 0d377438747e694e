import { describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../../src/errors.js'
import { ecrError } from '../../../src/ecr/errors.js'
import type { EcrOperation } from '../../../src/run/ecr-request.js'

const failure = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) })

const credentialHint =
  'Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).'
const expiredHint =
  "The AWS credentials expired while the image was building: the role session is shorter than the build. Lengthen it with 'role-duration-seconds' on aws-actions/configure-aws-credentials (up to the role's maximum session duration, which you may need to raise in IAM)."

describe('ecrError', () => {
  it.each<[EcrOperation, Error, string]>([
    [
      'GetAuthorizationToken',
      failure('CredentialsProviderError', 'Could not load credentials from any providers'),
      `ECR GetAuthorizationToken failed: CredentialsProviderError: Could not load credentials from any providers ${credentialHint}`
    ],
    [
      'GetAuthorizationToken',
      failure('AccessDeniedException', 'User is not authorized to perform: ecr:GetAuthorizationToken'),
      'ECR GetAuthorizationToken failed: AccessDeniedException: User is not authorized to perform: ecr:GetAuthorizationToken'
    ],
    [
      'DescribeRepositories',
      failure('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      `ECR DescribeRepositories failed: UnrecognizedClientException: The security token included in the request is invalid. ${credentialHint}`
    ],
    [
      'GetAuthorizationToken',
      failure('ExpiredTokenException', 'The security token included in the request is expired'),
      `ECR GetAuthorizationToken failed: ExpiredTokenException: The security token included in the request is expired ${credentialHint}`
    ],
    ...(['BatchGetImage', 'PutImage', 'BatchDeleteImage', 'DescribeImages'] as const).map(
      (operation): [EcrOperation, Error, string] => [
        operation,
        failure('ExpiredTokenException', 'The security token included in the request is expired'),
        `ECR ${operation} failed: ExpiredTokenException: The security token included in the request is expired ${expiredHint}`
      ]
    ),
    [
      'PutImage',
      failure('UnknownError', 'ExpiredToken: session ended'),
      `ECR PutImage failed: UnknownError: ExpiredToken: session ended ${expiredHint}`
    ],
    [
      'PutImage',
      failure(
        'ImageTagAlreadyExistsException',
        "The image tag 'v1' already exists and cannot be overwritten"
      ),
      "ECR PutImage failed: ImageTagAlreadyExistsException: The image tag 'v1' already exists and cannot be overwritten"
    ]
  ])('%s: %s', (operation, error, message) => {
    const converted = ecrError(operation, error)
    expect(converted).toBeInstanceOf(ServiceError)
    expect(converted.message).toBe(message)
    expect(converted.code).toBe(error.name)
  })

  it('keeps the HTTP status, and reads errors that are not Error objects', () => {
    expect(ecrError('PutImage', failure('ThrottlingException', 'Rate exceeded', 400))).toMatchObject({
      code: 'ThrottlingException',
      status: 400
    })
    expect(ecrError('DescribeImages', 'socket hang up')).toMatchObject({
      code: 'Error',
      message: 'ECR DescribeImages failed: Error: socket hang up'
    })
  })
})

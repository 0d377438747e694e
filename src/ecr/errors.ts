import { ServiceError } from '../errors.js'
import type { EcrOperation } from '../run/ecr-request.js'

const credentialHint =
  'Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).'
/** Calls made after the build: expired credentials there mean the role session ended during the build. */
const afterBuild: EcrOperation[] = ['BatchGetImage', 'PutImage', 'BatchDeleteImage', 'DescribeImages']
const expiredHint =
  "The AWS credentials expired while the image was building: the role session is shorter than the build. Lengthen it with 'role-duration-seconds' on aws-actions/configure-aws-credentials (up to the role's maximum session duration, which you may need to raise in IAM)."

/** One message for a failed ECR call: the operation, AWS's error name and words, and what to do about it. */
export function ecrError(operation: EcrOperation, error: unknown): ServiceError {
  const named = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }
  const name = named.name ?? 'Error'
  const message = named.message ?? String(error)
  const expired = /ExpiredToken|security token included in the request is expired/i.test(`${name} ${message}`)
  const hint =
    expired && afterBuild.includes(operation)
      ? ` ${expiredHint}`
      : name === 'CredentialsProviderError' ||
          expired ||
          /credential|UnrecognizedClient/i.test(`${name} ${message}`)
        ? ` ${credentialHint}`
        : ''
  return new ServiceError(
    `ECR ${operation} failed: ${name}: ${message}${hint}`,
    name,
    named.$metadata?.httpStatusCode
  )
}

import { ConfigurationError, ServiceError } from '../errors.js'

const credentialHint =
  'Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).'

/** Runs one AWS call and turns its failure into one message: the operation, the error name and AWS's words. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    const named = error as { name?: string; message?: string }
    const name = named.name ?? 'Error'
    const message = named.message ?? String(error)
    const hint =
      name === 'CredentialsProviderError' ||
      /credential|ExpiredToken|UnrecognizedClient/i.test(`${name} ${message}`)
        ? ` ${credentialHint}`
        : ''
    throw new ServiceError(`ECR ${operation} failed: ${name}: ${message}${hint}`)
  }
}

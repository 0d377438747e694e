import type { ECRClient } from '@aws-sdk/client-ecr'
import type { Command } from '../run/command.js'

/** One registry's credentials, decoded from GetAuthorizationToken. */
export interface EcrAuthorization {
  /** Registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  registry: string
  username: string
  password: string
  expiresAt?: Date
}

/** Decodes `authorizationToken` (base64 `user:password`) and strips the scheme from `proxyEndpoint`. */
export function decodeAuthorization(data: {
  authorizationToken?: string
  proxyEndpoint?: string
  expiresAt?: Date
}): EcrAuthorization {
  if (!data.authorizationToken || !data.proxyEndpoint) {
    throw new Error('GetAuthorizationToken returned no token or no proxy endpoint')
  }
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8')
  const at = decoded.indexOf(':')
  if (at <= 0) throw new Error('GetAuthorizationToken returned a token that is not user:password')
  return {
    registry: new URL(data.proxyEndpoint).host,
    username: decoded.slice(0, at),
    password: decoded.slice(at + 1),
    expiresAt: data.expiresAt
  }
}

/** Asks ECR for registry credentials with the default credential chain (OIDC role, env keys, profile). */
export async function ecrAuthorization(
  client: ECRClient,
  registryIds: string[]
): Promise<EcrAuthorization[]> {
  const { GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr')
  const response = await client.send(
    new GetAuthorizationTokenCommand(registryIds.length > 0 ? { registryIds } : {})
  )
  const data = response.authorizationData ?? []
  if (data.length === 0) throw new Error('GetAuthorizationToken returned no authorization data')
  return data.map(decodeAuthorization)
}

/** `docker login` per registry, password on stdin. */
export function planLogin(authorizations: EcrAuthorization[]): Command[] {
  return authorizations.map((authorization) => ({
    tool: 'docker',
    args: ['login', '--username', authorization.username, '--password-stdin', authorization.registry],
    stdin: { text: authorization.password, secret: true }
  }))
}

export function planLogout(registries: string[]): Command[] {
  return registries.map((registry) => ({ tool: 'docker', args: ['logout', registry] }))
}

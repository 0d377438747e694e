import type { Command } from '../run/command.js'
import type { EcrResponse } from '../run/ecr-request.js'

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
    ...(data.expiresAt ? { expiresAt: data.expiresAt } : {})
  }
}

export function authorizationsOf(response: EcrResponse<'GetAuthorizationToken'>): EcrAuthorization[] {
  const data = response.authorizationData ?? []
  if (data.length === 0) throw new Error('GetAuthorizationToken returned no authorization data')
  return data.map(decodeAuthorization)
}

/** `docker login` for one registry, the password on stdin. */
export function planLogin(authorization: EcrAuthorization): Command {
  return {
    tool: 'docker',
    args: ['login', '--username', authorization.username, '--password-stdin', authorization.registry],
    stdin: { text: authorization.password, secret: true }
  }
}

export function planLogout(registry: string): Command {
  return { tool: 'docker', args: ['logout', registry] }
}

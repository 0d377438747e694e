import { setSecret } from '../run/workflow-commands.js'
import { ConfigurationError, ServiceError } from '../errors.js'

/** The keyless certificate's identity: what `cosign verify --certificate-identity/--certificate-oidc-issuer` require. */
export interface KeylessIdentity {
  subject: string
  issuer: string
}

/**
 * How cosign signs. The secret (the OIDC token, or the private key and its password) lives only in `env`, which
 * goes to the cosign commands' environment: never an argument, a log line or an output.
 */
export type SigningCredentials =
  | { method: 'keyless'; env: Record<string, string>; identity: KeylessIdentity }
  | { method: 'key'; env: Record<string, string> }

export const githubIssuer = 'https://token.actions.githubusercontent.com'

/** What reads the job's OIDC token: @actions/core, or a stand-in in tests. */
export interface TokenSource {
  getIDToken(audience: string): Promise<string>
  setSecret(secret: string): void
}

/** The runner's token endpoint through @actions/core, loaded only when a keyless signature asks for a token. */
const runnerTokens: TokenSource = {
  getIDToken: async (audience) => (await import('@actions/core')).getIDToken(audience),
  setSecret
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
  } catch {
    return {}
  }
}

/**
 * The identity Fulcio writes into the certificate for a GitHub token: the workflow that runs the job
 * (`job_workflow_ref`, which is the reusable workflow when one is called), on the token's issuer.
 */
export function keylessIdentity(
  claims: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env
): KeylessIdentity {
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com'
  const workflow =
    typeof claims.job_workflow_ref === 'string' ? claims.job_workflow_ref : (env.GITHUB_WORKFLOW_REF ?? '')
  return {
    subject: `${serverUrl}/${workflow}`,
    issuer: typeof claims.iss === 'string' ? claims.iss : githubIssuer
  }
}

/**
 * Asks the runner for an OIDC token with audience `sigstore` (needs `permissions: id-token: write`), masks it,
 * and returns it as the environment of the cosign commands.
 */
export async function keylessCredentials(
  source: TokenSource = runnerTokens,
  env: NodeJS.ProcessEnv = process.env
): Promise<SigningCredentials> {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new ConfigurationError(
      "Keyless signing needs an OIDC token, and this job cannot mint one: add 'permissions: id-token: write' to the job, or sign with 'sign-key'."
    )
  }
  let token: string
  try {
    token = await source.getIDToken('sigstore')
  } catch (error) {
    throw new ServiceError(
      `Could not get an OIDC token for Sigstore from the runner: ${(error as Error).message}`
    )
  }
  source.setSecret(token)
  return {
    method: 'keyless',
    env: { SIGSTORE_ID_TOKEN: token },
    identity: keylessIdentity(claimsOf(token), env)
  }
}

/** The same commands in a dry run, without asking for a token: the identity comes from GITHUB_WORKFLOW_REF. */
export function plannedKeylessCredentials(env: NodeJS.ProcessEnv = process.env): SigningCredentials {
  return { method: 'keyless', env: { SIGSTORE_ID_TOKEN: '' }, identity: keylessIdentity({}, env) }
}

/**
 * Signing with `sign-key` (cosign's encrypted PEM) and `sign-key-password`: cosign reads the key from
 * `env://COSIGN_PRIVATE_KEY` and the password from COSIGN_PASSWORD. Both are masked, the key's lines one by one
 * too, so a line of it printed on its own is hidden as well.
 */
export function keyCredentials(
  privateKey: string,
  password: string,
  mask: (secret: string) => void = setSecret
): SigningCredentials {
  if (privateKey.trim()) mask(privateKey)
  for (const line of privateKey.split('\n').map((part) => part.trim())) {
    // The armor lines are public boilerplate; a very short last line would mask common text everywhere.
    if (line.length >= 8 && !line.includes('-----')) mask(line)
  }
  if (password) mask(password)
  return { method: 'key', env: { COSIGN_PRIVATE_KEY: privateKey, COSIGN_PASSWORD: password } }
}

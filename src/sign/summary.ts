import { formatCommand, type Command } from '../run/command.js'
import {
  planVerify,
  planVerifyAttestation,
  type AttestationType,
  type SignatureStorage,
  type Verifier
} from './cosign.js'
import type { KeylessIdentity } from './credentials.js'
import type { SigningSubject } from './subjects.js'

/** Who signed: the keyless certificate identity, or the public half of `sign-key` (PEM, not secret). */
export type Signer = { method: 'keyless'; identity: KeylessIdentity } | { method: 'key'; publicKey: string }

export interface SigningSummaryRequest {
  signer: Signer
  subjects: Array<{ subject: SigningSubject; attestations: AttestationType[] }>
  storage: SignatureStorage
  transparencyLog: boolean
  /** The file name a user saves the public key as, for `--key`. */
  publicKeyFile?: string
}

function verifierOf(request: SigningSummaryRequest): Verifier {
  return request.signer.method === 'keyless'
    ? { subject: request.signer.identity.subject, issuer: request.signer.identity.issuer }
    : { publicKeyFile: request.publicKeyFile ?? 'cosign.pub' }
}

/** The `cosign verify` and `cosign verify-attestation` commands for each signed digest, as a user pastes them. */
export function verifyCommands(request: SigningSummaryRequest): Command[] {
  const options = {
    verifier: verifierOf(request),
    storage: request.storage,
    transparencyLog: request.transparencyLog
  }
  return request.subjects.flatMap(({ subject, attestations }) => [
    planVerify(subject.reference, options),
    ...attestations.map((type) => planVerifyAttestation(subject.reference, type, options))
  ])
}

/** The job summary's signing section: what was signed, by which identity, and how to verify it. */
export function signingSummary(request: SigningSummaryRequest): string {
  const signer =
    request.signer.method === 'keyless'
      ? [
          `Signed keyless by \`${request.signer.identity.subject}\` (OIDC issuer \`${request.signer.identity.issuer}\`), certificate from Fulcio, recorded in the Rekor transparency log.`
        ]
      : [
          `Signed with \`sign-key\`${request.transparencyLog ? ', recorded in the Rekor transparency log' : ''}. Its public key (save it as \`${request.publicKeyFile ?? 'cosign.pub'}\`):`,
          '',
          '```',
          request.signer.publicKey.trim(),
          '```'
        ]
  const rows = request.subjects.map(
    ({ subject, attestations }) =>
      `| \`${subject.reference}\` | ${subject.platform ?? 'all (the digest the tags point at)'} | ${['signature', ...attestations].join(', ')} |`
  )
  return [
    '### Signature and attestations',
    '',
    ...signer,
    '',
    '| Digest | Platform | Signed |',
    '| --- | --- | --- |',
    ...rows,
    '',
    'Verify:',
    '',
    '```sh',
    ...verifyCommands(request).map((command) => formatCommand(command).replace(/^\$ /, '')),
    '```',
    ''
  ].join('\n')
}

import type { Command } from '../run/command.js'
import type { SigningCredentials } from './credentials.js'
import type { SigningSubject } from './subjects.js'

/** `cosign attest --type` values this action uses. */
export type AttestationType = 'vuln' | 'cyclonedx' | 'spdxjson' | 'slsaprovenance1' | 'slsaprovenance02'

/** The in-toto predicate type cosign writes for each `--type` (cosign's options/predicate.go). */
export const predicateTypes: Record<AttestationType, string> = {
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdxjson: 'https://spdx.dev/Document',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2'
}

/**
 * Where signatures and attestations go: `referrers` stores them as OCI 1.1 referrers of the digest (ECR has the
 * referrers API); `tags` uses cosign's tag scheme (`sha256-<digest>.sig`, `.att`) for registries without it.
 */
export type SignatureStorage = 'referrers' | 'tags'

const ecrHost = /^\d{12}\.dkr(-fips)?\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/

/** Referrers for ECR; for another registry, what a probe of its referrers API found (200 means supported). */
export function signatureStorage(registry: string, referrersApi?: boolean): SignatureStorage {
  if (ecrHost.test(registry)) return 'referrers'
  return referrersApi ? 'referrers' : 'tags'
}

export interface CosignOptions {
  /** The cosign binary: the verified install, or `cosign` from PATH with `skip-setup-cosign`. */
  cosign: string
  credentials: SigningCredentials
  storage: SignatureStorage
  /**
   * Upload to the Rekor transparency log. Keyless signing always does (its short-lived certificate is only
   * trustworthy with the log entry); with a key it defaults to true, as cosign does.
   */
  transparencyLog?: boolean
  /** Plain-HTTP or self-signed registries: tests against a local registry only. */
  allowInsecureRegistry?: boolean
}

export interface PlannedAttestation {
  type: AttestationType
  /** JSON file holding the predicate (not the whole statement: cosign wraps it). */
  predicateFile: string
}

function signingFlags(options: CosignOptions): string[] {
  const flags = ['--yes']
  if (options.credentials.method === 'key') {
    flags.push('--key', 'env://COSIGN_PRIVATE_KEY')
    if (options.transparencyLog === false) flags.push('--tlog-upload=false')
  }
  if (options.allowInsecureRegistry) flags.push('--allow-insecure-registry')
  return flags
}

/** `cosign sign` of one digest; the secret (OIDC token or private key and password) is in `env` only. */
export function planSign(subject: SigningSubject, options: CosignOptions): Command {
  const referrers = options.storage === 'referrers'
  return {
    tool: options.cosign,
    args: [
      'sign',
      ...signingFlags(options),
      ...(referrers ? ['--registry-referrers-mode=oci-1-1'] : []),
      subject.reference
    ],
    // cosign 2.x accepts the oci-1-1 mode only in experimental mode.
    env: { ...options.credentials.env, ...(referrers ? { COSIGN_EXPERIMENTAL: '1' } : {}) }
  }
}

/** `cosign attest --type <type> --predicate <file>` of one digest, signed the same way as the signature. */
export function planAttest(
  subject: SigningSubject,
  attestation: PlannedAttestation,
  options: CosignOptions
): Command {
  return {
    tool: options.cosign,
    args: [
      'attest',
      ...signingFlags(options),
      // cosign 2.x stores an attestation as an OCI 1.1 referrer only as a Sigstore bundle.
      ...(options.storage === 'referrers' ? ['--new-bundle-format'] : []),
      '--type',
      attestation.type,
      '--predicate',
      attestation.predicateFile,
      subject.reference
    ],
    env: { ...options.credentials.env }
  }
}

export interface SigningRequest extends CosignOptions {
  /** Index (or single manifest) first, then each platform's manifest; each with what is attested about it. */
  subjects: Array<{ subject: SigningSubject; attestations: PlannedAttestation[] }>
}

/** Every command that signs and attests, in order: each subject's signature, then its attestations. */
export function planSigning(request: SigningRequest): Command[] {
  return request.subjects.flatMap(({ subject, attestations }) => [
    planSign(subject, request),
    ...attestations.map((attestation) => planAttest(subject, attestation, request))
  ])
}

/** `cosign public-key` of the signing key: its stdout is the PEM public key a verifier needs. */
export function planPublicKey(options: Pick<CosignOptions, 'cosign' | 'credentials'>): Command {
  return {
    tool: options.cosign,
    args: ['public-key', '--key', 'env://COSIGN_PRIVATE_KEY'],
    env: { ...options.credentials.env }
  }
}

/** Who a verifier must require: the keyless certificate's identity and issuer, or a public key file. */
export type Verifier = { subject: string; issuer: string } | { publicKeyFile: string }

export interface VerifyOptions {
  /** Default `cosign`: the commands are also shown for users to paste. */
  cosign?: string
  verifier: Verifier
  storage: SignatureStorage
  /** False when the signature was made with `--tlog-upload=false`. */
  transparencyLog?: boolean
  /** A Sigstore trusted root file instead of the public-good one (air-gapped verification, tests). */
  trustedRoot?: string
  allowInsecureRegistry?: boolean
}

function verifyFlags(options: VerifyOptions): string[] {
  const flags =
    'publicKeyFile' in options.verifier
      ? ['--key', options.verifier.publicKeyFile]
      : [
          '--certificate-identity',
          options.verifier.subject,
          '--certificate-oidc-issuer',
          options.verifier.issuer
        ]
  if (options.transparencyLog === false) flags.push('--insecure-ignore-tlog=true')
  if (options.allowInsecureRegistry) flags.push('--allow-insecure-registry')
  return flags
}

/** `cosign verify` of a digest's signature, as a user would run it. */
export function planVerify(reference: string, options: VerifyOptions): Command {
  return {
    tool: options.cosign ?? 'cosign',
    args: [
      'verify',
      ...verifyFlags(options),
      ...(options.storage === 'referrers' ? ['--experimental-oci11'] : []),
      reference
    ]
  }
}

/** `cosign verify-attestation --type <type>` of a digest, as a user would run it. */
export function planVerifyAttestation(
  reference: string,
  type: AttestationType,
  options: VerifyOptions
): Command {
  const bundle = options.storage === 'referrers'
  return {
    tool: options.cosign ?? 'cosign',
    args: [
      'verify-attestation',
      ...verifyFlags(options),
      ...(bundle ? ['--new-bundle-format'] : []),
      ...(bundle && options.trustedRoot ? ['--trusted-root', options.trustedRoot] : []),
      '--type',
      type,
      reference
    ]
  }
}

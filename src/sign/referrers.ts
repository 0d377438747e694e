import { ConfigurationError } from '../errors.js'
import { predicateTypes, type AttestationType, type SigningRequest } from './cosign.js'
import type { AttestationKind } from '../config/sign.js'

/** ECR keeps at most this many referrers (signatures, attestations) per image. */
const ecrReferrerLimit = 100

/** How many referrers signing adds to each digest: its signature and one per attestation. */
export function plannedReferrers(
  request: Pick<SigningRequest, 'subjects'>
): Array<{ reference: string; digest: string; count: number }> {
  return request.subjects.map(({ subject, attestations }) => ({
    reference: subject.reference,
    digest: subject.digest,
    count: 1 + attestations.length
  }))
}

/**
 * Refuses, before anything is signed, to push a digest past the registry's referrer limit (`existing`: how many
 * referrers each digest has now, from the referrers API). Re-running a job on the same digest adds referrers again.
 */
export function checkReferrerBudget(
  planned: Array<{ reference: string; digest: string; count: number }>,
  existing: Record<string, number>,
  limit = ecrReferrerLimit
): void {
  for (const { reference, digest, count } of planned) {
    const now = existing[digest] ?? 0
    if (now + count > limit) {
      throw new ConfigurationError(
        `${reference} already has ${now} referrers (signatures and attestations); signing adds ${count}, over the registry's limit of ${limit} per image. It has been signed many times already: delete old signatures and attestations of this digest, or stop re-signing it.`
      )
    }
  }
}

/** One entry of a referrers listing (`GET /v2/<name>/referrers/<digest>`), with its manifest's annotations. */
export interface ReferrerEntry {
  digest: string
  artifactType?: string
  annotations?: Record<string, string>
}

const signatureArtifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const bundleArtifactType = /^application\/vnd\.dev\.sigstore\.bundle\.v0\.\d+\+json$/

const kindOfType: Record<AttestationType, AttestationKind> = {
  vuln: 'vuln',
  cyclonedx: 'sbom',
  spdxjson: 'sbom',
  slsaprovenance1: 'provenance',
  slsaprovenance02: 'provenance'
}

function newestFirst(a: ReferrerEntry, b: ReferrerEntry): number {
  const created = (entry: ReferrerEntry) => entry.annotations?.['org.opencontainers.image.created'] ?? ''
  return created(b).localeCompare(created(a))
}

/** The digest of the newest cosign signature among a digest's referrers: the `signature` output. */
export function signatureDigest(entries: ReferrerEntry[]): string | undefined {
  return [...entries].sort(newestFirst).find((entry) => entry.artifactType === signatureArtifactType)?.digest
}

/** The newest attestation of each kind among a digest's referrers: the `attestations` output (kind → digest). */
export function attestationDigests(entries: ReferrerEntry[]): Partial<Record<AttestationKind, string>> {
  const found: Partial<Record<AttestationKind, string>> = {}
  for (const entry of [...entries].sort(newestFirst)) {
    const predicateType = entry.annotations?.['dev.sigstore.bundle.predicateType']
    if (!predicateType || !bundleArtifactType.test(entry.artifactType ?? '')) continue
    const type = (Object.keys(predicateTypes) as AttestationType[]).find(
      (key) => predicateTypes[key] === predicateType
    )
    if (type && !found[kindOfType[type]]) found[kindOfType[type]] = entry.digest
  }
  return found
}

/** cosign's log line `Uploading signature for [<image>] to [<repo>@sha256:…]` (referrers mode) names the signature. */
export function signatureDigestFromLog(stderr: string): string | undefined {
  return /Uploading signature for \[[^\]]+\] to \[[^\]@]+@(sha256:[0-9a-f]{64})\]/.exec(stderr)?.[1]
}

/** cosign's tag scheme for a digest, used where a registry has no referrers API. */
export function signatureTags(digest: string): { signature: string; attestations: string } {
  const name = digest.replace(':', '-')
  return { signature: `${name}.sig`, attestations: `${name}.att` }
}

/**
 * A cosign failure the user can act on: a tag of cosign's tag scheme (or of the OCI referrers fallback) that
 * already exists in a repository with IMMUTABLE tags, because this digest was signed before.
 */
export function explainCosignFailure(
  stderr: string,
  context: { reference: string; repository: string }
): ConfigurationError | undefined {
  if (
    !/cannot be overwritten because the (repository|tag) is immutable|ImageTagAlreadyExistsException/i.test(
      stderr
    )
  ) {
    return undefined
  }
  const digest = context.reference.split('@')[1] ?? ''
  const tags = signatureTags(digest)
  return new ConfigurationError(
    `cosign could not store the signature or attestation of ${context.reference}: repository '${context.repository}' has IMMUTABLE tags, and the tag cosign stores it under (${tags.signature}, ${tags.attestations} or ${digest.replace(':', '-')}) already exists from an earlier signing of this digest. Verify the existing signature instead of signing again, make the repository's tags MUTABLE (or exclude 'sha256-*' tags from immutability where the registry allows it), or use a registry with the OCI 1.1 referrers API, where no tag is written.`
  )
}

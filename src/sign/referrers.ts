import { ConfigurationError } from '../errors.js'
import { predicateTypes, type AttestationType, type SigningRequest } from './cosign.js'
import type { AttestationKind } from '../config/sign.js'
import { byCodeUnit } from '../words.js'

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

/** The `attest` kind a `cosign attest --type` belongs to. */
export function attestationKind(type: AttestationType): AttestationKind {
  return kindOfType[type]
}

function newestFirst(a: ReferrerEntry, b: ReferrerEntry): number {
  const created = (entry: ReferrerEntry) => entry.annotations?.['org.opencontainers.image.created'] ?? ''
  return byCodeUnit(created(b), created(a))
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

const immutableAdvice =
  "Verify the existing signature instead of signing again, make the repository's tags MUTABLE (or exclude 'sha256-*' tags from immutability where the registry allows it), or use a registry with the OCI 1.1 referrers API, where no tag is written."

/** What cosign keeps under a tag of its scheme (or OCI's referrers fallback tag). */
function heldUnder(tag: string): string {
  if (tag.endsWith('.sig')) return 'signature'
  if (tag.endsWith('.att')) return 'attestations'
  return 'referrers index'
}

/**
 * Refuses, before anything is signed, what cosign's tag scheme cannot do in a repository with IMMUTABLE tags:
 * each signature rewrites `sha256-<digest>.sig` and each attestation `sha256-<digest>.att`, so a digest signed
 * before collides, and more than one attestation per digest collides with itself. `existing`: the tags there now.
 */
export function checkTagScheme(
  planned: Array<{ reference: string; digest: string; attestations: AttestationType[] }>,
  existing: string[],
  repository: string
): void {
  for (const { reference, digest, attestations } of planned) {
    const tags = signatureTags(digest)
    const taken = [tags.signature, ...(attestations.length > 0 ? [tags.attestations] : [])].find((tag) =>
      existing.includes(tag)
    )
    if (taken) {
      throw new ConfigurationError(
        `${reference} was signed before: its ${heldUnder(taken)} tag ${taken} already exists in repository '${repository}', whose tags are IMMUTABLE, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) would have to rewrite it. Nothing was signed. ${immutableAdvice}`
      )
    }
    if (attestations.length > 1) {
      throw new ConfigurationError(
        `Repository '${repository}' has IMMUTABLE tags, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) keeps every attestation of ${reference} under one tag, ${tags.attestations}, rewritten for each: 'attest' asks for ${attestations.length} (${attestations.join(', ')}) and only one fits. Nothing was signed. Attest one kind, make the repository's tags MUTABLE, or use a registry with the referrers API.`
      )
    }
  }
}

/**
 * A cosign failure the user can act on: a tag of cosign's tag scheme (or of the OCI referrers fallback) that
 * already exists in a repository with IMMUTABLE tags (ECR's TAG_INVALID, or PutImage's exception), named when
 * the registry's message names it. `reference` is the digest cosign was signing or attesting.
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
  const named = /The image tag '([^']+)' already exists/.exec(stderr)?.[1]
  const where = named
    ? `the ${heldUnder(named)} tag ${named}`
    : `a tag cosign stores them under (${tags.signature}, ${tags.attestations} or ${digest.replace(':', '-')})`
  return new ConfigurationError(
    `cosign could not store the signature or attestations of ${context.reference}: ${where} already exists in repository '${context.repository}', whose tags are IMMUTABLE, from an earlier signing of this digest. ${immutableAdvice}`
  )
}

import type { EcrConnection } from '../ecr/connect.js'
import type { ImageOutcome } from '../outcome.js'
import { readManifest } from '../release/manifests.js'
import type { SignRequest, SignResult } from './phase.js'
import type { AttestationType } from './cosign.js'
import {
  attestationDigests,
  attestationKind,
  signatureDigest,
  signatureDigestFromLog,
  signatureTags,
  type ReferrerEntry
} from './referrers.js'

/** Docker treats loopback registries as plain HTTP; cosign must be told so. ECR is always HTTPS. */
export function insecure(registry: string): boolean {
  return /^(?:127\.\d+\.\d+\.\d+|localhost)(?::\d+)?$/.test(registry)
}

const indexType = 'application/vnd.oci.image.index.v1+json'

/**
 * `GET /v2/<name>/referrers/<digest>` with the run's registry login: what is stored with a digest now, or
 * undefined when the registry has no referrers API (distribution 2.8 answers 404; an answer that is not an
 * image index is not the API either, as go-containerregistry, cosign's client, also decides).
 */
export async function listReferrers(
  registry: string,
  repository: string,
  digest: string,
  ecr?: EcrConnection
): Promise<ReferrerEntry[] | undefined> {
  const login = ecr?.authorizations.find((authorization) => authorization.registry === registry)
  const scheme = insecure(registry) ? 'http' : 'https'
  const response = await fetch(`${scheme}://${registry}/v2/${repository}/referrers/${digest}`, {
    headers: {
      accept: indexType,
      ...(login
        ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` }
        : {})
    },
    signal: AbortSignal.timeout(15_000)
  })
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim()
  if (response.status !== 200 || type !== indexType) {
    await response.body?.cancel()
    return undefined
  }
  return ((await response.json()) as { manifests?: ReferrerEntry[] }).manifests ?? []
}

/** What signing one image left to read back for the outputs. */
interface SignedImage {
  ref: { repository: string; registryId?: string }
  /** The digest the tags point at. */
  digest: string
  storage: 'referrers' | 'tags'
  /** cosign's log of the whole signing (referrers mode names the signature there). */
  stderr: string
  /** What was attested about `digest` (not its platforms). */
  attested: AttestationType[]
}

/** The `signature` and `attestations` outputs: from the referrers API, or from cosign's tags. */
export async function storedSignature(
  request: SignRequest,
  outcome: ImageOutcome,
  signed: SignedImage
): Promise<Omit<SignResult, 'summary'>> {
  const { ref, digest } = signed
  const registry = outcome.plan.image.split('/')[0]
  if (signed.storage === 'referrers') {
    const entries = (await listReferrers(registry, ref.repository, digest, request.ecr)) ?? []
    const signature = signatureDigestFromLog(signed.stderr) ?? signatureDigest(entries)
    return { ...(signature ? { signature } : {}), attestations: attestationDigests(entries) }
  }
  const tags = signatureTags(digest)
  const tagged = async (tag: string) =>
    (await readManifest(request.probe, ref, { imageTag: tag }).catch(() => undefined))?.digest
  const [signature, attestations] = await Promise.all([tagged(tags.signature), tagged(tags.attestations)])
  // The one .att manifest holds every attestation of the digest: each kind attested names it.
  return {
    ...(signature ? { signature } : {}),
    attestations: attestations
      ? Object.fromEntries(signed.attested.map((type) => [attestationKind(type), attestations]))
      : {}
  }
}

import type { EcrConnection } from '../ecr/connect.js'
import type { ImageOutcome } from '../outcome.js'
import { planGetImage, storedManifest } from '../release/manifests.js'
import type { SignRequest, SignResult } from './phase.js'
import {
  attestationDigests,
  signatureDigest,
  signatureDigestFromLog,
  signatureTags,
  type ReferrerEntry
} from './referrers.js'

/** Docker treats loopback registries as plain HTTP; cosign must be told so. ECR is always HTTPS. */
export function insecure(registry: string): boolean {
  return /^(?:127\.\d+\.\d+\.\d+|localhost)(?::\d+)?$/.test(registry)
}

/** `GET /v2/<name>/referrers/<digest>` with the run's registry login: what is stored with a digest now. */
export async function referrersOf(
  registry: string,
  repository: string,
  digest: string,
  ecr?: EcrConnection
): Promise<ReferrerEntry[]> {
  const login = ecr?.authorizations.find((authorization) => authorization.registry === registry)
  const scheme = insecure(registry) ? 'http' : 'https'
  const response = await fetch(`${scheme}://${registry}/v2/${repository}/referrers/${digest}`, {
    headers: {
      accept: 'application/vnd.oci.image.index.v1+json',
      ...(login
        ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` }
        : {})
    },
    signal: AbortSignal.timeout(15_000)
  })
  if (!response.ok) return []
  return ((await response.json()) as { manifests?: ReferrerEntry[] }).manifests ?? []
}

/** The `signature` and `attestations` outputs: from the referrers API, or from cosign's tags. */
export async function storedSignature(
  request: SignRequest,
  outcome: ImageOutcome,
  storage: 'referrers' | 'tags',
  stderr: string,
  digest: string
): Promise<Omit<SignResult, 'summary'>> {
  const registry = outcome.plan.image.split('/')[0]
  const repository = outcome.plan.spec.repository
  if (storage === 'referrers') {
    const entries = await referrersOf(registry, repository, digest, request.ecr)
    const signature = signatureDigestFromLog(stderr) ?? signatureDigest(entries)
    return { ...(signature ? { signature } : {}), attestations: attestationDigests(entries) }
  }
  const tags = signatureTags(digest)
  const tagged = async (tag: string) =>
    storedManifest(
      await request.probe
        .ecr(planGetImage({ repository }, { imageTag: tag }))
        .catch(() => ({ $metadata: {} }))
    )?.digest
  const [signature, attestations] = await Promise.all([tagged(tags.signature), tagged(tags.attestations)])
  return {
    ...(signature ? { signature } : {}),
    attestations: attestations
      ? Object.fromEntries(request.config.sign.attest.map((kind) => [kind, attestations]))
      : {}
  }
}

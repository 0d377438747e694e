import { plural } from '../words.js'
import type { Delivery } from '../build/output.js'
import { ServiceError } from '../errors.js'
import type { Runner } from '../run/command.js'
import { childDigests, type ImageRef, readManifest } from './manifests.js'
import { planRemoveStaging } from './release.js'

export interface BlockedRequest extends ImageRef {
  delivery: Delivery
  /** The digest pushed without a tag (registry staging). */
  digest: string
  staging?: string
  keepBlocked: boolean
}

/** What happened to a blocked image, in one sentence for the summary and the log. */
export interface BlockedCleanup {
  removed: string[]
  note: string
}

function registryId(ref: ImageRef) {
  return ref.registryId ? { registryId: ref.registryId } : {}
}

/** Deletes untagged digests; ECR refuses one that a tagged index still names, which is then kept. */
async function deleteDigests(runner: Runner, ref: ImageRef, digests: string[]) {
  if (digests.length === 0) return { removed: [], referenced: 0 }
  const response = await runner.ecr({
    operation: 'BatchDeleteImage',
    input: {
      ...registryId(ref),
      repositoryName: ref.repository,
      imageIds: digests.map((imageDigest) => ({ imageDigest }))
    }
  })
  return {
    removed: response.imageIds?.flatMap((id) => (id.imageDigest ? [id.imageDigest] : [])) ?? [],
    /** How many ECR kept because a tagged index names them. */
    referenced:
      response.failures?.filter((failure) => failure.failureCode === 'ImageReferencedByManifestList')
        .length ?? 0
  }
}

/**
 * Takes a blocked image out of reach: the daemon's staging name goes; a digest pushed for the scan is
 * deleted from ECR unless `keep-blocked`, or unless it already carries a tag (an identical earlier build).
 */
export async function cleanUpBlocked(
  runner: Runner,
  probe: Runner,
  request: BlockedRequest
): Promise<BlockedCleanup> {
  if (request.delivery === 'daemon-staging' && request.staging) {
    await runner.run(planRemoveStaging(request.staging), { allowFailure: true })
    return {
      removed: [request.staging],
      note: `The blocked image was removed from the Docker daemon (${request.staging}).`
    }
  }
  if (request.delivery !== 'registry-staging') return { removed: [], note: '' }
  const where = `${request.repository}@${request.digest}`
  if (request.keepBlocked) {
    return {
      removed: [],
      note: `The blocked image stays in ECR untagged for inspection ('keep-blocked: true'): anyone with pull access who knows ${where} can pull it.`
    }
  }
  const described = await probe.ecr({
    operation: 'DescribeImages',
    input: {
      ...registryId(request),
      repositoryName: request.repository,
      imageIds: [{ imageDigest: request.digest }]
    }
  })
  const tags = described.imageDetails?.[0]?.imageTags ?? []
  if (tags.length > 0) {
    return {
      removed: [],
      note: `The blocked digest ${request.digest} is kept: it already carries the tags ${tags.join(', ')} from an identical earlier build.`
    }
  }
  const stored = await readManifest(probe, request, { imageDigest: request.digest })
  try {
    const index = await deleteDigests(runner, request, [request.digest])
    const children = await deleteDigests(runner, request, stored ? childDigests(stored.manifest) : [])
    const removed = [...index.removed, ...children.removed]
    const kept =
      children.referenced > 0
        ? ` ${children.referenced} of its platform images stay: a tagged image index also names them.`
        : ''
    return {
      removed,
      note: `The blocked image was deleted from ECR (${plural(removed.length, 'manifest')} of ${where}), so it cannot be pulled by digest.${kept}`
    }
  } catch (error) {
    const reason = error instanceof ServiceError ? error.message : String(error)
    return {
      removed: [],
      note: `Could not delete the blocked image ${where} (${reason}): it stays pullable by digest until an ECR lifecycle rule expires it.`
    }
  }
}

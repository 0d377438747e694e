import type { Runner } from '../run/command.js'
import { type ImageRef, readManifest, type StoredManifest, tagOf } from './manifests.js'
import type { ReleaseRequest, ReleaseResult } from './release.js'

/** Where a final tag points before this run moves anything; undefined when it does not exist. */
export interface TagState {
  /** The full reference, `image:tag`. */
  tag: string
  stored?: StoredManifest
}

/** What the release does with each tag, decided before any of them moves. */
export interface TagPlan {
  /** Tags to put on the image (new ones, and in a mutable repository ones that point elsewhere). */
  write: string[]
  /** Tags already on the image the tags go onto: left alone. */
  alreadyThere: string[]
  /** Tags an IMMUTABLE repository holds on another image: none of the tags may move. */
  conflicts: Array<{ tag: string; digest: string }>
  /** A stored image that is the scanned one (a re-run): the tags go onto it rather than onto a new push. */
  existing?: StoredManifest
}

/**
 * Decides, from where each tag points now, which tags to write. An image some tag already holds that `isScanned`
 * recognises (the same digest, or the same platform images with other attestations) is where every tag goes, so
 * all tags keep naming one digest; `built`, when known, is preferred. In an IMMUTABLE repository any tag on
 * another digest is a conflict, and nothing moves.
 */
export function planTags(
  current: TagState[],
  isScanned: (stored: StoredManifest) => boolean,
  options: { immutable: boolean; built?: string }
): TagPlan {
  const held = current.flatMap((state) => (state.stored && isScanned(state.stored) ? [state.stored] : []))
  const existing = held.find((stored) => stored.digest === options.built) ?? held[0]
  const target = existing?.digest ?? options.built
  const plan: TagPlan = { write: [], alreadyThere: [], conflicts: [], ...(existing ? { existing } : {}) }
  for (const { tag, stored } of current) {
    if (!stored) plan.write.push(tag)
    else if (stored.digest === target) plan.alreadyThere.push(tag)
    else if (options.immutable) plan.conflicts.push({ tag, digest: stored.digest })
    else plan.write.push(tag)
  }
  return plan
}

/** Reads each final tag at once (BatchGetImage by tag); a tag that does not exist has no `stored`. */
export async function readTags(probe: Runner, ref: ImageRef, tags: string[]): Promise<TagState[]> {
  return Promise.all(
    tags.map(async (tag) => {
      const stored = await readManifest(probe, ref, { imageTag: tagOf(tag) })
      return stored ? { tag, stored } : { tag }
    })
  )
}

/** The release refused before any tag moved: an IMMUTABLE repository holds some of the tags on another image. */
export function refused(request: ReleaseRequest, plan: TagPlan, digest: string): ReleaseResult {
  const byDigest = new Map<string, string[]>()
  for (const conflict of plan.conflicts)
    byDigest.set(conflict.digest, [...(byDigest.get(conflict.digest) ?? []), tagOf(conflict.tag)])
  const taken = [...byDigest.entries()]
    .map(([on, names]) => `${listed(names)} ${names.length === 1 ? 'is' : 'are'} on ${on}`)
    .join('; ')
  return {
    written: [],
    failed: request.tags.map((tag) => {
      const conflict = plan.conflicts.find((entry) => entry.tag === tag)
      return {
        tag,
        error: conflict
          ? `already on ${conflict.digest} in an IMMUTABLE repository`
          : 'not written: another tag of this image is taken in an IMMUTABLE repository'
      }
    }),
    problem: `No tag was moved: in the IMMUTABLE repository ${request.repository}, ${taken}, and this run's image is ${digest}. Tags there cannot move to another image: give this build tags of its own (e.g. type=sha), or rebuild exactly what made that image (see docs/reproducible-builds.md).`
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: string[]): string {
  return names.length > 1 ? [names.slice(0, -1).join(', '), ...names.slice(-1)].join(' and ') : names.join()
}

import type { BuildResult } from '../build/build.js'
import type { Delivery } from '../build/output.js'
import { ServiceError } from '../errors.js'
import type { Command, Runner } from '../run/command.js'
import type { EcrRequest } from '../run/ecr-request.js'
import type { Log } from '../run/log.js'
import type { HeldImage } from '../scan/phase.js'
import { withRetries } from '../run/retry.js'
import {
  configDigest,
  type ImageRef,
  indexPlatforms,
  planPutTag,
  readManifest,
  type StoredManifest,
  tagOf
} from './manifests.js'
import { planTags, readTags, refused, type TagPlan } from './tag-plan.js'

/** What the gate released for one image: its final references and how to reach them. */
export interface ReleaseRequest extends ImageRef {
  delivery: Delivery
  /** `registry/repository`. */
  image: string
  /** Final references, `image:tag`, highest priority first. */
  tags: string[]
  built: BuildResult
  /** What the daemon holds (daemon staging): the id the tags go onto, and the digest it was scanned as. */
  held?: HeldImage
  /** The daemon staging name to drop once the final tags exist (only daemon staging has one to drop). */
  staging?: string
  /** True when the step pushes; false keeps the tags in the daemon. */
  push: boolean
  /** `load` with a push by digest: pull what was tagged. */
  load: boolean
  /** The repository refuses to move a tag (IMMUTABLE): an existing tag on another image stops the release. */
  immutable: boolean
}

export interface TagFailure {
  tag: string
  error: string
}

/** Exactly what happened to the tags, also when only some were written. */
export interface ReleaseResult {
  /** The digest the written tags point at. */
  digest?: string
  /** Every tag that now points at `digest`, including those that already did. */
  written: string[]
  /** The tags that already pointed at this image before the run (a re-run), left as they were. */
  alreadyThere?: string[]
  failed: TagFailure[]
  /** Set when `load` could not pull the pushed tags: the push itself went through. */
  loadError?: string
  /** Something worse than a failed tag: what was written is not what was scanned. */
  problem?: string
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** `docker push` ends with `<tag>: digest: sha256:… size: N`. */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1]
}

async function getManifest(runner: Runner, ref: ImageRef, digest: string): Promise<StoredManifest> {
  const stored = await readManifest(runner, ref, { imageDigest: digest })
  if (!stored) throw new ServiceError(`ECR has no image ${digest} in ${ref.repository}.`)
  return { ...stored, digest }
}

/** Each tag onto the stored manifest, concurrently; an existing identical tag counts as written. */
async function putTags(runner: Runner, ref: ImageRef, stored: StoredManifest, tags: string[]) {
  const results = await Promise.all(
    tags.map(async (tag) => {
      try {
        await runner.ecr(planPutTag(ref, stored, tagOf(tag)))
        return { tag }
      } catch (error) {
        // The tag already names this very manifest.
        if (error instanceof ServiceError && error.code === 'ImageAlreadyExistsException') return { tag }
        return { tag, error: message(error) }
      }
    })
  )
  return {
    written: results.filter((result) => result.error === undefined).map((result) => result.tag),
    failed: results.flatMap((result) =>
      result.error !== undefined ? [{ tag: result.tag, error: result.error }] : []
    )
  }
}

export function planDockerTag(source: string, target: string): Command {
  return { tool: 'docker', args: ['tag', source, target] }
}

export function planPull(tag: string): Command {
  return { tool: 'docker', args: ['pull', '--quiet', tag] }
}

export function planRemoveStaging(staging: string): Command {
  return { tool: 'docker', args: ['image', 'rm', staging] }
}

/** A pushed-by-digest image: every tag onto the scanned manifest (or the identical one a tag already holds), then `load` pulls them. */
async function releaseDigest(
  runner: Runner,
  probe: Runner,
  log: Log,
  request: ReleaseRequest
): Promise<ReleaseResult> {
  const built = request.built.digest
  let pushed: StoredManifest
  let plan = unread(request.tags)
  try {
    pushed = runner.dryRun ? { digest: built, manifest: '' } : await getManifest(runner, request, built)
    if (!runner.dryRun) {
      const platforms = indexPlatforms(pushed.manifest)
      const scanned = {
        id: built,
        ...(platforms
          ? { scanned: Object.fromEntries(platforms.map((entry) => [entry.platform, entry.digest])) }
          : {})
      }
      plan = planTags(
        await readTags(probe, request, request.tags),
        (stored) => isScannedImage(stored, scanned),
        {
          immutable: request.immutable,
          built
        }
      )
    }
  } catch (error) {
    return { written: [], failed: request.tags.map((tag) => ({ tag, error: message(error) })) }
  }
  if (plan.conflicts.length > 0) return refused(request, plan, built)
  const target = plan.existing ?? pushed
  const { written: put, failed } = await putTags(runner, request, target, plan.write)
  const written = request.tags.filter((tag) => put.includes(tag) || plan.alreadyThere.includes(tag))
  const result: ReleaseResult = {
    ...(written.length > 0 ? { digest: target.digest } : {}),
    written,
    ...(plan.alreadyThere.length > 0 ? { alreadyThere: plan.alreadyThere } : {}),
    failed
  }
  if (!request.load) return result
  try {
    for (const tag of written)
      await withRetries(log, `docker pull ${tag}`, () => runner.run(planPull(tag), { stream: true }))
    return result
  } catch (error) {
    return { ...result, loadError: message(error) }
  }
}

/** The plan when the tags are not read first (a dry run, no push): write them all. */
function unread(tags: string[]): TagPlan {
  return { write: tags, alreadyThere: [], conflicts: [] }
}

/**
 * Whether what a push stored is what was scanned: from a layout, exactly the scanned platform manifests
 * (attestations aside); from the classic store, the image whose config is the scanned image's id.
 */
export function isScannedImage(
  stored: StoredManifest,
  held: { id: string; scanned?: Record<string, string> }
): boolean {
  if (!held.scanned) return stored.digest === held.id || configDigest(stored.manifest) === held.id
  const scanned = Object.entries(held.scanned)
  const platforms = indexPlatforms(stored.manifest)
  if (!platforms) return scanned.length === 1 && scanned[0][1] === stored.digest
  return (
    platforms.length === scanned.length &&
    platforms.every((entry) =>
      scanned.some(([platform, digest]) => platform === entry.platform && digest === entry.digest)
    )
  )
}

/** Takes back a tag that names something other than the scanned image. */
function planDeleteTag(ref: ImageRef, tag: string): EcrRequest<'BatchDeleteImage'> {
  return {
    operation: 'BatchDeleteImage',
    input: {
      ...(ref.registryId ? { registryId: ref.registryId } : {}),
      repositoryName: ref.repository,
      imageIds: [{ imageTag: tag }]
    }
  }
}

/**
 * An image held in the daemon: the final names go onto the scanned image id (not a name that could have
 * moved), the first tag is pushed and what it stored is checked against the scan (and taken back if it is
 * not the scanned image), the others are put on its digest. When a tag already holds the scanned image (a
 * re-run), nothing is pushed: the other tags go onto that digest.
 */
async function releaseDaemon(
  runner: Runner,
  probe: Runner,
  log: Log,
  request: ReleaseRequest
): Promise<ReleaseResult> {
  const held = request.held ?? { id: request.built.imageId }
  let plan = unread(request.tags)
  if (request.push && !runner.dryRun) {
    try {
      plan = planTags(
        await readTags(probe, request, request.tags),
        (stored) => isScannedImage(stored, held),
        {
          immutable: request.immutable
        }
      )
    } catch (error) {
      return { written: [], failed: request.tags.map((tag) => ({ tag, error: message(error) })) }
    }
    if (plan.conflicts.length > 0) return refused(request, plan, request.built.digest || held.id)
  }
  await Promise.all(request.tags.map((tag) => runner.run(planDockerTag(held.id, tag))))
  if (request.staging) await runner.run(planRemoveStaging(request.staging))
  // Without a push the final names exist only in this daemon; there is no registry digest to report.
  if (!request.push) return { written: request.tags, failed: [] }
  if (plan.existing) {
    const { written: put, failed } = await putTags(runner, request, plan.existing, plan.write)
    const written = request.tags.filter((tag) => put.includes(tag) || plan.alreadyThere.includes(tag))
    return { digest: plan.existing.digest, written, alreadyThere: plan.alreadyThere, failed }
  }
  const [first, ...rest] = plan.write
  let stored: StoredManifest
  try {
    const pushed = await withRetries(log, `docker push ${first}`, () =>
      runner.run({ tool: 'docker', args: ['push', first] }, { stream: true })
    )
    const digest = runner.dryRun ? '<digest>' : pushedDigest(pushed.stdout)
    if (!digest) throw new ServiceError(`docker push ${first} reported no digest.`)
    stored = runner.dryRun ? { digest, manifest: '' } : await getManifest(runner, request, digest)
  } catch (error) {
    return { written: [], failed: request.tags.map((tag) => ({ tag, error: message(error) })) }
  }
  if (!runner.dryRun && !isScannedImage(stored, held)) {
    const notWritten = rest.map((tag) => ({
      tag,
      error: 'not written: the pushed image is not the scanned one'
    }))
    try {
      await runner.ecr(planDeleteTag(request, tagOf(first)))
      return {
        written: [],
        failed: [{ tag: first, error: 'pushed, then deleted again' }, ...notWritten],
        problem: `docker push ${first} stored ${stored.digest}, which is not the image that was scanned; the tag was deleted again and no other tag was written.`
      }
    } catch (error) {
      return {
        digest: stored.digest,
        written: [first],
        failed: notWritten,
        problem: `docker push ${first} stored ${stored.digest}, which is not the image that was scanned, and deleting that tag failed (${message(error)}): delete it by hand.`
      }
    }
  }
  const { written, failed } = await putTags(runner, request, stored, rest)
  return { digest: stored.digest, written: [first, ...written], failed }
}

/**
 * Gives the image that passed the gate its final tags; says exactly which were written. Reads where each tag
 * points first (through `probe`): tags already on the image stay, and an IMMUTABLE repository holding a tag on
 * another image stops the release before any tag moves.
 */
export async function releaseImage(
  runner: Runner,
  probe: Runner,
  log: Log,
  request: ReleaseRequest
): Promise<ReleaseResult> {
  switch (request.delivery) {
    case 'tags':
      return { digest: request.built.digest, written: request.tags, failed: [] }
    case 'registry-staging':
      return releaseDigest(runner, probe, log, request)
    case 'daemon-staging':
      return releaseDaemon(runner, probe, log, request)
    case 'local':
      return { written: request.tags, failed: [] }
    case 'cache-only':
      return { written: [], failed: [] }
  }
}

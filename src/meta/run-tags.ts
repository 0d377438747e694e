import { ConfigurationError } from '../errors.js'
import type { TagConfig } from '../config/config.js'
import type { CreatedFrom } from '../config/build.js'
import type { Pair } from '../config/values.js'
import { defaultBranch, type RunContext } from '../github/context.js'
import type { RepositoryMetadata } from '../github/repository.js'
import { pullRequestOf } from '../report/comment.js'
import { collidingBranches } from './branch-tags.js'
import { sanitizeTag } from './docker-tag.js'
import { baseBranchTag, computeMeta, stableTags, type Meta } from './meta.js'

/** Tags and labels for the run, plus the tags earlier runs left: the pull request's base and the inline cache sources. */
export type RunMeta = Meta & { baseTag?: string; previousTags: string[] }

export interface RunMetaRequest {
  tags: TagConfig
  labels: Pair[]
  context: RunContext
  now: Date
  metadata?: RepositoryMetadata
  /** The named commit's time from git, for `{{commit_date}}` where the payload has none. */
  commitDate?: Date
  /** Whether a rule set that names no tag is an error (it is when anything is scanned or pushed). */
  needsTag: boolean
  /** `commit`: the created time is the named commit's (default: the build time). */
  created?: CreatedFrom
  /** Other branches whose names could give this branch's tag (`fetchBranchesLike`). */
  otherBranches?: string[]
}

/** The tag rules applied to this run; an empty result is refused before anything is built or pushed. */
export function runMeta(request: RunMetaRequest): RunMeta {
  const { context, now, metadata } = request
  const input = {
    rules: request.tags.rules,
    flavor: request.tags.flavor,
    userLabels: request.labels,
    shaSource: request.tags.shaSource,
    ...(metadata ? { repositoryMetadata: metadata } : {}),
    ...(request.commitDate ? { commitDate: request.commitDate } : {})
  }
  const meta = computeMeta(
    { ...input, ...(request.created ? { created: request.created } : {}) },
    context,
    now
  )
  if (meta.tags.length === 0 && request.needsTag) {
    throw new ConfigurationError(
      `Input 'tags' produced no tag for this ${context.eventName || 'run'} event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults.`
    )
  }
  const defaultName = defaultBranch(context) ?? metadata?.defaultBranch
  const previousTags = [
    stableTags(input, context, now)[0],
    defaultName ? baseBranchTag(input, context, defaultName, now) : undefined
  ].filter((tag): tag is string => Boolean(tag))
  const baseRef = pullRequestOf(context)?.baseRef
  const baseTag = baseRef ? baseBranchTag(input, context, baseRef, now) : undefined
  const branch = context.ref.replace(/^refs\/heads\//, '')
  const collisions = request.otherBranches?.length
    ? collidingBranches(branch, request.otherBranches, (name) => {
        const named = sanitizeTag(name).toLowerCase()
        return stableTags(input, { ...context, ref: `refs/heads/${name}` }, now).filter((tag) =>
          tag.toLowerCase().includes(named)
        )
      })
    : []
  const warnings = collisions.map(
    ({ tag, branches }) =>
      `Branch '${branch}' gets the tag '${tag}', and so ${branches.length === 1 ? 'does' : 'do'} ${branches.map((name) => `'${name}'`).join(', ')}: a push to either overwrites the other's image. Rename one, or tell them apart with a tag of your own rules.`
  )
  return {
    ...meta,
    warnings: [...meta.warnings, ...warnings],
    previousTags: [...new Set(previousTags)],
    ...(baseTag ? { baseTag } : {})
  }
}

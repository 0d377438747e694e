import { ConfigurationError } from '../errors.js'
import type { TagConfig } from '../config/config.js'
import type { CreatedFrom } from '../config/build.js'
import type { Pair } from '../config/values.js'
import { defaultBranch, type RunContext } from '../github/context.js'
import type { RepositoryMetadata } from '../github/repository.js'
import { pullRequestOf } from '../report/comment.js'
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
  return { ...meta, previousTags: [...new Set(previousTags)], ...(baseTag ? { baseTag } : {}) }
}

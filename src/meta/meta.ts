import type { RunContext } from '../github/context.js'
import { sanitizeTag } from './docker-tag.js'
import type { Flavor } from './flavor.js'
import { computeLabels } from './labels.js'
import type { Pair } from '../config/values.js'
import type { CreatedFrom } from '../config/build.js'
import type { RepositoryMetadata } from '../github/repository.js'
import { runFacts, type ShaSource } from './run-facts.js'
import type { TagRule } from './tag-rules.js'
import { computeTags } from './tags.js'

export { readCommitDate } from './commit-date.js'
export { loadDates } from './dates.js'
export { parseFlavor, type Flavor } from './flavor.js'
export type { ShaSource } from './run-facts.js'
export { parseTagRules, type TagRule } from './tag-rules.js'

export interface MetaInput {
  /** Parsed `tags`; empty means our default tags. */
  rules: TagRule[]
  flavor: Flavor
  /** The `labels` input; they override generated labels by key, an empty value removes one. */
  userLabels: Pair[]
  shaSource: ShaSource
  repositoryMetadata?: RepositoryMetadata
  /**
   * When the named commit was committed, from the workspace's git (`readCommitDate`), for events whose payload
   * does not say; `{{commit_date}}` falls back to the build time without it, as in docker/metadata-action.
   */
  commitDate?: Date
  /** Levels for `--annotation`, as buildx spells them; default `manifest`. */
  annotationLevels?: string[]
  /** `commit`: the created label is the commit's time when known (reproducible rebuilds); default the build time. */
  created?: CreatedFrom
}

export interface Meta {
  /** The tag of the highest-priority rule that produced one; '' when none did. */
  version: string
  /** Tag names only, highest priority first, `latest` last. */
  tags: string[]
  labels: Record<string, string>
  /** `level:key=value` entries as `docker buildx build --annotation` takes them. */
  annotations: string[]
  /** For a warning: rules that applied but gave no tag (a tag that is not semver), a `{{commit_date}}` on the build time. */
  warnings: string[]
  json: { tags: string[]; labels: Record<string, string>; annotations: string[]; version: string }
  /** The commit's time in seconds (the created label's time), for BuildKit's SOURCE_DATE_EPOCH; absent when the image says it was created at build time. */
  sourceDateEpoch?: number
}

/** Tags, labels and annotations for this run: pure, from the parsed inputs, the run context and the time. */
export function computeMeta(input: MetaInput, context: RunContext, now: Date): Meta {
  const facts = runFacts(context, input.shaSource, input.repositoryMetadata, input.commitDate)
  const { tags, warnings } = computeTags(input.rules, input.flavor, facts, now)
  const version = tags[0] ?? ''
  const committed = input.created === 'commit' ? facts.commitDate : undefined
  const labels = computeLabels(input, context, facts.sha, version, committed ?? now)
  const annotations = (input.annotationLevels ?? ['manifest']).flatMap((level) =>
    Object.entries(labels).map(([key, value]) => `${level}:${key}=${value}`)
  )
  return {
    version,
    tags,
    labels,
    annotations,
    warnings,
    json: { tags, labels, annotations, version },
    ...(committed ? { sourceDateEpoch: Math.floor(committed.getTime() / 1000) } : {})
  }
}

/** The tags a run gets whatever its commit: the ones an earlier run of the same ref left in the registry. */
export function stableTags(input: MetaInput, context: RunContext, now: Date): string[] {
  const pullRequest = context.payload.pull_request
  const tagsAt = (sha: string, commitDate: Date) => {
    // The head commit names pull request images too (sha-source: head), so it changes with GITHUB_SHA.
    const payload = pullRequest
      ? { ...context.payload, pull_request: { ...pullRequest, head: { ...pullRequest.head, sha } } }
      : context.payload
    return computeMeta({ ...input, commitDate }, { ...context, sha, payload }, now).tags
  }
  const other = tagsAt('f'.repeat(40), new Date(0))
  return tagsAt('0'.repeat(40), new Date(now.getTime() + 86_400_000)).filter((tag) => other.includes(tag))
}

/**
 * The tag the step's own rules give a push to `branch` (e.g. a pull request's base): of the tags that don't
 * depend on the commit, the one naming the branch, else the first; undefined when the rules give none.
 */
export function baseBranchTag(
  input: MetaInput,
  context: RunContext,
  branch: string,
  now: Date
): string | undefined {
  const payload = { ...context.payload, pull_request: undefined }
  const stable = stableTags(
    input,
    { ...context, eventName: 'push', ref: `refs/heads/${branch}`, payload },
    now
  )
  const name = sanitizeTag(branch).toLowerCase()
  return stable.find((tag) => tag.toLowerCase().includes(name)) ?? stable[0]
}

/** `image:tag` for each tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.2.3`. */
export function fullReferences(image: string, tags: string[]): string[] {
  return tags.map((tag) => `${image}:${tag}`)
}

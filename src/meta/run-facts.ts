import type { RunContext } from '../github/context.js'
import type { RepositoryMetadata } from '../github/repository.js'

/** Which commit a pull request build names: GITHUB_SHA (the test merge commit) or the PR head. */
export type ShaSource = 'merge' | 'head'

/** The facts about this run that tag rules read, whatever event started it. */
export interface RunFacts {
  eventName: string
  /** '' unless a branch is being built (never for pull requests or merge queues). */
  branch: string
  tag: string
  pullRequest: string
  baseRef: string
  /** The full commit id the image is named after. */
  sha: string
  /** undefined when neither the payload nor the GitHub API said. */
  defaultBranch?: string
  isDefaultBranch: boolean
  /** When `sha` was committed; undefined when neither the payload nor the workspace's git knew. */
  commitDate?: Date
}

const pullRequestEvents = ['pull_request', 'pull_request_target']
const nonBranchEvents = [...pullRequestEvents, 'merge_group', 'release']

function stripHeads(ref: unknown): string {
  return typeof ref === 'string' ? ref.replace(/^refs\/heads\//, '') : ''
}

/** The commit the image is named after: GITHUB_SHA, or a pull request's head with `sha-source: head`. */
export function namedCommit(context: RunContext, shaSource: ShaSource): string {
  const headSha = context.payload.pull_request?.head?.sha
  const useHead = pullRequestEvents.includes(context.eventName) && shaSource === 'head'
  return useHead && typeof headSha === 'string' ? headSha : context.sha
}

function timestampOf(commit: unknown, sha: string): Date | undefined {
  const { id, timestamp } = (commit ?? {}) as { id?: unknown; timestamp?: unknown }
  if (id !== sha || typeof timestamp !== 'string') return undefined
  const date = new Date(timestamp)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** The commit time a push (or merge queue) payload carries for `sha`, as metadata-action reads it. */
export function commitDateInPayload(payload: RunContext['payload'], sha: string): Date | undefined {
  const commits: unknown[] = Array.isArray(payload.commits) ? payload.commits : []
  const candidates = [...commits, payload.head_commit, payload.merge_group?.head_commit]
  return candidates.map((commit) => timestampOf(commit, sha)).find((date) => date !== undefined)
}

export function runFacts(
  context: RunContext,
  shaSource: ShaSource,
  metadata: RepositoryMetadata | undefined,
  commitDateFromGit: Date | undefined
): RunFacts {
  const { eventName, ref, payload } = context
  const isPullRequest = pullRequestEvents.includes(eventName)
  // pull_request_target runs on the base branch's ref, a merge queue on a throw-away branch: neither names the image.
  const branch = !nonBranchEvents.includes(eventName) && ref.startsWith('refs/heads/') ? stripHeads(ref) : ''
  const tag = ref.startsWith('refs/tags/')
    ? ref.slice('refs/tags/'.length)
    : eventName === 'release'
      ? String(payload.release?.tag_name ?? '')
      : ''
  const pullRequest = isPullRequest
    ? String(/^refs\/pull\/(\d+)\//.exec(ref)?.[1] ?? payload.pull_request?.number ?? payload.number ?? '')
    : ''
  const baseRef = isPullRequest
    ? stripHeads(payload.pull_request?.base?.ref)
    : eventName === 'merge_group'
      ? stripHeads(payload.merge_group?.base_ref)
      : tag !== ''
        ? stripHeads(payload.base_ref)
        : ''
  const sha = namedCommit(context, shaSource)
  const defaultBranch: string | undefined = payload.repository?.default_branch ?? metadata?.defaultBranch
  // A schedule always runs on the default branch's last commit (docker/metadata-action reads it the same way).
  const isDefaultBranch = branch !== '' && (branch === defaultBranch || eventName === 'schedule')
  const commitDate = commitDateInPayload(payload, sha) ?? commitDateFromGit
  return { eventName, branch, tag, pullRequest, baseRef, sha, defaultBranch, isDefaultBranch, commitDate }
}

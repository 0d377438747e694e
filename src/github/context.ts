import { readFileSync, existsSync } from 'node:fs'

/** The workflow run as the runner describes it (env + event payload): read once, passed everywhere as data. */
export interface RunContext {
  eventName: string
  /** GITHUB_SHA: on pull requests, the merge commit. */
  sha: string
  ref: string
  /** owner/name */
  repository: string
  serverUrl: string
  apiUrl: string
  runId: string
  runAttempt: string
  workspace: string
  /** Parsed GITHUB_EVENT_PATH, or {} when there is none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: Record<string, any>
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const eventPath = env.GITHUB_EVENT_PATH
  const payload = eventPath && existsSync(eventPath) ? JSON.parse(readFileSync(eventPath, 'utf8')) : {}
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    payload
  }
}

/** The repository's web URL, for the `org.opencontainers.image.source` label. */
export function repositoryUrl(context: RunContext): string {
  return context.payload.repository?.html_url ?? `${context.serverUrl}/${context.repository}`
}

/** The default branch from the event payload, when the event carries one. */
export function defaultBranch(context: RunContext): string | undefined {
  return context.payload.repository?.default_branch
}

/** The branch being built: the pushed branch, or a pull request's head branch; undefined for tags. */
export function currentBranch(context: RunContext): string | undefined {
  const head = context.payload.pull_request?.head?.ref
  if (typeof head === 'string' && head) return head
  return context.ref.startsWith('refs/heads/') ? context.ref.slice('refs/heads/'.length) : undefined
}

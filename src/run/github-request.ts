/** One GitHub REST call as data: an Octokit route and its parameters. */
export interface GitHubRequest {
  /** e.g. `POST /repos/{owner}/{repo}/code-scanning/sarifs` */
  route: string
  parameters: Record<string, unknown>
  /** Shown in a dry run and in logs instead of the parameters (bodies can be large). */
  summary?: string
}

export interface GitHubResponse<T> {
  status: number
  data: T
  headers?: Record<string, string | number | undefined>
}

/** `GitHub POST /repos/o/r/...` for logs and dry-run, with the route's placeholders filled in. */
export function formatGitHubRequest(request: GitHubRequest): string {
  const route = request.route.replace(/\{(\w+)\}/g, (all, name: string) =>
    request.parameters[name] === undefined ? all : String(request.parameters[name])
  )
  return `GitHub ${route}${request.summary ? ` (${request.summary})` : ''}`
}

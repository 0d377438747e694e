import type { Log } from '../run/log.js'
import type { Runner } from '../run/command.js'
import type { RunContext } from './context.js'

/** What GET /repos/{owner}/{repo} says about the repository, for the OCI labels. */
export interface RepositoryMetadata {
  name: string
  description: string
  htmlUrl: string
  defaultBranch: string
  /** SPDX id, e.g. `MIT`; '' when GitHub detected none. */
  license: string
}

interface RepositoryResponse {
  name: string
  description: string | null
  html_url: string
  default_branch: string
  license: { spdx_id?: string | null } | null
}

/** GET /repos/{owner}/{repo}; undefined with a warning on any failure, never throws: labels fall back to the payload. */
export async function fetchRepositoryMetadata(
  probe: Runner,
  log: Log,
  token: string,
  context: RunContext
): Promise<RepositoryMetadata | undefined> {
  const [owner, repo] = context.repository.split('/')
  if (!token || !owner || !repo) return undefined
  try {
    const { data } = await probe.github<RepositoryResponse>({
      route: 'GET /repos/{owner}/{repo}',
      parameters: { owner, repo }
    })
    return {
      name: data.name,
      description: data.description ?? '',
      htmlUrl: data.html_url,
      defaultBranch: data.default_branch,
      license: data.license?.spdx_id ?? ''
    }
  } catch (error) {
    log.warning(
      `Could not read ${owner}/${repo} from the GitHub API (${(error as Error).message}); the image labels use the event payload instead.`
    )
    return undefined
  }
}

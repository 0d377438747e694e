import * as core from '@actions/core'
import type { RunContext } from '../github/context.js'

/** What GET /repos/{owner}/{repo} says about the repository, for the OCI labels. */
export interface RepositoryMetadata {
  name: string
  description: string
  htmlUrl: string
  defaultBranch: string
  /** SPDX id, e.g. `MIT`; '' when GitHub detected none. */
  license: string
}

/** GET /repos/{owner}/{repo} through GITHUB_API_URL; undefined with a warning on any failure, never throws. */
export async function fetchRepositoryMetadata(
  token: string,
  context: RunContext
): Promise<RepositoryMetadata | undefined> {
  const [owner, repo] = context.repository.split('/')
  if (!token || !owner || !repo) return undefined
  try {
    const { getOctokit } = await import('@actions/github')
    const octokit = getOctokit(token, { baseUrl: context.apiUrl })
    const { data } = await octokit.rest.repos.get({
      owner,
      repo,
      request: { signal: AbortSignal.timeout(15_000) }
    })
    return {
      name: data.name,
      description: data.description ?? '',
      htmlUrl: data.html_url,
      defaultBranch: data.default_branch,
      license: data.license?.spdx_id ?? ''
    }
  } catch (error) {
    core.warning(
      `Could not read ${owner}/${repo} from the GitHub API (${error instanceof Error ? error.message : String(error)}); the image labels use the event payload instead.`
    )
    return undefined
  }
}

import { ServiceError } from '../errors.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { RunContext } from './context.js'
import { isRateLimited } from './errors.js'

export interface StickyComment {
  issueNumber: number
  /** The hidden first line that finds this comment again. */
  marker: string
  body: string
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  id?: number
  url?: string
}

interface IssueComment {
  id: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/** GITHUB_TOKEN acts as this user; `GET /user` refuses installation tokens, so that is how it is known. */
export const actionsBot = 'github-actions[bot]'

/** Who the token writes comments as: the user of a personal token, else the Actions bot. */
export async function commentAuthor(probe: Runner): Promise<string> {
  try {
    const { data } = await probe.github<{ login: string }>({ route: 'GET /user', parameters: {} })
    return data.login || actionsBot
  } catch {
    return actionsBot
  }
}

function why(error: ServiceError): string {
  if (isRateLimited(error))
    return `GitHub kept answering with a rate limit (HTTP ${error.status}) after the retries`
  if (error.status === 403 || error.status === 404) {
    return `the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report`
  }
  return `GitHub answered: ${error.message}`
}

/**
 * Updates this target's comment in place, or posts it once. Only a comment that starts with the marker
 * and was written by this token's author counts: one someone else wrote with the marker is left alone.
 * Never throws: a report never fails the build.
 */
export async function upsertStickyComment(
  runner: Runner,
  probe: Runner,
  log: Log,
  context: RunContext,
  author: string,
  comment: StickyComment
): Promise<StickyCommentResult> {
  const [owner, repo] = context.repository.split('/')
  const issue = { owner, repo, issue_number: comment.issueNumber }
  try {
    const comments: IssueComment[] = []
    for (let page = 1; page <= 10; page++) {
      const { data } = await probe.github<IssueComment[]>({
        route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        parameters: { ...issue, per_page: 100, page }
      })
      comments.push(...data)
      if (data.length < 100) break
    }
    const existing = comments.find(
      (item) => item.user?.login === author && item.body?.startsWith(comment.marker)
    )
    if (existing?.body === comment.body)
      return { action: 'unchanged', id: existing.id, url: existing.html_url }
    const { data } = existing
      ? await runner.github<IssueComment>({
          route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
          parameters: { owner, repo, comment_id: existing.id, body: comment.body },
          summary: `update the report comment on #${comment.issueNumber}`
        })
      : await runner.github<IssueComment>({
          route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          parameters: { ...issue, body: comment.body },
          summary: `post the report comment on #${comment.issueNumber}`
        })
    return { action: existing ? 'updated' : 'created', id: data.id, url: data.html_url }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error
    log.warning(`Skipped the pull request comment on #${comment.issueNumber}: ${why(error)}.`)
    return { action: 'skipped' }
  }
}

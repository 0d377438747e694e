import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { RunContext } from './context.js'

/**
 * The repository's branches that could get the same tag as `branch`: those sharing its name up to the first
 * character a tag cannot hold as it is (`feat/a` and `feat-a` both start `feat`). One `matching-refs` call, and
 * none for a name made only of tag characters, which no other branch can collide with. Never throws: a run
 * that cannot ask just does not warn.
 */
export async function fetchBranchesLike(
  probe: Runner,
  log: Log,
  context: RunContext,
  branch: string
): Promise<string[]> {
  const stem = /^[A-Za-z0-9_.]*/.exec(branch)?.[0] ?? ''
  const [owner, repo] = context.repository.split('/')
  if (stem === '' || stem === branch || !owner || !repo) return []
  try {
    const { data } = await probe.github<Array<{ ref: string }>>({
      route: 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
      parameters: { owner, repo, ref: `heads/${stem}` }
    })
    return Array.isArray(data)
      ? data.map((item) => item.ref.replace(/^refs\/heads\//, '')).filter((name) => name !== branch)
      : []
  } catch (error) {
    log.debug(`Could not list the branches like ${branch}: ${(error as Error).message}`)
    return []
  }
}

import type { CreatedFrom } from '../config/build.js'
import type { RunContext } from '../github/context.js'
import type { Command, Runner } from '../run/command.js'
import type { Flavor } from './flavor.js'
import { commitDateInPayload, namedCommit, type ShaSource } from './run-facts.js'
import { ruleTemplates, type TagRule } from './tag-rules.js'
import { mentions } from './tag-template.js'

/** True when a rule or the flavor renders `{{commit_date}}`: only then is git asked. */
function needsCommitDate(rules: TagRule[], flavor: Flavor): boolean {
  const templates = [flavor.prefix, flavor.suffix, ...rules.flatMap(ruleTemplates)]
  return templates.some((template) => mentions(template, 'commit_date'))
}

/** The committer date of `sha`, strict ISO 8601, as metadata-action's git context reads it. */
function planCommitDateRead(workspace: string, sha: string): Command {
  return { tool: 'git', args: ['-C', workspace, 'log', '-1', '--format=%cI', sha] }
}

/**
 * The commit time `{{commit_date}}` or `created: commit` needs when the event payload does not carry it
 * (schedule, pull request, workflow_dispatch, release): read from the workspace's git, only when one of them
 * asks. undefined when git cannot tell (no checkout, shallow clone without the commit); never throws.
 */
export async function readCommitDate(
  runner: Runner,
  context: RunContext,
  input: { rules: TagRule[]; flavor: Flavor; shaSource: ShaSource; created?: CreatedFrom }
): Promise<Date | undefined> {
  const sha = namedCommit(context, input.shaSource)
  // Only a commit id reaches git's argv: GITHUB_SHA and the payload are not ours to trust as options.
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) return undefined
  const wanted = input.created === 'commit' || needsCommitDate(input.rules, input.flavor)
  if (!wanted || commitDateInPayload(context.payload, sha)) return undefined
  try {
    const result = await runner.run(planCommitDateRead(context.workspace, sha), { allowFailure: true })
    const date = new Date(result.stdout.trim())
    return result.exitCode === 0 && !Number.isNaN(date.getTime()) ? date : undefined
  } catch {
    return undefined
  }
}

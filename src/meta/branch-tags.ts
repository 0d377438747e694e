import { sanitizeTag } from './docker-tag.js'

/** Put before a branch tag that would look like a tag of another meaning. */
export const branchPrefix = 'branch-'

/** Tag shapes with a meaning of their own, and what they name; a branch of that name must not overwrite one. */
const reservedShapes: Array<{ pattern: RegExp; meaning: string }> = [
  { pattern: /^latest$/, meaning: "the default branch's newest image" },
  { pattern: /^edge$/, meaning: "the default branch's image (type=edge)" },
  { pattern: /^nightly$/, meaning: 'the scheduled build (type=schedule)' },
  { pattern: /^pr-\d+$/, meaning: "a pull request's image" },
  { pattern: /^(?:sha-)?[0-9a-f]{7,40}$/, meaning: "a commit's image (type=sha)" },
  // `1`, `v2`, `1.2`, `1.2.3`, `v1.2.3-rc.1`, `1.2.3rc1`; not `2024-cleanup` (no dot, words after the number).
  {
    pattern: /^v?\d+(?:(?:\.\d+)+(?:[-+._]?[0-9a-z][0-9a-z.+_-]*)?)?$/,
    meaning: 'a release (type=semver or pep440)'
  },
  { pattern: /^buildcache(?:-|$)/, meaning: 'the registry build cache' }
]

/** What a tag of this shape means, when a branch must not take it; undefined for an ordinary name. */
export function reservedMeaning(tag: string): string | undefined {
  const lower = tag.toLowerCase()
  return reservedShapes.find(({ pattern }) => pattern.test(lower))?.meaning
}

/**
 * The tag value a branch gets: sanitized, and with `branch-` in front when it would look like a tag of
 * another meaning (`latest`, `pr-7`, `1.2.3`, `buildcache-production`), so that whoever can push a branch
 * cannot overwrite the tags deployments pull. `warning` says what happened.
 */
export function branchTagValue(value: string): { value: string; warning?: string } {
  const meaning = reservedMeaning(sanitizeTag(value))
  if (!meaning) return { value }
  const tagged = `${branchPrefix}${value}`
  return {
    value: tagged,
    warning: `Branch '${value}' would be tagged '${sanitizeTag(value)}', the name of ${meaning}: it is tagged '${sanitizeTag(tagged)}' instead, so that a branch never overwrites that tag. Rename the branch, or give branch tags a prefix of their own ('type=ref,event=branch,prefix=br-').`
  }
}

/**
 * Other branches whose pushes get the same tag as this one (`feat/a` and `feat-a` both give `feat-a`): each
 * overwrites the other's image. `tagOf` gives the tags a push of a branch would get.
 */
export function collidingBranches(
  branch: string,
  others: string[],
  tagOf: (branch: string) => string[]
): { tag: string; branches: string[] }[] {
  const own = new Set(tagOf(branch))
  const byTag = new Map<string, string[]>()
  for (const other of others) {
    if (other === branch) continue
    for (const tag of tagOf(other).filter((candidate) => own.has(candidate)))
      byTag.set(tag, [...(byTag.get(tag) ?? []), other])
  }
  return [...byTag].map(([tag, branches]) => ({ tag, branches }))
}

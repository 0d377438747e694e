import type { Dockerfile } from 'dockerfile-ast'
import type { DockerfileFinding } from './finding.js'
import { lineOf } from './model.js'
import { canonicalRule, ruleAliases, ruleInfo } from './rules.js'

/** A `# check-ignore=RULE[,RULE]` comment: 1-based line, the names as written, and the instruction it is above. */
interface IgnoreComment {
  line: number
  names: string[]
  /** 1-based line of the instruction directly below the comment block; absent when there is none. */
  instructionLine?: number
}

const pragma = /^check-ignore\s*=\s*(.*)$/i

function ignoreComments(dockerfile: Dockerfile): IgnoreComment[] {
  // Comments at the very top parse as parser directives (`# check-ignore=x` looks like one): read both.
  const comments = new Map([
    ...dockerfile
      .getDirectives()
      .map((directive) => [lineOf(directive), `${directive.getName()}=${directive.getValue()}`] as const),
    ...dockerfile.getComments().map((comment) => [lineOf(comment), comment.getContent().trim()] as const)
  ])
  const instructionLines = new Set(dockerfile.getInstructions().map(lineOf))
  return [...comments].flatMap(([line, content]) => {
    const match = pragma.exec(content)
    if (!match) return []
    const names = match[1]
      .split(/[\s,]+/)
      .map((name) => name.trim())
      .filter((name) => name !== '')
    // The comment may sit in a block of comments right above the instruction (no blank line between).
    let below = line + 1
    while (comments.has(below)) below++
    return [{ line, names, ...(instructionLines.has(below) ? { instructionLine: below } : {}) }]
  })
}

/** Findings for `# check-ignore=` comments that silence nothing: unknown names, or no instruction below. */
export function invalidIgnoreComments(dockerfile: Dockerfile, file: string): DockerfileFinding[] {
  const info = ruleInfo('check-ignore-invalid')
  if (!info) return []
  return ignoreComments(dockerfile).flatMap((comment) => {
    const unknown = comment.names.filter((name) => canonicalRule(name) === undefined)
    const problems = [
      ...(unknown.length > 0
        ? [`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a rule id`]
        : []),
      ...(comment.instructionLine === undefined ? ['no instruction follows directly below it'] : []),
      ...(comment.names.length === 0 ? ['it names no rule'] : [])
    ]
    if (problems.length === 0) return []
    return [
      {
        rule: info.id,
        severity: info.severity,
        file,
        line: comment.line,
        message: `# check-ignore silences nothing: ${problems.join('; ')}.`,
        fix: info.fix
      }
    ]
  })
}

/**
 * Drops findings ignored by the `dockerfile-checks-ignore` list or by a `# check-ignore=` comment above their
 * instruction. Ignoring a rule also ignores its Docker build check equivalent, and the other way round.
 */
export function suppressFindings(
  findings: DockerfileFinding[],
  options: { dockerfile: Dockerfile; ignore?: string[] }
): DockerfileFinding[] {
  const everywhere = new Set(
    (options.ignore ?? []).flatMap((name) => ruleAliases(canonicalRule(name) ?? name))
  )
  const byLine = new Map<number, Set<string>>()
  for (const comment of ignoreComments(options.dockerfile)) {
    if (comment.instructionLine === undefined) continue
    const names = byLine.get(comment.instructionLine) ?? new Set<string>()
    for (const name of comment.names)
      for (const alias of ruleAliases(canonicalRule(name) ?? name)) names.add(alias)
    byLine.set(comment.instructionLine, names)
  }
  return findings.filter(
    (finding) => !everywhere.has(finding.rule) && !byLine.get(finding.line)?.has(finding.rule)
  )
}

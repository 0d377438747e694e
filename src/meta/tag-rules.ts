import { checkLiteralTag, fieldsOf, meaningfulLines, RuleLine, splitField, tagText } from './rule-fields.js'
import {
  describeExpressions,
  globalExpressions,
  isLiteral,
  renderTemplate,
  scheduleExpressions,
  versionPlaceholders,
  type Template
} from './tag-template.js'
import { isTagText } from './docker-tag.js'
import { matchValue, pep440Value, semverValue, type VersionResult } from './versions.js'

type TagRuleType = 'schedule' | 'semver' | 'pep440' | 'match' | 'edge' | 'ref' | 'raw' | 'sha'

/** `enable=`: fixed, or decided per run by `{{is_default_branch}}`. */
type Enable = boolean | 'default-branch'

interface RuleCommon {
  /** The rule as the user wrote it, for messages. */
  text: string
  enable: Enable
  priority: number
  /** undefined: the flavor's prefix applies; [] (written `prefix=`): no prefix at all. */
  prefix?: Template
  suffix?: Template
}

/** One line of the `tags` input, docker/metadata-action's grammar, checked and with defaults filled in. */
export type TagRule =
  | (RuleCommon & { type: 'schedule'; pattern: Template })
  | (RuleCommon & { type: 'semver'; pattern: Template; value?: Template; match?: RegExp })
  | (RuleCommon & { type: 'pep440'; pattern: Template; value?: Template })
  | (RuleCommon & { type: 'match'; pattern: RegExp; group: number; value?: Template })
  /** `branch` undefined: the repository's default branch. */
  | (RuleCommon & { type: 'edge'; branch?: string })
  | (RuleCommon & { type: 'ref'; event: 'branch' | 'tag' | 'pr' })
  | (RuleCommon & { type: 'raw'; value: Template })
  | (RuleCommon & { type: 'sha'; format: 'short' | 'long' })

/** The templates a rule renders with the run's facts (a semver pattern has version placeholders only). */
export function ruleTemplates(rule: TagRule): Template[] {
  const own = rule.type === 'schedule' ? [rule.pattern] : 'value' in rule ? [rule.value] : []
  return [rule.prefix, rule.suffix, ...own].filter((template): template is Template => template !== undefined)
}

/** docker/metadata-action's priorities: the highest-priority rule that yields a value gives `version`. */
const defaultPriorities: Record<TagRuleType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
}

const commonKeys = ['enable', 'priority', 'prefix', 'suffix']
const keysOf: Record<TagRuleType, string[]> = {
  schedule: ['pattern', ...commonKeys],
  semver: ['pattern', 'value', 'match', ...commonKeys],
  pep440: ['pattern', 'value', ...commonKeys],
  match: ['pattern', 'group', 'value', ...commonKeys],
  edge: ['branch', ...commonKeys],
  ref: ['event', ...commonKeys],
  raw: ['value', ...commonKeys],
  sha: ['format', ...commonKeys]
}

function parseEnable(line: RuleLine): Enable {
  const value = line.attributes.get('enable') ?? 'true'
  if (/^true$/i.test(value)) return true
  if (/^false$/i.test(value)) return false
  if (/^\{\{\s*is_default_branch\s*\}\}$/.test(value)) return 'default-branch'
  return line.fail(
    `enable=${value} is neither true nor false`,
    'enable=true, enable=false, enable={{is_default_branch}}'
  )
}

function parsePriority(line: RuleLine, type: TagRuleType): number {
  const value = line.attributes.get('priority')
  if (value === undefined) return defaultPriorities[type]
  if (!/^\d{1,9}$/.test(value)) {
    line.fail(`priority=${value} is not a whole number from 0 up`, 'priority=<0 or more>, e.g. priority=1000')
  }
  return Number(value)
}

function versionPattern(line: RuleLine): Template {
  const accepted = `pattern= built from ${describeExpressions(versionPlaceholders)} and letters, digits, _ . -`
  const text = line.attributes.get('pattern') ?? ''
  if (text === '') line.fail('pattern= is missing', accepted)
  const pattern = line.template('pattern', versionPlaceholders) ?? []
  if (isLiteral(pattern)) line.fail(`pattern=${text} has no placeholder`, accepted)
  if (pattern.some((part) => part.kind === 'text' && !isTagText(part.text))) {
    line.fail(`pattern=${text} contains characters a Docker tag cannot hold`, accepted)
  }
  return pattern
}

/** `value=` of the version rules; empty means the git tag, as in metadata-action. */
function versionSource(line: RuleLine): Template | undefined {
  const value = line.template('value', globalExpressions)
  return value === undefined || value.length === 0 ? undefined : value
}

/** A literal `value=` is checked now: a value that can never give a tag is a mistake in the workflow. */
function checkLiteralVersion(
  line: RuleLine,
  value: Template | undefined,
  accepted: string,
  read: (source: string) => VersionResult
): void {
  if (value === undefined || !isLiteral(value)) return
  const outcome = read(renderTemplate(value, () => ''))
  if ('reason' in outcome) {
    line.fail(
      `value=${line.attributes.get('value')}: ${outcome.reason}`,
      `${accepted}, or an expression such as {{tag}}`
    )
  }
}

/** `pattern=`/`match=` as metadata-action reads them: a regular expression, or `/expression/flags`. */
function regularExpression(line: RuleLine, key: string, accepted: string): RegExp | undefined {
  const value = line.attributes.get(key)
  if (value === undefined || value === '') return undefined
  const literal = /^\/(.+)\/(.*)$/.exec(value)
  const [source, flags] = literal ? [literal[1], literal[2]] : [value, '']
  if (!/^[imsu]*$/.test(flags)) {
    line.fail(
      `${key}=${value} has the flags '${flags}': one match is read, so only i, m, s and u apply`,
      accepted
    )
  }
  try {
    return new RegExp(source, flags)
  } catch {
    return line.fail(`${key}=${value} is not a regular expression`, accepted)
  }
}

function matchGroup(line: RuleLine, pattern: RegExp): number {
  const text = line.attributes.get('group') ?? '0'
  // Matching the empty alternative always succeeds and reports every capturing group, taking part or not.
  const groups = (new RegExp(`${pattern.source}|`, pattern.flags).exec('') ?? []).length - 1
  const accepted =
    groups === 0 ? 'group=0 (the whole match)' : `group=0 (the whole match) up to group=${groups}`
  if (!/^\d{1,3}$/.test(text)) line.fail(`group=${text} is not a whole number`, accepted)
  const group = Number(text)
  if (group > groups) {
    const has = groups === 0 ? 'no capturing group' : `${groups} capturing group${groups === 1 ? '' : 's'}`
    line.fail(`group=${group} but the pattern has ${has}`, accepted)
  }
  return group
}

function parseTyped(line: RuleLine, type: TagRuleType, common: RuleCommon): TagRule {
  const wrapped = (value: Template) => [...(common.prefix ?? []), ...value, ...(common.suffix ?? [])]
  switch (type) {
    case 'schedule': {
      const pattern = line.tagTemplate('pattern', scheduleExpressions) ?? [{ kind: 'text', text: 'nightly' }]
      if (pattern.length === 0) {
        line.fail(
          'pattern= is empty',
          `pattern=nightly (the default), or ${tagText} ${describeExpressions(scheduleExpressions)}`
        )
      }
      checkLiteralTag(line.text, wrapped(pattern))
      return { type, pattern, ...common }
    }
    case 'semver': {
      const accepted = 'match=<JavaScript regular expression>, group 1 is the version, e.g. match=v(\\d.*)'
      const rule = {
        type,
        pattern: versionPattern(line),
        value: versionSource(line),
        match: regularExpression(line, 'match', accepted),
        ...common
      }
      checkLiteralVersion(line, rule.value, 'value=<a semantic version, e.g. v1.2.3>', (source) =>
        semverValue(rule, source)
      )
      return rule
    }
    case 'pep440': {
      const rule = { type, pattern: versionPattern(line), value: versionSource(line), ...common }
      checkLiteralVersion(line, rule.value, 'value=<a PEP 440 version, e.g. 1.2.3rc1>', (source) =>
        pep440Value(rule, source)
      )
      return rule
    }
    case 'match': {
      const accepted =
        'pattern=<JavaScript regular expression> or pattern=/<expression>/<flags>, e.g. pattern=v(\\d+\\.\\d+\\.\\d+)'
      const pattern =
        regularExpression(line, 'pattern', accepted) ?? line.fail('pattern= is missing', accepted)
      const rule = { type, pattern, group: matchGroup(line, pattern), value: versionSource(line), ...common }
      checkLiteralVersion(line, rule.value, 'value=<text the pattern matches>', (source) =>
        matchValue(rule, source)
      )
      return rule
    }
    case 'edge':
      return { type, branch: line.attributes.get('branch') || undefined, ...common }
    case 'ref': {
      const event = line.choice('event', undefined, ['branch', 'tag', 'pr'] as const)
      const prefix = common.prefix ?? (event === 'pr' ? [{ kind: 'text' as const, text: 'pr-' }] : undefined)
      return { type, event, ...common, prefix }
    }
    case 'raw': {
      const value = line.tagTemplate('value', globalExpressions) ?? []
      if (value.length === 0) {
        line.fail(
          'value= is missing',
          `type=raw,value=<tag> with ${tagText} ${describeExpressions(globalExpressions)}`
        )
      }
      checkLiteralTag(line.text, wrapped(value))
      return { type, value, ...common }
    }
    case 'sha':
      return {
        type,
        format: line.choice('format', 'short', ['short', 'long'] as const),
        ...common,
        prefix: common.prefix ?? [{ kind: 'text', text: 'sha-' }]
      }
  }
}

function parseRule(text: string): TagRule {
  const attributes = new Map<string, string>()
  let typeText: string | undefined
  for (const field of fieldsOf('tags', text)) {
    const [key, value] = splitField(field)
    if (key === 'type') typeText = value
    else attributes.set(key ?? 'value', value)
  }
  const line = new RuleLine(text, attributes)
  const type = (typeText ?? 'raw').toLowerCase() as TagRuleType
  if (!(type in keysOf)) {
    const types = Object.keys(keysOf).map((name) => `type=${name}`)
    line.fail(`unknown type '${typeText}'`, types.join(', '))
  }
  const unknown = [...attributes.keys()].find((key) => !keysOf[type].includes(key))
  if (unknown !== undefined) {
    line.fail(`unknown key '${unknown}' for type=${type}`, keysOf[type].map((key) => `${key}=`).join(', '))
  }
  return parseTyped(line, type, {
    text,
    enable: parseEnable(line),
    priority: parsePriority(line, type),
    prefix: line.tagTemplate('prefix', globalExpressions),
    suffix: line.tagTemplate('suffix', globalExpressions)
  })
}

/**
 * Parses the `tags` input, one rule per line (blank and `#` lines skipped; a field in double quotes may hold
 * commas); throws ConfigurationError naming the rule and what is accepted.
 */
export function parseTagRules(lines: string[]): TagRule[] {
  return meaningfulLines(lines).map(parseRule)
}

import { parse } from 'csv-parse/sync'
import { ConfigurationError } from '../errors.js'
import { dockerTagPattern, isTagText } from './docker-tag.js'
import {
  describeExpressions,
  globalExpressions,
  parseTemplate,
  semverPlaceholders,
  TemplateError,
  type TemplatePart
} from './tag-template.js'

export type TagRuleType = 'sha' | 'ref' | 'semver' | 'raw'

interface RuleCommon {
  /** The rule as the user wrote it, for messages. */
  text: string
  /** `true`, `false` or `{{is_default_branch}}`. */
  enable: string
  priority: number
  /** undefined: the flavor's prefix applies; '' (written `prefix=`): no prefix at all. */
  prefix?: string
  suffix?: string
}

/** One line of the `tags` input, docker/metadata-action's grammar, checked and with defaults filled in. */
export type TagRule =
  | (RuleCommon & { type: 'sha'; format: 'short' | 'long' })
  | (RuleCommon & { type: 'ref'; event: 'branch' | 'tag' | 'pr' })
  | (RuleCommon & { type: 'semver'; pattern: string; value: string; match: string })
  | (RuleCommon & { type: 'raw'; value: string })

/** The `flavor` input: how `latest` is decided and what every tag is wrapped in. */
export interface Flavor {
  latest: 'auto' | 'true' | 'false'
  prefix: string
  prefixOnLatest: boolean
  suffix: string
  suffixOnLatest: boolean
}

/** docker/metadata-action's priorities: the highest-priority rule that yields a value gives `version`. */
export const defaultPriorities: Record<TagRuleType, number> = { semver: 900, ref: 600, raw: 200, sha: 100 }

const commonKeys = ['enable', 'priority', 'prefix', 'suffix']
const keysOf: Record<TagRuleType, string[]> = {
  sha: ['format', ...commonKeys],
  ref: ['event', ...commonKeys],
  semver: ['pattern', 'value', 'match', ...commonKeys],
  raw: ['value', ...commonKeys]
}
const unsupportedTypes = ['schedule', 'edge', 'match', 'pep440']
const tagText = 'letters, digits, _ . - and the expressions'

function fieldsOf(line: string): string[] {
  const records: string[][] = parse(line, {
    relaxQuotes: true,
    relaxColumnCount: true,
    skipEmptyLines: true,
    trim: true
  })
  return (records[0] ?? []).filter((field) => field !== '')
}

function splitField(field: string): [string | undefined, string] {
  const at = field.indexOf('=')
  return at < 0 ? [undefined, field] : [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()]
}

function problem(input: 'tags' | 'flavor', text: string, what: string, accepted: string): ConfigurationError {
  return new ConfigurationError(
    `Input '${input}' has the ${input === 'tags' ? 'rule' : 'entry'} '${text}': ${what}. Accepted: ${accepted}.`
  )
}

function template(
  input: 'tags' | 'flavor',
  text: string,
  key: string,
  value: string,
  allowed: readonly string[]
): TemplatePart[] {
  try {
    return parseTemplate(value, allowed)
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    throw problem(input, text, `${key}=${value}: ${error.message}`, describeExpressions(allowed))
  }
}

/** Prefixes, suffixes and raw values reach docker as written: their literal text must already be tag text. */
function checkTagText(input: 'tags' | 'flavor', text: string, key: string, value: string): TemplatePart[] {
  const parts = template(input, text, key, value, globalExpressions)
  const bad = parts.find((part) => part.kind === 'text' && !isTagText(part.text))
  if (bad) {
    throw problem(
      input,
      text,
      `${key}=${value} contains characters a Docker tag cannot hold`,
      `${tagText} ${describeExpressions(globalExpressions)}`
    )
  }
  return parts
}

function isLiteral(parts: TemplatePart[]): boolean {
  return parts.every((part) => part.kind === 'text')
}

function parseEnable(text: string, value: string): string {
  const normalized = value.toLowerCase()
  if (normalized === 'true' || normalized === 'false') return normalized
  if (/^\{\{\s*is_default_branch\s*\}\}$/.test(value)) return '{{is_default_branch}}'
  throw problem(
    'tags',
    text,
    `enable=${value} is neither true nor false`,
    `enable=true, enable=false, enable={{is_default_branch}}`
  )
}

function parsePriority(text: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw problem(
      'tags',
      text,
      `priority=${value} is not a whole number from 0 up`,
      'priority=<0 or more>, e.g. priority=1000'
    )
  }
  return Number(value)
}

function parseType(text: string, value: string | undefined): TagRuleType {
  const type = (value ?? 'raw').toLowerCase()
  if (type in keysOf) return type as TagRuleType
  const note = unsupportedTypes.includes(type)
    ? ` (docker/metadata-action's type=${type} is not supported here)`
    : ''
  throw problem('tags', text, `unknown type '${value}'${note}`, 'type=sha, type=ref, type=semver, type=raw')
}

function choice<T extends string>(
  text: string,
  key: string,
  value: string | undefined,
  options: readonly T[]
): T {
  const found = options.find((option) => option === value?.toLowerCase())
  if (found !== undefined) return found
  const what = value === undefined ? `${key}= is missing` : `${key}=${value} is not known`
  throw problem('tags', text, what, options.map((option) => `${key}=${option}`).join(', '))
}

function parseRule(text: string): TagRule {
  const attributes = new Map<string, string>()
  let type: string | undefined
  for (const field of fieldsOf(text)) {
    const [key, value] = splitField(field)
    if (key === 'type') type = value
    else attributes.set(key ?? 'value', value)
  }
  const ruleType = parseType(text, type)
  const unknown = [...attributes.keys()].find((key) => !keysOf[ruleType].includes(key))
  if (unknown !== undefined) {
    throw problem(
      'tags',
      text,
      `unknown key '${unknown}' for type=${ruleType}`,
      keysOf[ruleType].map((key) => `${key}=`).join(', ')
    )
  }
  const prefix = attributes.get('prefix')
  const suffix = attributes.get('suffix')
  const prefixParts = prefix === undefined ? [] : checkTagText('tags', text, 'prefix', prefix)
  const suffixParts = suffix === undefined ? [] : checkTagText('tags', text, 'suffix', suffix)
  const common = {
    text,
    enable: parseEnable(text, attributes.get('enable') ?? 'true'),
    priority: attributes.has('priority')
      ? parsePriority(text, attributes.get('priority') ?? '')
      : defaultPriorities[ruleType],
    prefix,
    suffix
  }
  switch (ruleType) {
    case 'sha':
      return {
        type: 'sha',
        format: choice(text, 'format', attributes.get('format') ?? 'short', ['short', 'long'] as const),
        ...common,
        prefix: prefix ?? 'sha-'
      }
    case 'ref': {
      const event = choice(text, 'event', attributes.get('event'), ['branch', 'tag', 'pr'] as const)
      return { type: 'ref', event, ...common, prefix: prefix ?? (event === 'pr' ? 'pr-' : undefined) }
    }
    case 'semver': {
      const pattern = attributes.get('pattern') ?? ''
      const accepted = `pattern= built from ${describeExpressions(semverPlaceholders)} and letters, digits, _ . -`
      if (pattern === '') throw problem('tags', text, 'pattern= is missing', accepted)
      const parts = template('tags', text, 'pattern', pattern, semverPlaceholders)
      if (isLiteral(parts)) throw problem('tags', text, `pattern=${pattern} has no placeholder`, accepted)
      if (parts.some((part) => part.kind === 'text' && !isTagText(part.text))) {
        throw problem(
          'tags',
          text,
          `pattern=${pattern} contains characters a Docker tag cannot hold`,
          accepted
        )
      }
      const value = attributes.get('value') ?? ''
      template('tags', text, 'value', value, globalExpressions)
      const match = attributes.get('match') ?? ''
      try {
        new RegExp(match)
      } catch {
        throw problem(
          'tags',
          text,
          `match=${match} is not a regular expression`,
          'match=<JavaScript regular expression>, group 1 is the version, e.g. match=v(\\d.*)'
        )
      }
      return { type: 'semver', pattern, value, match, ...common }
    }
    case 'raw': {
      const value = attributes.get('value')
      if (value === undefined || value === '') {
        throw problem(
          'tags',
          text,
          'value= is missing',
          `type=raw,value=<tag> with ${tagText} ${describeExpressions(globalExpressions)}`
        )
      }
      const parts = [...prefixParts, ...checkTagText('tags', text, 'value', value), ...suffixParts]
      const literal = `${prefix ?? ''}${value}${suffix ?? ''}`
      if (isLiteral(parts) && !dockerTagPattern.test(literal)) {
        throw problem(
          'tags',
          text,
          `'${literal}' is not a valid Docker tag`,
          'up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -'
        )
      }
      return { type: 'raw', value, ...common }
    }
  }
}

function meaningfulLines(lines: string[]): string[] {
  return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
}

/**
 * Parses the `tags` input, one rule per line (blank and `#` lines skipped; a field in double quotes may hold
 * commas); throws ConfigurationError naming the rule and what is accepted.
 */
export function parseTagRules(lines: string[]): TagRule[] {
  return meaningfulLines(lines).map(parseRule)
}

/** Parses the `flavor` input (`latest=`, `prefix=`, `suffix=`, each with `,onlatest=`). */
export function parseFlavor(lines: string[]): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixOnLatest: false,
    suffix: '',
    suffixOnLatest: false
  }
  const accepted =
    'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]'
  for (const text of meaningfulLines(lines)) {
    let onLatestFor: 'prefix' | 'suffix' | undefined
    for (const field of fieldsOf(text)) {
      const [key, value] = splitField(field)
      if (key === 'latest') {
        const latest = value.toLowerCase()
        if (latest !== 'auto' && latest !== 'true' && latest !== 'false') {
          throw problem('flavor', text, `latest=${value} is not known`, accepted)
        }
        flavor.latest = latest
      } else if (key === 'prefix' || key === 'suffix') {
        checkTagText('flavor', text, key, value)
        flavor[key] = value
        onLatestFor = key
      } else if (key === 'onlatest') {
        const onLatest = value.toLowerCase()
        if (onLatestFor === undefined || (onLatest !== 'true' && onLatest !== 'false')) {
          throw problem(
            'flavor',
            text,
            `onlatest=${value} must be true or false and follow prefix= or suffix=`,
            accepted
          )
        }
        flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = onLatest === 'true'
      } else {
        throw problem(
          'flavor',
          text,
          key === undefined ? `'${value}' is not key=value` : `unknown key '${key}'`,
          accepted
        )
      }
    }
  }
  return flavor
}

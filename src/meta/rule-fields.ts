import { CsvError, parse } from 'csv-parse/sync'
import { ConfigurationError } from '../errors.js'
import { dockerTagPattern, isTagText } from './docker-tag.js'
import {
  describeExpressions,
  isLiteral,
  parseTemplate,
  renderTemplate,
  TemplateError,
  type Template
} from './tag-template.js'

/** The input a line came from: `tags` holds rules, `flavor` entries. */
type RuleInput = 'tags' | 'flavor'

export const tagText = 'letters, digits, _ . - and the expressions'

/** Non-blank lines that are not `#` comments, trimmed. */
export function meaningfulLines(lines: string[]): string[] {
  return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
}

/** A line's comma-separated fields; a field in double quotes may hold commas. */
export function fieldsOf(input: RuleInput, line: string): string[] {
  let records: string[][]
  try {
    records = parse(line, { relaxQuotes: true, relaxColumnCount: true, skipEmptyLines: true, trim: true })
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    throw problem(
      input,
      line,
      `a '"' does not close a quoted field`,
      'a whole field in double quotes, e.g. "pattern=a,b"'
    )
  }
  return (records[0] ?? []).filter((field) => field !== '')
}

/** `key=value` as [lowercased key, value]; a field without `=` is [undefined, field]. */
export function splitField(field: string): [string | undefined, string] {
  const at = field.indexOf('=')
  return at < 0 ? [undefined, field] : [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()]
}

export function problem(input: RuleInput, text: string, what: string, accepted: string): ConfigurationError {
  return new ConfigurationError(
    `Input '${input}' has the ${input === 'tags' ? 'rule' : 'entry'} '${text}': ${what}. Accepted: ${accepted}.`
  )
}

export function templateOf(
  input: RuleInput,
  text: string,
  key: string,
  value: string,
  allowed: readonly string[]
): Template {
  try {
    return parseTemplate(value, allowed)
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    throw problem(input, text, `${key}=${value}: ${error.message}`, describeExpressions(allowed))
  }
}

/** Prefixes, suffixes, raw values and schedule patterns reach docker as written: their literal text must be tag text. */
export function tagTemplate(
  input: RuleInput,
  text: string,
  key: string,
  value: string,
  allowed: readonly string[]
): Template {
  const template = templateOf(input, text, key, value, allowed)
  if (template.some((part) => part.kind === 'text' && !isTagText(part.text))) {
    throw problem(
      input,
      text,
      `${key}=${value} contains characters a Docker tag cannot hold`,
      `${tagText} ${describeExpressions(allowed)}`
    )
  }
  return template
}

/** A tag made of literal text only is checked whole now, rather than failing at `docker tag`. */
export function checkLiteralTag(text: string, template: Template): void {
  if (!isLiteral(template)) return
  const literal = renderTemplate(template, () => '')
  if (!dockerTagPattern.test(literal)) {
    throw problem(
      'tags',
      text,
      `'${literal}' is not a valid Docker tag`,
      'up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -'
    )
  }
}

/** A rule line split into its type and `key=value` attributes, with what every error needs. */
export class RuleLine {
  constructor(
    readonly text: string,
    readonly attributes: Map<string, string>
  ) {}

  fail(what: string, accepted: string): never {
    throw problem('tags', this.text, what, accepted)
  }

  template(key: string, allowed: readonly string[]): Template | undefined {
    const value = this.attributes.get(key)
    return value === undefined ? undefined : templateOf('tags', this.text, key, value, allowed)
  }

  tagTemplate(key: string, allowed: readonly string[]): Template | undefined {
    const value = this.attributes.get(key)
    return value === undefined ? undefined : tagTemplate('tags', this.text, key, value, allowed)
  }

  choice<T extends string>(key: string, fallback: T | undefined, options: readonly T[]): T {
    const value = this.attributes.get(key) ?? fallback
    const found = options.find((option) => option === value?.toLowerCase())
    if (found !== undefined) return found
    const what = value === undefined ? `${key}= is missing` : `${key}=${value} is not known`
    return this.fail(what, options.map((option) => `${key}=${option}`).join(', '))
  }
}

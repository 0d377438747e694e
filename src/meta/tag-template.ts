import { isTimeZone } from './dates.js'

/** A `{{name 'arg' key='value'}}` expression of a template. */
export interface Expression {
  kind: 'expression'
  name: string
  args: string[]
  options: Record<string, string>
}

/** One piece of a `{{...}}` template: literal text, or an expression with its quoted arguments. */
export type TemplatePart = { kind: 'text'; text: string } | Expression

/** A template parsed once from the rule that holds it; rendering never re-reads the text. */
export type Template = TemplatePart[]

/** A template the user wrote that cannot be read; the caller says which input and rule it came from. */
export class TemplateError extends Error {}

/** Expressions usable in values, prefixes, suffixes and `enable`, as docker/metadata-action names them. */
export const globalExpressions = [
  'branch',
  'tag',
  'sha',
  'base_ref',
  'is_default_branch',
  'date',
  'commit_date'
] as const
/** Placeholders of `type=semver,pattern=` and `type=pep440,pattern=`. */
export const versionPlaceholders = ['version', 'major', 'minor', 'patch', 'raw'] as const
/** Expressions of `type=schedule,pattern=`: metadata-action renders only the dates there. */
export const scheduleExpressions = ['date', 'commit_date'] as const

const dateExpressions = new Set(['date', 'commit_date'])

export function describeExpressions(names: readonly string[]): string {
  return names
    .map((name) => (dateExpressions.has(name) ? `{{${name} 'YYYYMMDD'}}` : `{{${name}}}`))
    .join(', ')
}

const tokenPattern = /\s*(?:([A-Za-z_]+)=)?(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/y

function checkDateExpression(source: string, name: string, args: string[], options: Record<string, string>) {
  if (args.length !== 1)
    throw new TemplateError(`'${source}' needs one quoted format, e.g. {{${name} 'YYYYMMDD'}}`)
  const unknown = Object.keys(options).find((key) => key !== 'tz')
  if (unknown !== undefined)
    throw new TemplateError(`'${source}' has the unknown option '${unknown}' (only tz=)`)
  if (options.tz !== undefined && !isTimeZone(options.tz)) {
    throw new TemplateError(`'${source}' names the unknown time zone '${options.tz}'`)
  }
}

function parseExpression(source: string, allowed: readonly string[]): Expression {
  const inner = source.slice(2, -2)
  const tokens: { key?: string; value: string; quoted: boolean }[] = []
  tokenPattern.lastIndex = 0
  while (tokenPattern.lastIndex < inner.length && inner.slice(tokenPattern.lastIndex).trim() !== '') {
    const match = tokenPattern.exec(inner)
    if (!match) throw new TemplateError(`cannot read the expression '${source}'`)
    tokens.push({ key: match[1], value: match[2] ?? match[3] ?? match[4], quoted: match[4] === undefined })
  }
  const [head, ...rest] = tokens
  if (!head || head.key !== undefined || head.quoted || !allowed.includes(head.value)) {
    throw new TemplateError(`unknown expression '${source}'`)
  }
  if (rest.some((token) => token.key === undefined && !token.quoted)) {
    throw new TemplateError(`'${source}' takes only quoted arguments`)
  }
  const args = rest.filter((token) => token.key === undefined).map((token) => token.value)
  const options = Object.fromEntries(
    rest.filter((token) => token.key !== undefined).map((token) => [token.key, token.value])
  )
  if (dateExpressions.has(head.value)) checkDateExpression(source, head.value, args, options)
  else if (rest.length > 0) throw new TemplateError(`'{{${head.value}}}' takes no arguments`)
  return { kind: 'expression', name: head.value, args, options }
}

/** Splits a template into text and the expressions it names; throws TemplateError for anything not in `allowed`. */
export function parseTemplate(template: string, allowed: readonly string[]): Template {
  const parts: Template = []
  let rest = template
  while (rest.length > 0) {
    const open = rest.indexOf('{{')
    if (open < 0) {
      parts.push({ kind: 'text', text: rest })
      break
    }
    if (open > 0) parts.push({ kind: 'text', text: rest.slice(0, open) })
    const close = rest.indexOf('}}', open + 2)
    if (close < 0) throw new TemplateError(`'{{' without a closing '}}'`)
    parts.push(parseExpression(rest.slice(open, close + 2), allowed))
    rest = rest.slice(close + 2)
  }
  return parts
}

/** Fills a parsed template; `resolve` gives each expression's value. */
export function renderTemplate(template: Template, resolve: (expression: Expression) => string): string {
  return template.map((part) => (part.kind === 'text' ? part.text : resolve(part))).join('')
}

export function isLiteral(template: Template): boolean {
  return template.every((part) => part.kind === 'text')
}

export function mentions(template: Template, name: string): boolean {
  return template.some((part) => part.kind === 'expression' && part.name === name)
}

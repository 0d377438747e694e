import moment from 'moment-timezone'

/** One piece of a `{{...}}` template: literal text, or an expression with its quoted arguments. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; name: string; args: string[]; options: Record<string, string> }

/** A template the user wrote that cannot be read; the caller says which input and rule it came from. */
export class TemplateError extends Error {}

/** Expressions usable in values, prefixes, suffixes and `enable`, as docker/metadata-action names them. */
export const globalExpressions = ['branch', 'tag', 'sha', 'base_ref', 'is_default_branch', 'date'] as const
/** Placeholders of `type=semver,pattern=`. */
export const semverPlaceholders = ['version', 'major', 'minor', 'patch', 'raw'] as const

export function describeExpressions(names: readonly string[]): string {
  return names.map((name) => (name === 'date' ? `{{date 'YYYYMMDD'}}` : `{{${name}}}`)).join(', ')
}

const tokenPattern = /\s*(?:([A-Za-z_]+)=)?(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/y

function parseExpression(source: string, allowed: readonly string[]): TemplatePart {
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
  const args = rest.filter((token) => token.key === undefined && token.quoted).map((token) => token.value)
  const options = Object.fromEntries(
    rest.filter((token) => token.key !== undefined).map((token) => [token.key, token.value])
  )
  if (rest.some((token) => token.key === undefined && !token.quoted)) {
    throw new TemplateError(`'${source}' takes only quoted arguments`)
  }
  if (head.value === 'date') {
    if (args.length !== 1)
      throw new TemplateError(`'${source}' needs one quoted format, e.g. {{date 'YYYYMMDD'}}`)
    const unknown = Object.keys(options).find((key) => key !== 'tz')
    if (unknown !== undefined)
      throw new TemplateError(`'${source}' has the unknown option '${unknown}' (only tz=)`)
    if (options.tz !== undefined && moment.tz.zone(options.tz) === null) {
      throw new TemplateError(`'${source}' names the unknown time zone '${options.tz}'`)
    }
  } else if (rest.length > 0) {
    throw new TemplateError(`'{{${head.value}}}' takes no arguments`)
  }
  return { kind: 'expression', name: head.value, args, options }
}

/** Splits a template into text and the expressions it names; throws TemplateError for anything not in `allowed`. */
export function parseTemplate(template: string, allowed: readonly string[]): TemplatePart[] {
  const parts: TemplatePart[] = []
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
export function renderTemplate(
  parts: TemplatePart[],
  resolve: (expression: Extract<TemplatePart, { kind: 'expression' }>) => string
): string {
  return parts.map((part) => (part.kind === 'text' ? part.text : resolve(part))).join('')
}

/** `{{date 'format' tz='Area/City'}}` with moment's format tokens, in UTC unless `tz` says otherwise. */
export function formatDate(now: Date, format: string, timeZone = 'UTC'): string {
  return moment(now).tz(timeZone).format(format)
}

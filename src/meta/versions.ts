import * as pep440 from '@renovatebot/pep440'
import * as semver from 'semver'
import { renderTemplate, type Template } from './tag-template.js'

/** What a version rule makes of its source (the git tag or `value=`): a tag value, or why it gives none. */
export type VersionResult = { value: string; latestOnAuto: boolean } | { reason: string }

const fullVersion: Template = [{ kind: 'expression', name: 'version', args: [], options: {} }]

/** A pattern as the user wrote it, near enough for a message (RegExp escapes `/`). */
function written(pattern: RegExp): string {
  return pattern.flags ? `/${pattern.source}/${pattern.flags}` : pattern.source
}

function isRawOnly(pattern: Template): boolean {
  return pattern.length === 1 && pattern[0].kind === 'expression' && pattern[0].name === 'raw'
}

function render(pattern: Template, fields: Record<string, string>): string {
  return renderTemplate(pattern, (expression) => fields[expression.name] ?? '')
}

/** `type=semver`: a pre-release gets only its full version (or `{{raw}}`), so `1.2` and `latest` never move to it. */
export function semverValue(rule: { pattern: Template; match?: RegExp }, source: string): VersionResult {
  let text = source
  if (rule.match) {
    const found = rule.match.exec(source)
    if (!found) return { reason: `match=${written(rule.match)} does not match '${source}'` }
    text = found[1] ?? found[0]
  }
  text = text.replace(/\//g, '-')
  const version = semver.valid(text) ? semver.parse(text, { loose: true }) : null
  if (!version) return { reason: `'${text}' is not a semantic version (https://semver.org)` }
  const isPrerelease = version.prerelease.length > 0
  const fields = {
    version: version.version,
    major: String(version.major),
    minor: String(version.minor),
    patch: String(version.patch),
    raw: version.raw
  }
  const pattern = isPrerelease && !isRawOnly(rule.pattern) ? fullVersion : rule.pattern
  return { value: render(pattern, fields), latestOnAuto: !isPrerelease }
}

/** `type=pep440`: pre, post and dev releases get only the normalized version (or `{{raw}}`), as metadata-action. */
export function pep440Value(rule: { pattern: Template }, source: string): VersionResult {
  const text = source.replace(/\//g, '-')
  const version = pep440.valid(text) ? pep440.explain(text) : null
  if (!version) return { reason: `'${text}' is not a PEP 440 version (https://peps.python.org/pep-0440/)` }
  const normalized = pep440.clean(text) ?? text
  if (version.is_prerelease || version.is_postrelease || version.is_devrelease) {
    return { value: isRawOnly(rule.pattern) ? text : normalized, latestOnAuto: false }
  }
  const fields = {
    version: normalized,
    major: String(pep440.major(text)),
    minor: String(pep440.minor(text)),
    patch: String(pep440.patch(text)),
    raw: text
  }
  return { value: render(rule.pattern, fields), latestOnAuto: true }
}

/** `type=match`: the chosen group of the first match; metadata-action's `latest=auto` says yes to any match. */
export function matchValue(rule: { pattern: RegExp; group: number }, source: string): VersionResult {
  const found = rule.pattern.exec(source)
  if (!found) return { reason: `pattern=${written(rule.pattern)} does not match '${source}'` }
  const value = found[rule.group]
  if (value === undefined) return { reason: `group=${rule.group} took no part in matching '${source}'` }
  return { value, latestOnAuto: true }
}

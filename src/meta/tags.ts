import { branchTagValue } from './branch-tags.js'
import { sanitizeTag } from './docker-tag.js'
import type { Flavor } from './flavor.js'
import type { RunFacts } from './run-facts.js'
import type { TagRule } from './tag-rules.js'
import { formatDate } from './dates.js'
import {
  parseTemplate,
  renderTemplate,
  versionPlaceholders,
  type Expression,
  type Template
} from './tag-template.js'
import { matchValue, pep440Value, semverValue, type VersionResult } from './versions.js'

interface Produced {
  value: string
  /** docker/metadata-action's `latest=auto` answer for the rule that produced this value. */
  latestOnAuto: boolean
}

const shortShaLength = 7

/** Applies rules to one run's facts and renders their templates; keeps what the user should be warned about. */
class Evaluation {
  readonly warnings: string[] = []

  constructor(
    private readonly facts: RunFacts,
    private readonly now: Date,
    /** Our default rules try semver on every git tag; only the user's own rules are worth a warning. */
    private readonly warnAboutRules: boolean
  ) {}

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message)
  }

  private expression(expression: Expression): string {
    const { facts } = this
    switch (expression.name) {
      case 'branch':
        return facts.branch
      case 'tag':
        return facts.tag
      case 'sha':
        return facts.sha.slice(0, shortShaLength)
      case 'base_ref':
        return facts.baseRef
      case 'is_default_branch':
        return String(facts.isDefaultBranch)
      case 'date':
        return formatDate(this.now, expression.args[0], expression.options.tz)
      case 'commit_date':
        if (!facts.commitDate) {
          this.warn(
            `{{commit_date}}: the time of commit ${facts.sha.slice(0, shortShaLength)} is neither in the event payload nor in the workspace's git, so the build time is used instead (as docker/metadata-action does).`
          )
        }
        return formatDate(facts.commitDate ?? this.now, expression.args[0], expression.options.tz)
      default:
        return ''
    }
  }

  render(template: Template): string {
    return renderTemplate(template, (expression) => this.expression(expression))
  }

  enabled(rule: TagRule): boolean {
    return rule.enable === 'default-branch' ? this.facts.isDefaultBranch : rule.enable
  }

  produce(rule: TagRule): Produced | undefined {
    const { facts } = this
    switch (rule.type) {
      case 'schedule':
        return facts.eventName === 'schedule'
          ? { value: this.render(rule.pattern), latestOnAuto: false }
          : undefined
      case 'semver':
        return this.version(rule, (source) => semverValue(rule, source))
      case 'pep440':
        return this.version(rule, (source) => pep440Value(rule, source))
      case 'match':
        return this.version(rule, (source) => matchValue(rule, source))
      case 'edge':
        return this.edge(rule)
      case 'ref': {
        const value = { branch: facts.branch, tag: facts.tag, pr: facts.pullRequest }[rule.event]
        return value === '' ? undefined : { value, latestOnAuto: rule.event === 'tag' }
      }
      case 'raw': {
        const value = this.render(rule.value)
        return value === '' ? undefined : { value, latestOnAuto: false }
      }
      case 'sha':
        if (facts.sha === '') return undefined
        return {
          value: rule.format === 'long' ? facts.sha : facts.sha.slice(0, shortShaLength),
          latestOnAuto: false
        }
    }
  }

  /** semver, pep440 and match read the git tag, or `value=` on any event. */
  private version(rule: TagRule & { value?: Template }, read: (source: string) => VersionResult) {
    const source = rule.value ? this.render(rule.value) : this.facts.tag
    if (source === '') return undefined
    const result = read(source)
    if (!('reason' in result)) return result
    if (this.warnAboutRules) this.warn(`${rule.text}: ${result.reason}, so the rule gives no tag.`)
    return undefined
  }

  private edge(rule: Extract<TagRule, { type: 'edge' }>): Produced | undefined {
    const { branch, defaultBranch } = this.facts
    if (branch === '') return undefined
    const target = rule.branch ?? defaultBranch
    if (target === undefined) {
      this.warn(
        `${rule.text}: the default branch is not known (the event payload names no repository and the GitHub API was not read), so the rule gives no tag; name the branch with branch=.`
      )
      return undefined
    }
    return branch === target ? { value: 'edge', latestOnAuto: false } : undefined
  }

  wrap(rule: TagRule, value: string, flavor: Flavor): string {
    return `${this.render(rule.prefix ?? flavor.prefix)}${value}${this.render(rule.suffix ?? flavor.suffix)}`
  }
}

/** Our tags when `tags` is empty: version tags of a semver git tag, the branch or `pr-N`, and the bare short sha. */
function defaultRules(flavor: Flavor): TagRule[] {
  const common = { text: '(default tags)', enable: true, prefix: undefined, suffix: undefined }
  const pattern = (text: string) => parseTemplate(text, versionPlaceholders)
  return [
    { ...common, type: 'semver', pattern: pattern('{{version}}'), priority: 900 },
    { ...common, type: 'semver', pattern: pattern('{{major}}.{{minor}}'), priority: 900 },
    { ...common, type: 'ref', event: 'tag', priority: 600 },
    { ...common, type: 'ref', event: 'branch', priority: 600 },
    {
      ...common,
      type: 'ref',
      event: 'pr',
      priority: 600,
      prefix: [...flavor.prefix, { kind: 'text', text: 'pr-' }]
    },
    { ...common, type: 'sha', format: 'short', priority: 100 }
  ]
}

/** Tag names, highest priority first and `latest` last, plus the warnings for rules that applied but gave none. */
export function computeTags(
  rules: TagRule[],
  flavor: Flavor,
  facts: RunFacts,
  now: Date
): { tags: string[]; warnings: string[] } {
  const usesDefaults = rules.length === 0
  const evaluation = new Evaluation(facts, now, !usesDefaults)
  const ordered = usesDefaults ? defaultRules(flavor) : [...rules].sort((a, b) => b.priority - a.priority)
  const tags: string[] = []
  let latest: boolean | undefined
  for (const rule of ordered) {
    if (!evaluation.enabled(rule)) continue
    const produced = evaluation.produce(rule)
    if (!produced) continue
    const named = usesDefaults ? produced.value.toLowerCase() : produced.value
    // A branch rule without a prefix of its own must not give a tag that means something else (`latest`, `1.2.3`).
    const ownPrefix = rule.prefix !== undefined && rule.prefix.length > 0
    const branch =
      rule.type === 'ref' && rule.event === 'branch' && !ownPrefix ? branchTagValue(named) : undefined
    if (branch?.warning) evaluation.warn(branch.warning)
    const value = branch?.value ?? named
    const tag = sanitizeTag(evaluation.wrap(rule, value, flavor))
    if (tag === '') continue
    latest ??= flavor.latest === 'auto' ? produced.latestOnAuto : flavor.latest === 'true'
    tags.push(tag)
  }
  if (usesDefaults && flavor.latest === 'auto') latest = facts.eventName === 'push' && facts.isDefaultBranch
  if (latest && tags.length > 0) {
    const prefix = flavor.prefixOnLatest ? evaluation.render(flavor.prefix) : ''
    const suffix = flavor.suffixOnLatest ? evaluation.render(flavor.suffix) : ''
    tags.push(sanitizeTag(`${prefix}latest${suffix}`))
  }
  return { tags: [...new Set(tags)], warnings: evaluation.warnings }
}

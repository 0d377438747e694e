import * as core from '@actions/core'
import * as semver from 'semver'
import { repositoryUrl, type RunContext } from '../github/context.js'
import { sanitizeTag } from './docker-tag.js'
import { splitKeyValue } from '../config/values.js'
import type { Flavor, TagRule } from './tag-rules.js'
import {
  formatDate,
  globalExpressions,
  parseTemplate,
  renderTemplate,
  semverPlaceholders,
  type TemplatePart
} from './tag-template.js'

export { parseFlavor, parseTagRules, type Flavor, type TagRule } from './tag-rules.js'

/** What GET /repos/{owner}/{repo} says about the repository, for the OCI labels. */
export interface RepositoryMetadata {
  name: string
  description: string
  htmlUrl: string
  defaultBranch: string
  /** SPDX id, e.g. `MIT`; '' when GitHub detected none. */
  license: string
}

export interface MetaInput {
  /** Parsed `tags`; empty means our default tags. */
  rules: TagRule[]
  flavor: Flavor
  /** `key=value` lines of the `labels` input; they override generated labels by key, an empty value removes one. */
  userLabels: string[]
  /** Which commit a pull request build names: GITHUB_SHA (the test merge commit) or the PR head. */
  shaSource: 'merge' | 'head'
  repositoryMetadata?: RepositoryMetadata
  /** Levels for `--annotation`, as buildx spells them; default `manifest`. */
  annotationLevels?: string[]
}

export interface Meta {
  /** The tag of the highest-priority rule that produced one; '' when none did. */
  version: string
  /** Tag names only, highest priority first, `latest` last. */
  tags: string[]
  labels: Record<string, string>
  /** `level:key=value` entries as `docker buildx build --annotation` takes them. */
  annotations: string[]
  /** Rules that applied but could not produce a tag (e.g. a tag that is not semver), for `core.warning`. */
  warnings: string[]
  json: { tags: string[]; labels: Record<string, string>; annotations: string[]; version: string }
}

/** The facts about this run that tag rules read, whatever event started it. */
interface RunFacts {
  eventName: string
  /** '' unless a branch is being built (never for pull requests or merge queues). */
  branch: string
  tag: string
  pullRequest: string
  baseRef: string
  /** The full commit id the image is named after. */
  sha: string
  isDefaultBranch: boolean
}

interface Produced {
  value: string
  /** docker/metadata-action's `latest=auto` answer for the rule that produced this value. */
  latestOnAuto: boolean
}

const pullRequestEvents = ['pull_request', 'pull_request_target']
const nonBranchEvents = [...pullRequestEvents, 'merge_group', 'release']
const shortShaLength = 7

function stripHeads(ref: unknown): string {
  return typeof ref === 'string' ? ref.replace(/^refs\/heads\//, '') : ''
}

function runFacts(context: RunContext, shaSource: 'merge' | 'head', metadata?: RepositoryMetadata): RunFacts {
  const { eventName, ref, payload } = context
  const isPullRequest = pullRequestEvents.includes(eventName)
  // pull_request_target runs on the base branch's ref, a merge queue on a throw-away branch: neither names the image.
  const branch = !nonBranchEvents.includes(eventName) && ref.startsWith('refs/heads/') ? stripHeads(ref) : ''
  const tag = ref.startsWith('refs/tags/')
    ? ref.slice('refs/tags/'.length)
    : eventName === 'release'
      ? String(payload.release?.tag_name ?? '')
      : ''
  const pullRequest = isPullRequest
    ? String(/^refs\/pull\/(\d+)\//.exec(ref)?.[1] ?? payload.pull_request?.number ?? payload.number ?? '')
    : ''
  const baseRef = isPullRequest
    ? stripHeads(payload.pull_request?.base?.ref)
    : eventName === 'merge_group'
      ? stripHeads(payload.merge_group?.base_ref)
      : tag !== ''
        ? stripHeads(payload.base_ref)
        : ''
  const headSha = payload.pull_request?.head?.sha
  const sha = isPullRequest && shaSource === 'head' && typeof headSha === 'string' ? headSha : context.sha
  const defaultBranch = payload.repository?.default_branch ?? metadata?.defaultBranch
  // A schedule always runs on the default branch's last commit (docker/metadata-action reads it the same way).
  const isDefaultBranch = branch !== '' && (branch === defaultBranch || eventName === 'schedule')
  return { eventName, branch, tag, pullRequest, baseRef, sha, isDefaultBranch }
}

function globalValue(facts: RunFacts, now: Date) {
  return (expression: Extract<TemplatePart, { kind: 'expression' }>): string => {
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
        return formatDate(now, expression.args[0], expression.options.tz)
      default:
        return ''
    }
  }
}

class Evaluation {
  readonly warnings: string[] = []

  constructor(
    private readonly facts: RunFacts,
    private readonly now: Date
  ) {}

  render(template: string): string {
    return renderTemplate(parseTemplate(template, globalExpressions), globalValue(this.facts, this.now))
  }

  enabled(rule: TagRule): boolean {
    return this.render(rule.enable) === 'true'
  }

  produce(rule: TagRule): Produced | undefined {
    const { facts } = this
    switch (rule.type) {
      case 'sha':
        if (facts.sha === '') return undefined
        return {
          value: rule.format === 'long' ? facts.sha : facts.sha.slice(0, shortShaLength),
          latestOnAuto: false
        }
      case 'ref': {
        const value = { branch: facts.branch, tag: facts.tag, pr: facts.pullRequest }[rule.event]
        return value === '' ? undefined : { value, latestOnAuto: rule.event === 'tag' }
      }
      case 'semver':
        return this.semver(rule)
      case 'raw': {
        const value = this.render(rule.value)
        return value === '' ? undefined : { value, latestOnAuto: false }
      }
    }
  }

  private semver(rule: Extract<TagRule, { type: 'semver' }>): Produced | undefined {
    let source = rule.value !== '' ? this.render(rule.value) : this.facts.tag
    if (source === '') return undefined
    if (rule.match !== '') {
      const found = source.match(new RegExp(rule.match))
      if (found) source = found[1] ?? found[0]
      else this.warnings.push(`${rule.text}: match=${rule.match} does not match '${source}'.`)
    }
    source = source.replace(/\//g, '-')
    const version = semver.valid(source) ? semver.parse(source, { loose: true }) : null
    if (!version) {
      this.warnings.push(
        `${rule.text}: '${source}' is not a semantic version (https://semver.org), so the rule gives no tag.`
      )
      return undefined
    }
    const parts = parseTemplate(rule.pattern, semverPlaceholders)
    const isRaw = parts.length === 1 && parts[0].kind === 'expression' && parts[0].name === 'raw'
    const isPrerelease = version.prerelease.length > 0
    // A pre-release only ever gets its full version, so `1.2` or `1` never move to a release candidate.
    const pattern = isPrerelease && !isRaw ? parseTemplate('{{version}}', semverPlaceholders) : parts
    const fields: Record<string, string> = {
      version: version.version,
      major: String(version.major),
      minor: String(version.minor),
      patch: String(version.patch),
      raw: version.raw
    }
    return { value: renderTemplate(pattern, (part) => fields[part.name]), latestOnAuto: !isPrerelease }
  }

  wrap(rule: TagRule, value: string, flavor: Flavor): string {
    const prefix = rule.prefix !== undefined ? rule.prefix : flavor.prefix
    const suffix = rule.suffix !== undefined ? rule.suffix : flavor.suffix
    return `${this.render(prefix)}${value}${this.render(suffix)}`
  }
}

/** Our tags when `tags` is empty: version tags of a semver git tag, the branch or `pr-N`, and the bare short sha. */
function defaultRules(flavor: Flavor): TagRule[] {
  const common = { text: '(default tags)', enable: 'true', prefix: undefined, suffix: undefined }
  return [
    { ...common, type: 'semver', pattern: '{{version}}', value: '', match: '', priority: 900 },
    { ...common, type: 'semver', pattern: '{{major}}.{{minor}}', value: '', match: '', priority: 900 },
    { ...common, type: 'ref', event: 'tag', priority: 600 },
    { ...common, type: 'ref', event: 'branch', priority: 600 },
    { ...common, type: 'ref', event: 'pr', priority: 600, prefix: `${flavor.prefix}pr-` },
    { ...common, type: 'sha', format: 'short', priority: 100 }
  ]
}

function computeTags(input: MetaInput, facts: RunFacts, evaluation: Evaluation): string[] {
  const { flavor } = input
  const usesDefaults = input.rules.length === 0
  const rules = usesDefaults ? defaultRules(flavor) : [...input.rules].sort((a, b) => b.priority - a.priority)
  const tags: string[] = []
  let latest: boolean | undefined
  for (const rule of rules) {
    if (!evaluation.enabled(rule)) continue
    const produced = evaluation.produce(rule)
    if (!produced) continue
    const value = usesDefaults ? produced.value.toLowerCase() : produced.value
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
  return [...new Set(tags)]
}

function computeLabels(
  input: MetaInput,
  context: RunContext,
  facts: RunFacts,
  version: string,
  now: Date
): Record<string, string> {
  const metadata = input.repositoryMetadata
  const repository = context.payload.repository ?? {}
  const url = metadata?.htmlUrl || repositoryUrl(context)
  const generated: Record<string, string> = {
    'org.opencontainers.image.title':
      metadata?.name || repository.name || context.repository.split('/')[1] || '',
    'org.opencontainers.image.description': metadata?.description || repository.description || '',
    'org.opencontainers.image.url': url,
    'org.opencontainers.image.source': url,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created': now.toISOString(),
    'org.opencontainers.image.revision': facts.sha,
    'org.opencontainers.image.licenses': metadata?.license || repository.license?.spdx_id || ''
  }
  for (const line of input.userLabels) {
    const pair = splitKeyValue(line)
    if (pair) generated[pair[0]] = pair[1]
  }
  return Object.fromEntries(
    Object.entries(generated)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => a.localeCompare(b))
  )
}

/** Tags, labels and annotations for this run: pure, from the parsed inputs, the run context and the time. */
export function computeMeta(input: MetaInput, context: RunContext, now: Date): Meta {
  const facts = runFacts(context, input.shaSource, input.repositoryMetadata)
  const evaluation = new Evaluation(facts, now)
  const tags = computeTags(input, facts, evaluation)
  const version = tags[0] ?? ''
  const labels = computeLabels(input, context, facts, version, now)
  const annotations = (input.annotationLevels ?? ['manifest']).flatMap((level) =>
    Object.entries(labels).map(([key, value]) => `${level}:${key}=${value}`)
  )
  // Our defaults try semver on every git tag; only the user's own rules are worth a warning.
  const warnings = input.rules.length > 0 ? evaluation.warnings : []
  return { version, tags, labels, annotations, warnings, json: { tags, labels, annotations, version } }
}

/** `image:tag` for each tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.2.3`. */
/** The tags a run gets whatever its commit: the ones an earlier run of the same ref left in the registry. */
export function stableTags(input: MetaInput, context: RunContext, now: Date): string[] {
  const tagsAt = (sha: string) => computeMeta(input, { ...context, sha }, now).tags
  const other = tagsAt('f'.repeat(40))
  return tagsAt('0'.repeat(40)).filter((tag) => other.includes(tag))
}

/**
 * The tag the step's own rules give a push to `branch` (e.g. a pull request's base): of the tags that don't
 * depend on the commit, the one naming the branch, else the first; undefined when the rules give none.
 */
export function baseBranchTag(
  input: MetaInput,
  context: RunContext,
  branch: string,
  now: Date
): string | undefined {
  const payload = { ...context.payload, pull_request: undefined }
  const stable = stableTags(
    input,
    { ...context, eventName: 'push', ref: `refs/heads/${branch}`, payload },
    now
  )
  const name = sanitizeTag(branch).toLowerCase()
  return stable.find((tag) => tag.toLowerCase().includes(name)) ?? stable[0]
}

export function fullReferences(image: string, tags: string[]): string[] {
  return tags.map((tag) => `${image}:${tag}`)
}

/** GET /repos/{owner}/{repo} through GITHUB_API_URL; undefined with a warning on any failure, never throws. */
export async function fetchRepositoryMetadata(
  token: string,
  context: RunContext
): Promise<RepositoryMetadata | undefined> {
  const [owner, repo] = context.repository.split('/')
  if (!token || !owner || !repo) return undefined
  try {
    const { getOctokit } = await import('@actions/github')
    const octokit = getOctokit(token, { baseUrl: context.apiUrl })
    const { data } = await octokit.rest.repos.get({
      owner,
      repo,
      request: { signal: AbortSignal.timeout(15_000) }
    })
    return {
      name: data.name,
      description: data.description ?? '',
      htmlUrl: data.html_url,
      defaultBranch: data.default_branch,
      license: data.license?.spdx_id ?? ''
    }
  } catch (error) {
    core.warning(
      `Could not read ${owner}/${repo} from the GitHub API (${error instanceof Error ? error.message : String(error)}); the image labels use the event payload instead.`
    )
    return undefined
  }
}

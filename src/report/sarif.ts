import { gzipSync } from 'node:zlib'
import type { Log, ReportingDescriptor, Result, Run } from 'sarif'
import { severities, severityRank, type Severity } from '../scan/findings.js'

/** What GitHub code scanning accepts in one upload. */
export interface SarifLimits {
  maxRuns: number
  maxResultsPerRun: number
  maxGzippedBytes: number
}

export const githubSarifLimits: SarifLimits = {
  maxRuns: 20,
  maxResultsPerRun: 25_000,
  maxGzippedBytes: 10 * 1024 * 1024
}

export interface OmittedResults {
  runs: number
  results: number
  bySeverity: Partial<Record<Severity, number>>
}

export interface PreparedSarif {
  log: Log
  omitted: OmittedResults
}

/** `trivy/<repository>/<target>/[<os>-<arch>/]`: one category per target and platform, so uploads don't replace each other. */
export function defaultCategory(repository: string, target: string, platform?: string): string {
  const repositoryName = repository.replace(/\//g, '-')
  return platformCategory(`trivy/${repositoryName}/${target || 'default'}/`, platform)
}

/** Adds the platform to a category for multi-platform scans, e.g. `…/linux-arm64/`. */
export function platformCategory(category: string, platform?: string): string {
  const base = category.endsWith('/') ? category : `${category}/`
  return platform ? `${base}${platform.replace(/\//g, '-')}/` : base
}

const levelSeverity: Record<string, Severity> = {
  error: 'HIGH',
  warning: 'MEDIUM',
  note: 'LOW',
  none: 'UNKNOWN'
}

function ruleOf(run: Run, result: Result): ReportingDescriptor | undefined {
  const rules = run.tool.driver.rules ?? []
  const byIndex = result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined
  return byIndex ?? rules.find((rule) => rule.id === result.ruleId)
}

/** Trivy tags each rule with its severity; other tools only give a level. */
function severityOf(run: Run, result: Result): Severity {
  const tags = (ruleOf(run, result)?.properties?.tags ?? []) as string[]
  const tagged = severities.find((severity) => tags.includes(severity))
  return (
    tagged ??
    levelSeverity[result.level ?? ruleOf(run, result)?.defaultConfiguration?.level ?? 'none'] ??
    'UNKNOWN'
  )
}

function scoreOf(run: Run, result: Result): number {
  const score = Number(ruleOf(run, result)?.properties?.['security-severity'])
  return Number.isFinite(score) ? score : 0
}

interface Ranked {
  run: number
  index: number
  severity: Severity
  score: number
}

/** Most severe first; equal ones keep their order. */
function bySeverity(a: Ranked, b: Ranked): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    b.score - a.score ||
    a.run - b.run ||
    a.index - b.index
  )
}

function rank(run: Run, runIndex: number): Ranked[] {
  return (run.results ?? []).map((result, index) => ({
    run: runIndex,
    index,
    severity: severityOf(run, result),
    score: scoreOf(run, result)
  }))
}

/** Keeps the chosen results in their order and drops rules no kept result uses, renumbering `ruleIndex`. */
function keepResults(run: Run, keep: Set<number>): Run {
  const results = (run.results ?? []).filter((_, index) => keep.has(index))
  const rules = run.tool.driver.rules
  if (!rules) return { ...run, results }
  const usedRules = new Set(results.map((result) => ruleOf(run, result)))
  const used = rules.filter((rule) => usedRules.has(rule))
  const newIndex = new Map(used.map((rule, index) => [rule, index]))
  const renumbered = results.map((result) => {
    const rule = ruleOf(run, result)
    return rule && result.ruleIndex !== undefined ? { ...result, ruleIndex: newIndex.get(rule) } : result
  })
  return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: used } }, results: renumbered }
}

function gzippedSize(log: Log): number {
  return gzipSync(JSON.stringify(log)).length
}

function count(omitted: OmittedResults, dropped: Ranked[]): void {
  omitted.results += dropped.length
  for (const item of dropped) omitted.bySeverity[item.severity] = (omitted.bySeverity[item.severity] ?? 0) + 1
}

function keepTop(log: Log, ranked: Ranked[][], keepCount: (runIndex: number) => number): Log {
  return {
    ...log,
    runs: log.runs.map((run, runIndex) => {
      const kept = [...ranked[runIndex]].sort(bySeverity).slice(0, keepCount(runIndex))
      if (kept.length === ranked[runIndex].length) return run
      return keepResults(run, new Set(kept.map((item) => item.index)))
    })
  }
}

/**
 * Fixes up Trivy's SARIF for code scanning: every run gets the category as `automationDetails.id`,
 * and the least severe results are left out until GitHub's limits are met.
 */
export function prepareSarif(
  input: Log,
  { category, limits = githubSarifLimits }: { category: string; limits?: SarifLimits }
): PreparedSarif {
  const omitted: OmittedResults = { runs: 0, results: 0, bySeverity: {} }
  const id = category.endsWith('/') ? category : `${category}/`
  const runs = input.runs.map((run): Run => ({ ...run, automationDetails: { ...run.automationDetails, id } }))
  runs.slice(limits.maxRuns).forEach((run, index) => count(omitted, rank(run, index)))
  omitted.runs = Math.max(0, runs.length - limits.maxRuns)

  let log: Log = { ...input, runs: runs.slice(0, limits.maxRuns) }
  let ranked = log.runs.map(rank)
  for (const items of ranked) count(omitted, [...items].sort(bySeverity).slice(limits.maxResultsPerRun))
  log = keepTop(log, ranked, () => limits.maxResultsPerRun)

  if (gzippedSize(log) > limits.maxGzippedBytes) {
    ranked = log.runs.map(rank)
    const all = ranked.flat().sort(bySeverity)
    const fits = (keep: number): Log => {
      const kept = all.slice(0, keep)
      return keepTop(log, ranked, (runIndex) => kept.filter((item) => item.run === runIndex).length)
    }
    let low = 0
    let high = all.length
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if (gzippedSize(fits(middle)) <= limits.maxGzippedBytes) low = middle
      else high = middle - 1
    }
    count(omitted, all.slice(low))
    log = fits(low)
  }
  return { log, omitted }
}

/** What was left out, for a warning; undefined when nothing was. */
export function describeOmitted(
  omitted: OmittedResults,
  limits: SarifLimits = githubSarifLimits
): string | undefined {
  if (omitted.results === 0 && omitted.runs === 0) return undefined
  const parts = severities
    .filter((severity) => omitted.bySeverity[severity])
    .map((severity) => `${omitted.bySeverity[severity]} ${severity}`)
  const runs = omitted.runs > 0 ? ` and ${omitted.runs} run(s)` : ''
  const megabytes = limits.maxGzippedBytes / (1024 * 1024)
  return (
    `The SARIF upload leaves out ${omitted.results} result(s)${runs}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}, ` +
    `the least severe, to stay within GitHub's limits (${limits.maxResultsPerRun} results per run, ` +
    `${limits.maxRuns} runs, ${megabytes} MB gzipped); the JSON scan report has every finding.`
  )
}

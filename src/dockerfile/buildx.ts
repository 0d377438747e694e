import type { Pair } from '../config/values.js'
import semver from 'semver'
import type { Command } from '../run/command.js'
import { parseDockerfile } from '../config/dockerfile.js'
import { sortFindings, uniqueFindings, type DockerfileFinding } from './finding.js'
import { withUnixLineEnds } from './model.js'
import { dockerBuildChecks, equivalentRule } from './rules.js'
import { suppressFindings } from './suppress.js'

/** `docker buildx build --call=check` needs buildx 0.15 (with the Dockerfile 1.8 frontend it brings). */
export const buildChecksMinimumBuildx = '0.15.0'

/** Whether this buildx runs Docker's build checks: `0.13.1` → false, `github.com/docker/buildx v0.17.1 …` → true. */
export function supportsBuildChecks(buildxVersion: string): boolean {
  const version = semver.coerce(buildxVersion)
  return version !== null && semver.gte(version, buildChecksMinimumBuildx)
}

/** The one notice for a run whose buildx is too old for Docker's build checks. */
export function buildChecksSkippedNotice(buildxVersion: string): string {
  return (
    `Docker's build checks (docker buildx build --call=check) need buildx ${buildChecksMinimumBuildx} or later ` +
    `and this runner has ${semver.coerce(buildxVersion)?.version ?? buildxVersion}: only this action's Dockerfile checks ran.`
  )
}

/**
 * The check run: same file, target, build args and builder as the build, so Docker lints what will be built.
 * It exits 1 when there are warnings; run it with `allowFailure` and read stdout either way.
 */
export function planBuildChecks(request: {
  file: string
  context: string
  target: string
  buildArgs: Pair[]
  builder?: string
}): Command {
  return {
    tool: 'docker',
    args: [
      'buildx',
      'build',
      ...(request.builder ? ['--builder', request.builder] : []),
      '--call=check,format=json',
      '--file',
      request.file,
      ...(request.target ? ['--target', request.target] : []),
      ...request.buildArgs.flatMap((arg) => ['--build-arg', `${arg.key}=${arg.value}`]),
      request.context
    ]
  }
}

/** BuildKit's `lint.LintResults` as buildx prints it with `format=json` (frontend/subrequests/lint). */
interface LintResults {
  warnings?: LintWarning[] | null
  sources?: { filename?: string; language?: string; data?: string }[] | null
  buildError?: { message?: string; location?: LintLocation } | null
}

interface LintWarning {
  ruleName?: string
  description?: string
  url?: string
  detail?: string
  location?: LintLocation | null
}

/** `pb.Location`: protobuf JSON names, zero values left out (`sourceIndex` 0, `character` 0). */
interface LintLocation {
  sourceIndex?: number
  ranges?: { start?: { line?: number; character?: number }; end?: { line?: number; character?: number } }[]
}

export interface BuildCheckResult {
  findings: DockerfileFinding[]
  /** The Dockerfile did not parse for BuildKit; the build will fail with the same message. */
  buildError?: { message: string; line: number }
}

/** 1-based line of a location's first range; line 1 when BuildKit gave none (the check is about the whole file). */
function lineOfLocation(location: LintLocation | null | undefined): number {
  const line = location?.ranges?.[0]?.start?.line
  return typeof line === 'number' && line >= 1 ? line : 1
}

function parseResults(stdout: string): LintResults {
  const text = stdout.trim()
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start < 0 || end < start) throw new Error('docker buildx build --call=check printed no JSON result')
  const parsed: unknown = JSON.parse(text.slice(start, end + 1))
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('docker buildx build --call=check printed JSON that is not a lint result')
  return parsed as LintResults
}

/**
 * Docker's build check results as findings on the Dockerfile (every warning points at the one Dockerfile the
 * check ran on), with the same ignores applied as to ours. Throws when stdout holds no lint result.
 */
export function parseBuildCheckResult(
  stdout: string,
  options: { file: string; dockerfile: string; ignore?: string[] }
): BuildCheckResult {
  const results = parseResults(stdout)
  const findings = (results.warnings ?? []).flatMap((warning): DockerfileFinding[] => {
    if (!warning.ruleName) return []
    const description = warning.description ?? ''
    return [
      {
        rule: warning.ruleName,
        severity: dockerBuildChecks[warning.ruleName] ?? 'warning',
        file: options.file,
        line: lineOfLocation(warning.location),
        message: warning.detail || description || warning.ruleName,
        fix: description || `See Docker's build check ${warning.ruleName}.`,
        ...(warning.url ? { url: warning.url } : {})
      }
    ]
  })
  const kept = suppressFindings(uniqueFindings(findings), {
    dockerfile: parseDockerfile(withUnixLineEnds(options.dockerfile)),
    ignore: options.ignore
  })
  const error = results.buildError?.message
  return {
    findings: sortFindings(kept),
    ...(error ? { buildError: { message: error, line: lineOfLocation(results.buildError?.location) } } : {})
  }
}

/**
 * Ours and Docker's in one list, sorted. A Docker finding is a duplicate when one of ours is on the same line
 * for the equivalent rule (JSONArgsRecommended ≡ shell-form-cmd, SecretsUsedInArgOrEnv ≡ secret-in-image):
 * ours is kept, for its strategy-specific fix and severity.
 */
export function mergeFindings(ours: DockerfileFinding[], docker: DockerfileFinding[]): DockerfileFinding[] {
  const covered = new Set(ours.map((finding) => `${finding.rule}\u0000${finding.line}`))
  const fresh = docker.filter((finding) => {
    const equivalent = equivalentRule(finding.rule)
    return !(equivalent && covered.has(`${equivalent}\u0000${finding.line}`))
  })
  return sortFindings(uniqueFindings([...ours, ...fresh]))
}

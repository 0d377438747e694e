import type { BuildResult } from './build/build.js'
import type { ImagePlan } from './build/plan.js'
import { GateError, ServiceError } from './errors.js'
import type { RunMeta } from './meta/run-tags.js'
import type { Released } from './release/phase.js'
import type { Log } from './run/log.js'
import type { GateOutcome } from './scan/gate.js'
import type { SignResult } from './sign/phase.js'

/** Everything one image went through, put together once the release is done; read by outputs and reports. */
export type ImageOutcome = Released & {
  plan: ImagePlan
  built: BuildResult
  gate?: GateOutcome
  signed?: SignResult
  /** Why signing failed after the tags were written. */
  signError?: string
}

/** The references pushed: what the release wrote (in a dry run, what it would write); none without a push. */
export function pushedTags(outcome: ImageOutcome, run: { dryRun: boolean; push: boolean }): string[] {
  if (!run.push) return []
  if (run.dryRun) return outcome.plan.tags
  return outcome.release?.written ?? []
}

/** Outputs: `images` for every target; the single-image outputs describe the first target. */
export function setOutputs(
  log: Log,
  outcomes: ImageOutcome[],
  meta: RunMeta,
  registry: string,
  run: { dryRun: boolean; push: boolean }
): void {
  const { dryRun } = run
  const [first] = outcomes
  log.setOutput('registry', registry)
  log.setOutput('image', first.plan.image)
  log.setOutput('tags', pushedTags(first, run).join('\n'))
  log.setOutput('version', meta.version)
  log.setOutput(
    'labels',
    Object.entries(meta.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')
  )
  log.setOutput('json', JSON.stringify(meta.json))
  if (first.release?.digest && !dryRun) log.setOutput('digest', first.release.digest)
  if (!dryRun) {
    log.setOutput('imageid', first.built.imageId)
    log.setOutput('metadata', JSON.stringify(first.built.metadata))
  }
  if (first.signed?.signature) log.setOutput('signature', first.signed.signature)
  if (first.signed) log.setOutput('attestations', JSON.stringify(first.signed.attestations))
  if (first.gate && !dryRun) {
    log.setOutput('vulnerabilities', JSON.stringify(first.gate.counts))
    log.setOutput('scan-report', first.gate.scans.map((scan) => scan.reportPath).join('\n'))
    log.setOutput('sarif-file', first.gate.scans.map((scan) => scan.sarifPath).join('\n'))
  }
  log.setOutput(
    'images',
    JSON.stringify(
      outcomes.map((outcome) => ({
        stage: outcome.plan.spec.stage.name,
        repository: outcome.plan.spec.repository,
        image: outcome.plan.image,
        digest: dryRun ? null : (outcome.release?.digest ?? null),
        tags: pushedTags(outcome, run),
        vulnerabilities: outcome.gate && !dryRun ? outcome.gate.counts : null,
        ...(outcome.gate?.blocked ? { blocked: outcome.gate.blocked } : {}),
        ...(outcome.heldBackBy ? { heldBackBy: outcome.heldBackBy } : {}),
        ...(outcome.release?.failed.length ? { failedTags: outcome.release.failed } : {}),
        ...(outcome.release?.problem ? { error: outcome.release.problem } : {})
      }))
    )
  )
}

/**
 * One error for the step: what the gate blocked, what it held back, exactly which tags were not written, and
 * which tagged images could not be signed.
 */
export function failIfAnyHeldBack(outcomes: ImageOutcome[]): void {
  const several = outcomes.length > 1
  const named = (outcome: ImageOutcome) =>
    several ? `${outcome.plan.spec.stage.name} (${outcome.plan.spec.repository}): ` : ''
  // Signing comes after the tags: an image that was asked to be signed and is not fails the step all the same.
  const unsigned = outcomes
    .filter((outcome) => outcome.signError)
    .map(
      (outcome) =>
        `${named(outcome)}${several ? 'the' : 'The'} tags were pushed, but signing failed: ${outcome.signError}`
    )
  const blocked = outcomes.filter((outcome) => outcome.gate?.blocked)
  if (blocked.length > 0) {
    const subject = several ? ` for ${blocked.map((outcome) => outcome.plan.spec.stage.name).join(', ')}` : ''
    const heldBack = outcomes
      .filter((outcome) => outcome.heldBackBy)
      .map((outcome) => outcome.plan.spec.stage.name)
    const held = heldBack.length > 0 ? `\nHeld back with them (gate: atomic): ${heldBack.join(', ')}.` : ''
    const released = outcomes.filter((outcome) => (outcome.release?.written.length ?? 0) > 0)
    const tagged =
      released.length > 0
        ? `\nTagged anyway (gate: per-target): ${released.map((outcome) => outcome.plan.spec.stage.name).join(', ')}.`
        : ''
    const reasons = blocked.map((outcome) => `${named(outcome)}${outcome.gate?.blocked}`).join('\n')
    const notSigned = unsigned.map((line) => `\n${line}`).join('')
    throw new GateError(`No tag was pushed${subject}: ${reasons}${held}${tagged}${notSigned}`)
  }
  const problems = outcomes.flatMap((outcome) => {
    const release = outcome.release
    if (!release) return []
    const lines: string[] = []
    if (release.problem) lines.push(`${named(outcome)}${release.problem}`)
    if (release.failed.length > 0) {
      const written =
        release.written.length > 0 ? `written: ${release.written.join(', ')}` : 'no tag was written'
      const failed = release.failed.map((failure) => `${failure.tag} (${failure.error})`).join('; ')
      lines.push(
        `${named(outcome)}${release.failed.length} of ${release.failed.length + release.written.length} tags could not be written: ${failed}. ${written[0].toUpperCase()}${written.slice(1)}.`
      )
    }
    if (release.loadError)
      lines.push(
        `${named(outcome)}the tags were pushed, but loading them into the Docker daemon ('load: true') failed: ${release.loadError}`
      )
    return lines
  })
  if (problems.length > 0) throw new ServiceError([...problems, ...unsigned].join('\n'), 'ReleaseFailed')
  if (unsigned.length > 0) throw new ServiceError(unsigned.join('\n'), 'SigningFailed')
}

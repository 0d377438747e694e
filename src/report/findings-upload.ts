import type { Config } from '../config/config.js'
import type { ChecksResult } from '../dockerfile/phase.js'
import { uploadSarifs } from '../github/code-scanning.js'
import type { RunContext } from '../github/context.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { GatePhaseResult } from '../scan/phase.js'
import { capAnnotations, emitAnnotations, findingAnnotations } from './annotations.js'

/**
 * Where findings land on the Dockerfile, whatever the verdict: annotations under one budget for the step
 * (scan findings first, then Dockerfile checks), and every SARIF of the step uploaded together.
 */
export async function publishFindings(request: {
  runner: Runner
  log: Log
  config: Config
  context: RunContext
  checks: ChecksResult
  gates: GatePhaseResult
}): Promise<void> {
  const { config, gates, checks, log } = request
  const scanned = gates.images.flatMap((image) => image?.findings ?? [])
  emitAnnotations(
    log,
    capAnnotations([
      ...findingAnnotations(scanned, config.dockerfile.relativePath, config.report.annotateSeverity),
      ...checks.annotations
    ])
  )
  const uploads = [...gates.images.flatMap((image) => image?.sarif ?? []), ...checks.sarif]
  const wanted = config.scan ? config.scan.sarifUpload : true
  if (!wanted || uploads.length === 0) return
  if (!config.githubToken) {
    log.warning("SARIF upload skipped: 'github-token' is empty.")
    return
  }
  await uploadSarifs(request.runner, log, request.context, uploads)
}

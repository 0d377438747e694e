import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { ImageOutcome } from '../outcome.js'
import { parseTrivyReport } from '../scan/trivy-report.js'
import type { AttestationType, PlannedAttestation } from './cosign.js'
import { predicatePath, writePredicate } from './files.js'
import type { SignRequest } from './phase.js'
import { provenancePredicate, runFactsFromEnv } from './provenance.js'
import { planSbom, sbomAttestationType } from './sbom.js'
import type { SigningSubject } from './subjects.js'
import { vulnPredicate } from './vuln.js'

/**
 * A dry run's attestations: the same kinds and `cosign attest --type` as a real run, without predicates (no gate
 * ran). Provenance is buildx's own where the 'provenance' input asks for it (v1 with `version=v1`, else v0.2).
 */
function plannedAttestations(
  config: SignRequest['config'],
  dir: string,
  subject: SigningSubject,
  index: boolean
): PlannedAttestation[] {
  const buildx = config.build.provenance !== '' && config.build.provenance !== 'false'
  const types = config.sign.attest.flatMap((kind): AttestationType[] => {
    if (kind === 'vuln') return config.scan ? ['vuln'] : []
    if (kind === 'sbom') return index ? [] : [sbomAttestationType(config.sign.sbomFormat)]
    return [buildx && !/version=v1/.test(config.build.provenance) ? 'slsaprovenance02' : 'slsaprovenance1']
  })
  return types.map((type) => ({ type, predicateFile: predicatePath(dir, subject, type) }))
}

/** What is attested about each digest: the index gets the merged scan, each platform its own, and its SBOM. */
export async function predicatesFor(
  request: SignRequest,
  outcome: ImageOutcome,
  subject: SigningSubject,
  index: boolean
): Promise<PlannedAttestation[]> {
  const { config, runner } = request
  const gate = outcome.gate
  const dir = path.join(outcome.plan.dir, 'attestations')
  if (runner.dryRun) return plannedAttestations(config, dir, subject, index)
  if (!gate) return []
  const run = runFactsFromEnv(request.env)
  const scans = subject.platform
    ? gate.scans.filter((scan) => scan.platform === subject.platform)
    : gate.scans
  const attestations: PlannedAttestation[] = []
  for (const kind of config.sign.attest) {
    if (kind === 'vuln' && config.scan) {
      const reports = await Promise.all(
        scans.map(async (scan) => ({
          report: parseTrivyReport(await readFile(scan.reportPath, 'utf8'), scan.reportPath),
          platform: scan.platform
        }))
      )
      const predicate = vulnPredicate({
        reports,
        artifactName: subject.reference,
        policy: {
          failOn: config.scan.failOn,
          severities: config.scan.severity,
          ignoreUnfixed: config.scan.ignoreUnfixed,
          scanners: config.scan.scanners,
          pkgTypes: config.scan.pkgTypes,
          ...(config.report.maxImageSize ? { maxImageSize: config.report.maxImageSize } : {})
        },
        passed: true,
        trivyVersion: gate.scanner.replace(/^Trivy /, ''),
        parameters: [
          `--severity=${config.scan.severity.join(',')}`,
          `--scanners=${config.scan.scanners.join(',')}`
        ],
        run,
        scanStartedOn: gate.startedAt,
        scanFinishedOn: gate.finishedAt
      })
      attestations.push(await writePredicate(dir, subject, 'vuln', predicate))
    }
    if (kind === 'provenance') {
      const metadata = outcome.built.metadata
      const buildx =
        (subject.platform && metadata[`buildx.build.provenance/${subject.platform}`]) ||
        metadata['buildx.build.provenance']
      const { type, predicate } = provenancePredicate({
        run,
        inputs: {
          target: outcome.plan.spec.stage.name,
          platforms: config.build.platforms,
          file: config.dockerfile.relativePath
        },
        ...(buildx ? { buildx } : {})
      })
      attestations.push(await writePredicate(dir, subject, type, predicate))
    }
    // One SBOM per platform image: an index has no packages of its own.
    if (kind === 'sbom' && (!index || gate.scans.length === 1) && scans[0] && request.trivy) {
      const type = sbomAttestationType(config.sign.sbomFormat)
      const output = predicatePath(dir, subject, type)
      await runner.run(
        planSbom({
          workspace: request.trivy,
          report: scans[0].reportPath,
          format: config.sign.sbomFormat,
          output
        })
      )
      attestations.push({ type, predicateFile: output })
    }
  }
  return attestations
}

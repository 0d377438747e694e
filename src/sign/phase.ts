import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { Config } from '../config/config.js'
import type { AttestationKind } from '../config/sign.js'
import type { EcrConnection } from '../ecr/connect.js'
import type { ImageOutcome } from '../outcome.js'
import { planGetImage, storedManifest } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import { parseTrivyReport } from '../scan/trivy-report.js'
import {
  planPublicKey,
  planSigning,
  signatureStorage,
  type CosignOptions,
  type PlannedAttestation
} from './cosign.js'
import {
  keyCredentials,
  keylessCredentials,
  plannedKeylessCredentials,
  type SigningCredentials
} from './credentials.js'
import { setupCosign } from './cosign-setup.js'
import { writePredicate } from './files.js'
import { provenancePredicate, runFactsFromEnv } from './provenance.js'
import {
  attestationDigests,
  checkReferrerBudget,
  explainCosignFailure,
  plannedReferrers,
  signatureDigest,
  signatureDigestFromLog,
  signatureTags,
  type ReferrerEntry
} from './referrers.js'
import { planSbom, sbomAttestationType } from './sbom.js'
import { signingSubjects, type ImageIndex, type SigningSubject } from './subjects.js'
import { signingSummary, type Signer } from './summary.js'
import { vulnPredicate } from './vuln.js'
import { CommandError } from '../errors.js'
import type { TrivyWorkspace } from '../scan/trivy.js'

export interface SignResult {
  signature?: string
  attestations: Partial<Record<AttestationKind, string>>
  /** The job summary's signing section. */
  summary: string
}

export interface SignRequest {
  runner: Runner
  probe: Runner
  log: Log
  config: Config
  env: NodeJS.ProcessEnv
  outcomes: ImageOutcome[]
  ecr?: EcrConnection
  /** Trivy as the gate ran it: an SBOM is converted from the gate's own report. */
  trivy?: TrivyWorkspace
}

/** Docker treats loopback registries as plain HTTP; cosign must be told so. ECR is always HTTPS. */
function insecure(registry: string): boolean {
  return /^(?:127\.\d+\.\d+\.\d+|localhost)(?::\d+)?$/.test(registry)
}

/** `GET /v2/<name>/referrers/<digest>` with the run's registry login: what is stored with a digest now. */
async function referrersOf(
  registry: string,
  repository: string,
  digest: string,
  ecr?: EcrConnection
): Promise<ReferrerEntry[]> {
  const login = ecr?.authorizations.find((authorization) => authorization.registry === registry)
  const scheme = insecure(registry) ? 'http' : 'https'
  const response = await fetch(`${scheme}://${registry}/v2/${repository}/referrers/${digest}`, {
    headers: {
      accept: 'application/vnd.oci.image.index.v1+json',
      ...(login
        ? { authorization: `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}` }
        : {})
    },
    signal: AbortSignal.timeout(15_000)
  })
  if (!response.ok) return []
  return ((await response.json()) as { manifests?: ReferrerEntry[] }).manifests ?? []
}

async function credentialsFor(request: SignRequest): Promise<SigningCredentials> {
  const { sign } = request.config
  if (sign.method === 'key')
    return keyCredentials(sign['sign-key'], sign['sign-key-password'], (secret) => request.log.mask(secret))
  // A token is short-lived: asked for only now, after the tags are on the digest.
  return request.runner.dryRun ? plannedKeylessCredentials(request.env) : keylessCredentials()
}

/** What is attested about each digest: the index gets the merged scan, each platform its own, and its SBOM. */
async function predicatesFor(
  request: SignRequest,
  outcome: ImageOutcome,
  subject: SigningSubject,
  index: boolean
): Promise<PlannedAttestation[]> {
  const { config, runner } = request
  const gate = outcome.gate
  if (!gate || runner.dryRun) return []
  const dir = path.join(outcome.plan.dir, 'attestations')
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
      const output = path.join(dir, `${subject.digest.replace(':', '-')}.${type}.json`)
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

/**
 * Signs and attests exactly what passed the gate, after its tags are written: the digest the tags point at,
 * and for an index each platform's digest. Nothing blocked, held back, unpushed or unwritten is ever signed.
 */
export async function signAll(request: SignRequest): Promise<ImageOutcome[]> {
  const { config, runner, outcomes } = request
  const signable = outcomes.filter(
    (outcome) => config.build.push && outcome.release?.digest && outcome.release.written.length > 0
  )
  if (!config.sign.sign || signable.length === 0) return outcomes
  const credentials = await credentialsFor(request)
  const cosign = runner.dryRun ? 'cosign' : await setupCosign(config.sign['skip-setup-cosign'])
  const setup = {
    cosign,
    credentials,
    transparencyLog: credentials.method === 'keyless' || config.sign['transparency-log']
  }
  return Promise.all(
    outcomes.map(async (outcome): Promise<ImageOutcome> => {
      if (!signable.includes(outcome)) return outcome
      try {
        return { ...outcome, signed: await signImage(request, outcome, setup) }
      } catch (error) {
        return { ...outcome, signError: (error as Error).message }
      }
    })
  )
}

async function signImage(
  request: SignRequest,
  outcome: ImageOutcome,
  setup: { cosign: string; credentials: SigningCredentials; transparencyLog: boolean }
): Promise<SignResult> {
  const { runner, probe } = request
  const { cosign, credentials, transparencyLog } = setup
  const digest = outcome.release?.digest as string
  const registry = outcome.plan.image.split('/')[0]
  const repository = outcome.plan.spec.repository
  const registryId = request.ecr?.repositories.get(repository)?.registryId
  const ref = { repository, ...(registryId ? { registryId } : {}) }
  const stored = runner.dryRun
    ? undefined
    : storedManifest(await probe.ecr(planGetImage(ref, { imageDigest: digest })))
  const index = stored ? (JSON.parse(stored.manifest) as ImageIndex) : undefined
  const subjects = signingSubjects(outcome.plan.image, digest, index)
  const storage = signatureStorage(registry)
  const options: CosignOptions = {
    cosign,
    credentials,
    storage,
    transparencyLog,
    allowInsecureRegistry: insecure(registry)
  }
  const plan = {
    ...options,
    subjects: await Promise.all(
      subjects.map(async (subject) => ({
        subject,
        attestations: await predicatesFor(
          request,
          outcome,
          subject,
          subject.platform === undefined && subjects.length > 1
        )
      }))
    )
  }
  if (storage === 'referrers' && !runner.dryRun) {
    const counts = await Promise.all(
      subjects.map(
        async (subject) =>
          [
            subject.digest,
            (await referrersOf(registry, repository, subject.digest, request.ecr)).length
          ] as const
      )
    )
    checkReferrerBudget(plannedReferrers(plan), Object.fromEntries(counts))
  }
  let stderr = ''
  for (const command of planSigning(plan)) {
    try {
      stderr += (await runner.run(command)).stderr
    } catch (error) {
      const explained =
        error instanceof CommandError
          ? explainCosignFailure(error.stderrTail, { reference: outcome.plan.image, repository })
          : undefined
      throw explained ?? error
    }
  }
  const signer: Signer =
    credentials.method === 'keyless'
      ? { method: 'keyless', identity: credentials.identity }
      : {
          method: 'key',
          publicKey: runner.dryRun ? '<public key>' : (await runner.run(planPublicKey(options))).stdout
        }
  const summary = signingSummary({
    signer,
    subjects: plan.subjects.map(({ subject, attestations }) => ({
      subject,
      attestations: attestations.map((attestation) => attestation.type)
    })),
    storage,
    transparencyLog
  })
  if (runner.dryRun) return { attestations: {}, summary }
  return { ...(await storedSignature(request, outcome, storage, stderr, digest)), summary }
}

/** The `signature` and `attestations` outputs: from the referrers API, or from cosign's tags. */
async function storedSignature(
  request: SignRequest,
  outcome: ImageOutcome,
  storage: 'referrers' | 'tags',
  stderr: string,
  digest: string
): Promise<Omit<SignResult, 'summary'>> {
  const registry = outcome.plan.image.split('/')[0]
  const repository = outcome.plan.spec.repository
  if (storage === 'referrers') {
    const entries = await referrersOf(registry, repository, digest, request.ecr)
    const signature = signatureDigestFromLog(stderr) ?? signatureDigest(entries)
    return { ...(signature ? { signature } : {}), attestations: attestationDigests(entries) }
  }
  const tags = signatureTags(digest)
  const tagged = async (tag: string) =>
    storedManifest(
      await request.probe
        .ecr(planGetImage({ repository }, { imageTag: tag }))
        .catch(() => ({ $metadata: {} }))
    )?.digest
  const [signature, attestations] = await Promise.all([tagged(tags.signature), tagged(tags.attestations)])
  return {
    ...(signature ? { signature } : {}),
    attestations: attestations
      ? Object.fromEntries(request.config.sign.attest.map((kind) => [kind, attestations]))
      : {}
  }
}

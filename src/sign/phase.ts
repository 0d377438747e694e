import type { Config } from '../config/config.js'
import type { AttestationKind } from '../config/sign.js'
import type { EcrConnection } from '../ecr/connect.js'
import type { ImageOutcome } from '../outcome.js'
import { imageRefIn, readManifest } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import {
  planPublicKey,
  planSigning,
  signatureStorage,
  type CosignOptions,
  type SigningRequest
} from './cosign.js'
import {
  keyCredentials,
  keylessCredentials,
  plannedKeylessCredentials,
  type SigningCredentials
} from './credentials.js'
import { setupCosign } from './cosign-setup.js'
import {
  checkReferrerBudget,
  checkTagScheme,
  explainCosignFailure,
  plannedReferrers,
  signatureTags,
  type ReferrerEntry
} from './referrers.js'
import { plannedSubjects, signingSubjects, type ImageIndex } from './subjects.js'
import { signingSummary, type Signer } from './summary.js'
import { predicatesFor } from './predicates.js'
import { insecure, listReferrers, storedSignature } from './store.js'
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

async function credentialsFor(request: SignRequest): Promise<SigningCredentials> {
  const { sign } = request.config
  if (sign.method === 'key')
    return keyCredentials(sign['sign-key'], sign['sign-key-password'], (secret) => request.log.mask(secret))
  // A token is short-lived: asked for only now, after the tags are on the digest.
  return request.runner.dryRun ? plannedKeylessCredentials(request.env) : keylessCredentials()
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
  const cosign = runner.dryRun ? 'cosign' : await setupCosign(config.sign['skip-setup-cosign'], request.log)
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

/**
 * Refuses, before anything is pushed, signing that the registry would refuse halfway: past the referrers limit
 * (counted from `listings`, each subject's referrers now), or a rewrite of cosign's tags in an IMMUTABLE repository.
 */
async function checkStorageLimits(
  request: SignRequest,
  plan: SigningRequest,
  ref: { repository: string; registryId?: string },
  listings: Array<ReferrerEntry[] | undefined>
): Promise<void> {
  const { subjects } = plan
  if (plan.storage === 'referrers') {
    const uncounted = subjects.filter((_, at) => listings[at] === undefined)
    if (uncounted.length > 0)
      request.log.warning(
        `The referrers of ${uncounted.map(({ subject }) => subject.reference).join(', ')} could not be listed, so the registry's limit of referrers per image was not checked before signing.`
      )
    checkReferrerBudget(
      plannedReferrers(plan),
      Object.fromEntries(subjects.map(({ subject }, at) => [subject.digest, listings[at]?.length ?? 0]))
    )
    return
  }
  if (request.ecr?.repositories.get(ref.repository)?.tagMutability !== 'IMMUTABLE') return
  const tags = subjects.flatMap(({ subject }) => Object.values(signatureTags(subject.digest)))
  const found = await Promise.all(
    tags.map(async (tag) =>
      (await readManifest(request.probe, ref, { imageTag: tag }).catch(() => undefined)) ? [tag] : []
    )
  )
  checkTagScheme(
    subjects.map(({ subject, attestations }) => ({
      reference: subject.reference,
      digest: subject.digest,
      attestations: attestations.map((attestation) => attestation.type)
    })),
    found.flat(),
    ref.repository
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
  const ref = imageRefIn(request.ecr, repository)
  const stored = runner.dryRun ? undefined : await readManifest(probe, ref, { imageDigest: digest })
  const index = stored ? (JSON.parse(stored.manifest) as ImageIndex) : undefined
  const subjects = runner.dryRun
    ? plannedSubjects(outcome.plan.image, request.config.build.platforms)
    : signingSubjects(outcome.plan.image, digest, index)
  // What each digest has stored now; the first answer also tells whether this registry has the referrers API.
  const listings = runner.dryRun
    ? undefined
    : await Promise.all(
        subjects.map((subject) => listReferrers(registry, repository, subject.digest, request.ecr))
      )
  const storage = signatureStorage(registry, listings !== undefined && listings[0] !== undefined)
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
  if (!runner.dryRun) await checkStorageLimits(request, plan, ref, listings ?? [])
  let stderr = ''
  for (const command of planSigning(plan)) {
    try {
      stderr += (await runner.run(command)).stderr
    } catch (error) {
      const explained =
        error instanceof CommandError
          ? explainCosignFailure(error.stderrTail, { reference: command.args.at(-1) ?? '', repository })
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
  const attested = plan.subjects[0].attestations.map((attestation) => attestation.type)
  return { ...(await storedSignature(request, outcome, { ref, digest, storage, stderr, attested })), summary }
}

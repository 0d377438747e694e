import type { Config } from '../config/config.js'
import type { AttestationKind } from '../config/sign.js'
import type { EcrConnection } from '../ecr/connect.js'
import type { ImageOutcome } from '../outcome.js'
import { planGetImage, storedManifest } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import { planPublicKey, planSigning, signatureStorage, type CosignOptions } from './cosign.js'
import {
  keyCredentials,
  keylessCredentials,
  plannedKeylessCredentials,
  type SigningCredentials
} from './credentials.js'
import { setupCosign } from './cosign-setup.js'
import { checkReferrerBudget, explainCosignFailure, plannedReferrers } from './referrers.js'
import { signingSubjects, type ImageIndex } from './subjects.js'
import { signingSummary, type Signer } from './summary.js'
import { predicatesFor } from './predicates.js'
import { insecure, referrersOf, storedSignature } from './store.js'
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
  // A dry run has no digest yet, only its '<digest>' placeholder: the plan signs that, as the top subject.
  const subjects = runner.dryRun
    ? [{ reference: `${outcome.plan.image}@${digest}`, digest }]
    : signingSubjects(outcome.plan.image, digest, index)
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

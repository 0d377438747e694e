import type { BuildResult } from '../build/build.js'
import type { ImagePlan } from '../build/plan.js'
import type { Config } from '../config/config.js'
import type { EcrConnection } from '../ecr/connect.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { GatePhaseResult } from '../scan/phase.js'
import { cleanUpBlocked } from './blocked.js'
import { imageRefIn } from './manifests.js'
import { planRemoveStaging, releaseImage, type ReleaseResult } from './release.js'

/** What the release did to one image: released, blocked, or held back for another's block. */
export interface Released {
  release?: ReleaseResult
  /** Stages whose block held this one back (`gate: atomic`). */
  heldBackBy?: string[]
  /** What became of a blocked image. */
  cleanup?: string
}

export interface ReleasePhaseRequest {
  runner: Runner
  probe: Runner
  log: Log
  config: Config
  plans: ImagePlan[]
  built: BuildResult[]
  gates: GatePhaseResult
  ecr?: EcrConnection
}

/**
 * Only what the gate released gets its final tags, images concurrently. With `gate: atomic` one blocked
 * image holds back every other; a blocked image is taken out of reach (daemon name removed, digest deleted).
 */
export async function releaseAll(request: ReleasePhaseRequest): Promise<Released[]> {
  const { config, plans, built, gates, runner, probe, log } = request
  const blocked = plans.filter((_, index) => gates.images[index]?.blocked)
  const blockedStages = blocked.map((plan) => plan.spec.stage.name)
  const keepBlocked = config.scan?.keepBlocked === true
  return Promise.all(
    plans.map(async (plan, index): Promise<Released> => {
      const gate = gates.images[index]
      const repository = plan.spec.repository
      const ref = imageRefIn(request.ecr, repository)
      if (gate?.blocked) {
        const cleanup = await cleanUpBlocked(runner, probe, {
          ...ref,
          delivery: plan.delivery,
          digest: built[index].digest,
          staging: plan.staging,
          keepBlocked
        })
        if (cleanup.note) log.info(cleanup.note)
        return { cleanup: cleanup.note }
      }
      if (config.gate === 'atomic' && blocked.length > 0) {
        // Held back, not blocked: its daemon name goes, as nothing will tag it; ECR holds nothing of it to delete.
        if (plan.delivery === 'daemon-staging')
          await runner.run(planRemoveStaging(plan.staging), { allowFailure: true })
        return { heldBackBy: blockedStages }
      }
      const release = await releaseImage(runner, probe, log, {
        ...ref,
        delivery: plan.delivery,
        image: plan.image,
        tags: plan.tags,
        built: built[index],
        ...(gates.held[index] ? { held: gates.held[index] } : {}),
        staging: plan.staging,
        push: config.build.push,
        load: config.build.load,
        immutable: request.ecr?.repositories.get(repository)?.tagMutability === 'IMMUTABLE'
      })
      if (release.written.length > 0)
        log.info(
          `${plan.spec.stage.name}: ${release.written.join(', ')}${release.digest ? ` → ${release.digest}` : ''}`
        )
      if (release.alreadyThere?.length)
        log.info(
          `${plan.spec.stage.name}: already there, left as they were: ${release.alreadyThere.join(', ')}`
        )
      return { release }
    })
  )
}

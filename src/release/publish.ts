import type { Runner } from '../run/command.js'
import { awsCall } from '../ecr/call.js'
import type { SizedLayer } from '../scan/size.js'
import type { BuildOutput, BuildResult } from '../build/build.js'
import type { EcrConnection } from '../ecr/connect.js'
import { ecrAccountOf, planPull, planTagDigest, pushLoaded, registryLayers, tagOnEcr } from './push.js'

export interface PublishRequest {
  output: BuildOutput
  built: BuildResult
  image: string
  repository: string
  tags: string[]
  ecr: EcrConnection
  /** The `load` input: an image tagged in the registry is pulled into the daemon by its tags. */
  load: boolean
}

/**
 * Gives the image that passed the gate its final tags; returns the digest every tag points at. A build that
 * pushed with its tags (no scan) is already published.
 */
export async function publish(runner: Runner, request: PublishRequest): Promise<string> {
  const { output, built, ecr } = request
  if (output === 'push') return built.digest
  if (output === 'load') return pushLoaded(runner, request.tags)
  if (ecrAccountOf(ecr.registry)) {
    await awsCall('PutImage', () =>
      tagOnEcr(ecr.client, {
        repository: request.repository,
        registryId: ecr.repositories.get(request.repository)?.registryId,
        digest: built.digest,
        tags: request.tags
      })
    )
  } else {
    await runner.run(planTagDigest(request.image, built.digest, request.tags), { stream: true })
  }
  if (request.load) for (const command of planPull(request.tags)) await runner.run(command, { stream: true })
  return built.digest
}

/** Compressed sizes from the pushed manifest, in place of the sizes the scan saw; undefined when they don't line up. */
export async function compressedLayers(
  runner: Runner,
  reference: string,
  layers: SizedLayer[] | undefined
): Promise<SizedLayer[] | undefined> {
  if (!layers) return undefined
  const pushed = await registryLayers(runner, reference)
  if (!pushed || pushed.length !== layers.length) return undefined
  return layers.map((layer, index) => ({ ...layer, digest: pushed[index].digest, size: pushed[index].size }))
}

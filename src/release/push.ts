import type { ECRClient } from '@aws-sdk/client-ecr'
import type { Command, Runner } from '../run/command.js'

const ecrHost = /^(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/

/** The account id when `host` is an ECR registry, else undefined (a plain registry). */
export function ecrAccountOf(host: string): string | undefined {
  return ecrHost.exec(host)?.[1]
}

/** The part after the last `:` of a full reference (registries may carry a port, tags never a `/`). */
export function tagOf(reference: string): string {
  const at = reference.lastIndexOf(':')
  return at > reference.lastIndexOf('/') ? reference.slice(at + 1) : 'latest'
}

/** A reference without its tag or digest: `host:5000/shop/web:v1` → `host:5000/shop/web`. */
export function repositoryOf(reference: string): string {
  const at = reference.indexOf('@')
  if (at >= 0) return reference.slice(0, at)
  const colon = reference.lastIndexOf(':')
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference
}

/**
 * How the scanned image gets its final tags, so the tagged digest is exactly the scanned one:
 * a daemon image (docker driver) is pushed tag by tag; a digest already in a plain registry is
 * tagged by `imagetools create`; on ECR the manifest is re-put under each tag (see tagOnEcr).
 */
export function planPushLoaded(tags: string[]): Command[] {
  return tags.map((tag) => ({ tool: 'docker', args: ['push', tag] }))
}

/** Pulls what a push by digest tagged, so `load: true` leaves the same tags in the daemon. */
export function planPull(tags: string[]): Command[] {
  return tags.map((tag) => ({ tool: 'docker', args: ['pull', '--quiet', tag] }))
}

export function planTagDigest(image: string, digest: string, tags: string[]): Command {
  return {
    tool: 'docker',
    args: ['buildx', 'imagetools', 'create', ...tags.flatMap((tag) => ['--tag', tag]), `${image}@${digest}`]
  }
}

/** `docker push` ends with `<tag>: digest: sha256:… size: N`. */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1]
}

export async function pushLoaded(runner: Runner, tags: string[]): Promise<string> {
  const digests = new Set<string>()
  for (const command of planPushLoaded(tags)) {
    const result = await runner.run(command, { stream: true })
    const digest = pushedDigest(result.stdout)
    if (digest) digests.add(digest)
  }
  if (digests.size !== 1) {
    throw new Error(`docker push reported ${digests.size} digests for one image: ${[...digests].join(', ')}`)
  }
  return [...digests][0]
}

/** ECR keeps the digest when the same manifest bytes are put under another tag (BatchGetImage → PutImage). */
export async function tagOnEcr(
  client: ECRClient,
  request: { repository: string; registryId?: string; digest: string; tags: string[] }
): Promise<void> {
  const { BatchGetImageCommand, PutImageCommand, ImageAlreadyExistsException } =
    await import('@aws-sdk/client-ecr')
  const registry = request.registryId ? { registryId: request.registryId } : {}
  const found = await client.send(
    new BatchGetImageCommand({
      ...registry,
      repositoryName: request.repository,
      imageIds: [{ imageDigest: request.digest }],
      acceptedMediaTypes: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json'
      ]
    })
  )
  const image = found.images?.[0]
  if (!image?.imageManifest) throw new Error(`ECR has no image ${request.digest} in ${request.repository}`)
  for (const tag of request.tags) {
    try {
      await client.send(
        new PutImageCommand({
          ...registry,
          repositoryName: request.repository,
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          imageDigest: request.digest,
          imageTag: tagOf(tag)
        })
      )
    } catch (error) {
      // The tag already names this very digest: nothing to do.
      if (!(error instanceof ImageAlreadyExistsException)) throw error
    }
  }
}

interface RegistryManifest {
  layers?: Array<{ digest: string; size: number }>
  manifests?: Array<{ digest: string; platform?: { os?: string } }>
}

/**
 * A manifest's layers as the registry stores them (compressed); for an index, those of its first platform
 * image (attestations, `unknown/unknown`, are skipped). Undefined when the image is not there.
 */
export async function registryLayers(
  runner: Runner,
  reference: string
): Promise<Array<{ digest: string; size: number }> | undefined> {
  const result = await runner.run(
    { tool: 'docker', args: ['buildx', 'imagetools', 'inspect', '--raw', reference] },
    { allowFailure: true }
  )
  if (result.exitCode !== 0) return undefined
  const manifest = JSON.parse(result.stdout) as RegistryManifest
  const platformImage = manifest.manifests?.find((entry) => entry.platform?.os !== 'unknown')
  if (platformImage) {
    return registryLayers(runner, `${repositoryOf(reference)}@${platformImage.digest}`)
  }
  return manifest.layers?.map((layer) => ({ digest: layer.digest, size: layer.size }))
}

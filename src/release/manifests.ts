import type { EcrConnection } from '../ecr/connect.js'
import type { Runner } from '../run/command.js'
import type { EcrRequest, EcrResponse } from '../run/ecr-request.js'

/** Every manifest type ECR stores, so BatchGetImage returns the manifest as it was pushed. */
export const manifestMediaTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]

export interface ImageRef {
  repository: string
  registryId?: string
}

/** BatchGetImage of one image by digest or tag. */
export function planGetImage(
  ref: ImageRef,
  id: { imageDigest: string } | { imageTag: string }
): EcrRequest<'BatchGetImage'> {
  return {
    operation: 'BatchGetImage',
    input: {
      ...(ref.registryId ? { registryId: ref.registryId } : {}),
      repositoryName: ref.repository,
      imageIds: [id],
      acceptedMediaTypes: manifestMediaTypes
    }
  }
}

export interface StoredManifest {
  digest: string
  manifest: string
  mediaType?: string
}

/** The manifest BatchGetImage returned; undefined when ECR has no such image. */
export function storedManifest(response: EcrResponse<'BatchGetImage'>): StoredManifest | undefined {
  const image = response.images?.[0]
  if (!image?.imageManifest) return undefined
  return {
    digest: image.imageId?.imageDigest ?? '',
    manifest: image.imageManifest,
    ...(image.imageManifestMediaType ? { mediaType: image.imageManifestMediaType } : {})
  }
}

interface ManifestJson {
  config?: { digest?: string }
  layers?: Array<{ digest: string; size: number }>
  manifests?: Array<{
    digest: string
    platform?: { os?: string; architecture?: string; variant?: string }
    annotations?: Record<string, string>
  }>
}

/** The image platforms an index lists, without buildx's attestation manifests (`unknown/unknown`). */
export function indexPlatforms(manifest: string): Array<{ platform: string; digest: string }> | undefined {
  const parsed = JSON.parse(manifest) as ManifestJson
  if (!parsed.manifests) return undefined
  return parsed.manifests.flatMap(({ digest, platform }) =>
    platform?.os && platform.os !== 'unknown' && platform.architecture
      ? [
          {
            platform: [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/'),
            digest
          }
        ]
      : []
  )
}

/** Every manifest an index names (platform images and attestations); empty for a single manifest. */
export function childDigests(manifest: string): string[] {
  return ((JSON.parse(manifest) as ManifestJson).manifests ?? []).map((entry) => entry.digest)
}

export function configDigest(manifest: string): string | undefined {
  return (JSON.parse(manifest) as ManifestJson).config?.digest
}

export function manifestLayers(manifest: string): Array<{ digest: string; size: number }> | undefined {
  return (JSON.parse(manifest) as ManifestJson).layers?.map((layer) => ({
    digest: layer.digest,
    size: layer.size
  }))
}

/** PutImage of the same manifest bytes under a tag: ECR keeps the digest, so the tag names exactly that image. */
export function planPutTag(ref: ImageRef, stored: StoredManifest, tag: string): EcrRequest<'PutImage'> {
  return {
    operation: 'PutImage',
    input: {
      ...(ref.registryId ? { registryId: ref.registryId } : {}),
      repositoryName: ref.repository,
      imageManifest: stored.manifest,
      ...(stored.mediaType ? { imageManifestMediaType: stored.mediaType } : {}),
      imageDigest: stored.digest,
      imageTag: tag
    }
  }
}

/** The part after the last `:` of a full reference (registries may carry a port, tags never a `/`). */
export function tagOf(reference: string): string {
  const at = reference.lastIndexOf(':')
  return at > reference.lastIndexOf('/') ? reference.slice(at + 1) : 'latest'
}

/** The manifest ECR holds for one digest or tag; undefined when it holds none. */
export async function readManifest(
  probe: Pick<Runner, 'ecr'>,
  ref: ImageRef,
  id: { imageDigest: string } | { imageTag: string }
): Promise<StoredManifest | undefined> {
  return storedManifest(await probe.ecr(planGetImage(ref, id)))
}

/** Where a target's repository lives: the registry its ECR connection found it in. */
export function imageRefIn(ecr: EcrConnection | undefined, repository: string): ImageRef {
  const registryId = ecr?.repositories.get(repository)?.registryId
  return { repository, ...(registryId ? { registryId } : {}) }
}

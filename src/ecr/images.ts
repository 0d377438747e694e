import { type ImageRef, indexPlatforms, manifestLayers, readManifest } from '../release/manifests.js'
import type { Runner } from '../run/command.js'

/**
 * The compressed layers of one platform of a stored image (by tag or digest): an index is followed to that
 * platform's manifest, or its first one. Undefined when ECR has no such image.
 */
export async function storedLayers(
  probe: Runner,
  ref: ImageRef,
  id: { imageDigest: string } | { imageTag: string },
  platform?: string
): Promise<Array<{ digest: string; size: number }> | undefined> {
  const stored = await readManifest(probe, ref, id)
  if (!stored) return undefined
  const platforms = indexPlatforms(stored.manifest)
  const child = platforms?.find((entry) => entry.platform === platform) ?? platforms?.[0]
  const manifest = child ? await readManifest(probe, ref, { imageDigest: child.digest }) : stored
  return manifest ? manifestLayers(manifest.manifest) : undefined
}

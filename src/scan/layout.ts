import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import * as path from 'node:path'

/** One platform's image inside an OCI layout, with its own single-image layout for Trivy's `--input`. */
export interface LayoutPlatform {
  platform: string
  manifestDigest: string
  configDigest: string
  /** The config's `rootfs.diff_ids`: the layers Trivy must report. */
  diffIds: string[]
  /** A layout holding only this platform's manifest (sharing the blobs), so nothing else can be scanned. */
  dir: string
}

/** What buildx's OCI exporter wrote: the image (an index or one manifest) and each platform of it. */
export interface LayoutImage {
  /** The digest of what the layout's index names: the same image the daemon holds under that id. */
  digest: string
  platforms: LayoutPlatform[]
}

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os?: string; architecture?: string; variant?: string }
}

interface OciManifest {
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
}

async function blob<T>(layout: string, digest: string): Promise<T> {
  const [algorithm, hex] = digest.split(':')
  return JSON.parse(await readFile(path.join(layout, 'blobs', algorithm, hex), 'utf8')) as T
}

function platformName(
  descriptor: Descriptor,
  config: { os?: string; architecture?: string; variant?: string }
): string {
  const source = descriptor.platform?.os ? descriptor.platform : config
  return [source.os, source.architecture, source.variant].filter(Boolean).join('/')
}

/** A layout next to `layout` that shares its blobs and lists one manifest. */
async function singleImageLayout(layout: string, descriptor: Descriptor, platform: string): Promise<string> {
  const dir = `${layout}-${platform.replace(/\//g, '-')}`
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  const plain = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size }
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [plain] }))
  await symlink(path.join(layout, 'blobs'), path.join(dir, 'blobs')).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
  return dir
}

/** Reads an OCI layout buildx wrote, skipping attestation manifests (`unknown/unknown`). */
export async function readLayout(layout: string): Promise<LayoutImage> {
  const top = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as OciManifest
  const image = top.manifests?.[0]
  if (!image) throw new Error(`${layout}/index.json names no image`)
  const manifest = await blob<OciManifest>(layout, image.digest)
  const descriptors = manifest.manifests ? manifest.manifests : [image]
  const platforms: LayoutPlatform[] = []
  for (const descriptor of descriptors) {
    if (descriptor.platform?.os === 'unknown') continue
    const imageManifest = descriptor === image ? manifest : await blob<OciManifest>(layout, descriptor.digest)
    if (!imageManifest.config) continue
    const config = await blob<{
      os?: string
      architecture?: string
      variant?: string
      rootfs?: { diff_ids?: string[] }
    }>(layout, imageManifest.config.digest)
    const platform = platformName(descriptor, config)
    platforms.push({
      platform,
      manifestDigest: descriptor.digest,
      configDigest: imageManifest.config.digest,
      diffIds: config.rootfs?.diff_ids ?? [],
      dir: await singleImageLayout(layout, descriptor, platform)
    })
  }
  return { digest: image.digest, platforms }
}

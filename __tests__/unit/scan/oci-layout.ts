import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

const index = 'application/vnd.oci.image.index.v1+json'
const manifestType = 'application/vnd.oci.image.manifest.v1+json'

/** Writes blobs into an OCI layout by their sha256, as buildx's OCI exporter does. */
export class LayoutWriter {
  constructor(readonly dir: string) {
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
    writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  }

  blob(text: string, mediaType: string): Descriptor {
    const hex = createHash('sha256').update(text).digest('hex')
    writeFileSync(path.join(this.dir, 'blobs', 'sha256', hex), text)
    return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(text) }
  }

  /** One platform's image: layers, a config naming their diff ids, and the manifest. */
  image(
    platform: { os: string; architecture: string; variant?: string },
    layerTexts: string[],
    given?: string[]
  ) {
    const layers = layerTexts.map((text) => this.blob(text, 'application/vnd.oci.image.layer.v1.tar+gzip'))
    const diffIds =
      given ?? layerTexts.map((text) => `sha256:${createHash('sha256').update(`diff ${text}`).digest('hex')}`)
    const config = this.blob(
      JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: diffIds }, history: [] }),
      'application/vnd.oci.image.config.v1+json'
    )
    const manifest = this.blob(
      JSON.stringify({ schemaVersion: 2, mediaType: manifestType, config, layers }),
      manifestType
    )
    return { manifest: { ...manifest, platform }, diffIds, configDigest: config.digest }
  }

  /** A buildx attestation manifest: platform unknown/unknown, naming the image it describes. */
  attestation(subject: Descriptor): Descriptor {
    const config = this.blob('{}', 'application/vnd.oci.image.config.v1+json')
    const statement = this.blob(
      '{"_type":"https://in-toto.io/Statement/v0.1"}',
      'application/vnd.in-toto+json'
    )
    const manifest = this.blob(
      JSON.stringify({ schemaVersion: 2, mediaType: manifestType, config, layers: [statement] }),
      manifestType
    )
    return {
      ...manifest,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': subject.digest,
        'vnd.docker.reference.type': 'attestation-manifest'
      }
    }
  }

  index(manifests: Descriptor[]): Descriptor {
    return this.blob(JSON.stringify({ schemaVersion: 2, mediaType: index, manifests }), index)
  }

  /** The layout's own index.json, naming one image (an index or a manifest), as buildx writes it. */
  top(image: Descriptor): void {
    const plain = { mediaType: image.mediaType, digest: image.digest, size: image.size }
    writeFileSync(
      path.join(this.dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: index,
        manifests: [{ ...plain, annotations: { 'io.containerd.image.name': 'staging:1' } }]
      })
    )
  }
}

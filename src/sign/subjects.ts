/** One digest that gets a signature and attestations: the image index (or single manifest), or one platform. */
export interface SigningSubject {
  /** `registry/repository@sha256:…`: cosign is only ever given digests, never tags. */
  reference: string
  digest: string
  /** `linux/arm64` for a platform's manifest of an index; undefined for the digest the tags point at. */
  platform?: string
}

/** The parts of an OCI image index / Docker manifest list this needs. */
export interface ImageIndex {
  mediaType?: string
  manifests?: Array<{
    digest: string
    mediaType?: string
    platform?: { os: string; architecture: string; variant?: string }
    annotations?: Record<string, string>
  }>
}

const digestPattern = /^sha256:[0-9a-f]{64}$/

function platformOf(entry: NonNullable<ImageIndex['manifests']>[number]): string | undefined {
  const platform = entry.platform
  // buildx's attestation manifests sit in the index as unknown/unknown; they are not images to sign.
  if (!platform || platform.os === 'unknown' || platform.architecture === 'unknown') return undefined
  if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return undefined
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/**
 * What to sign for a pushed digest: the digest itself and, when it is an index, each platform's manifest (a
 * per-platform policy checks those), never buildx's attestation manifests.
 */
export function signingSubjects(image: string, digest: string, index?: ImageIndex): SigningSubject[] {
  if (!digestPattern.test(digest))
    throw new Error(`'${digest}' is not a sha256 digest: only digests are signed.`)
  const top: SigningSubject = { reference: `${image}@${digest}`, digest }
  const platforms = (index?.manifests ?? []).flatMap((entry) => {
    const platform = platformOf(entry)
    return platform ? [{ reference: `${image}@${entry.digest}`, digest: entry.digest, platform }] : []
  })
  return [top, ...platforms]
}

/**
 * A dry run's subjects: nothing was pushed, so the digests are placeholders (`<digest>`, and for several
 * platforms `<linux/arm64 digest>` each), as the release prints them.
 */
export function plannedSubjects(image: string, platforms: string[]): SigningSubject[] {
  const top: SigningSubject = { reference: `${image}@<digest>`, digest: '<digest>' }
  if (platforms.length < 2) return [top]
  return [
    top,
    ...platforms.map((platform) => ({
      reference: `${image}@<${platform} digest>`,
      digest: `<${platform} digest>`,
      platform
    }))
  ]
}

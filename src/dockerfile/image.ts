/** An image reference split the way FROM reads it: `registry/name:tag@digest`. */
export interface ImageReference {
  /** The repository as written, e.g. `docker.io/library/python`. */
  name: string
  /** The repository without `docker.io/` and `library/`, e.g. `python`, `bitnami/redis`. */
  shortName: string
  tag: string
  digest: string
}

export function parseImage(reference: string): ImageReference {
  const [withoutDigest, digest = ''] = reference.trim().split('@', 2)
  const slash = withoutDigest.lastIndexOf('/')
  const colon = withoutDigest.lastIndexOf(':')
  const hasTag = colon > slash
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest
  const tag = hasTag ? withoutDigest.slice(colon + 1) : ''
  const shortName = name
    .toLowerCase()
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '')
  return { name, shortName, tag, digest }
}

/** Pinned: a digest, or a tag other than `latest`. */
export function isPinned(image: ImageReference): boolean {
  return image.digest !== '' || (image.tag !== '' && image.tag !== 'latest')
}

/**
 * Official images whose slim variant is the usual production base, and where `-slim` goes in their tags:
 * python and ruby put it after the version (`3.13-slim-bookworm`), node and debian at the end (`22-bookworm-slim`).
 */
const slimVariants: Record<string, 'after-version' | 'at-end'> = {
  python: 'after-version',
  ruby: 'after-version',
  perl: 'after-version',
  node: 'at-end',
  debian: 'at-end'
}

const codenames = /^(?:buster|bullseye|bookworm|trixie|forky)$/

/** The slim tag for a full official image (`python:3.13` → `3.13-slim`), or undefined when it is not one. */
export function slimTagFor(image: ImageReference): string | undefined {
  const placement = slimVariants[image.shortName]
  if (!placement) return undefined
  const tag = image.tag === '' || image.tag === 'latest' ? '' : image.tag
  if (/slim|alpine|windows|nanoserver|distroless/.test(tag)) return undefined
  if (tag === '') return image.shortName === 'debian' ? 'stable-slim' : '<version>-slim'
  if (placement === 'at-end') return `${tag}-slim`
  const parts = tag.split('-')
  const last = parts[parts.length - 1]
  if (parts.length > 1 && codenames.test(last)) return `${parts.slice(0, -1).join('-')}-slim-${last}`
  return `${tag}-slim`
}

import type { Comparison } from './comparison.js'
import type { Finding } from './findings.js'

/** What the base branch's image looks like, for the pull request comment's "compared with" section. */
export interface BaseComparison {
  /** The pull request's base branch, e.g. `main`. */
  ref: string
  /** The scanned image, e.g. `…/shop/web:main`; absent when the registry has no image for the base branch. */
  image?: string
  /** The base image's findings; absent when it was not scanned. */
  findings?: Finding[]
  /** The base image's compressed size. */
  size?: number
}

/** The comment's view of the gate's comparison with the base branch: scanned once, in the gate. */
export function baseComparisonOf(comparison: Comparison): BaseComparison {
  const scanned = comparison.platforms.flatMap((platform) => (platform.findings ? [platform.findings] : []))
  return {
    ref: comparison.ref,
    ...(comparison.image ? { image: comparison.image } : {}),
    ...(comparison.image && scanned.length > 0 ? { findings: scanned.flat() } : {}),
    ...(comparison.size !== undefined ? { size: comparison.size } : {})
  }
}

import { createHash } from 'node:crypto'

/** What `docker tag` accepts: a word character first, then up to 127 of `[A-Za-z0-9_.-]`. */
export const dockerTagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

const maxLength = 128
const keptLength = 120

/** True when a character may appear anywhere in a tag. */
export function isTagText(text: string): boolean {
  return /^[A-Za-z0-9_.-]*$/.test(text)
}

/**
 * Turns a ref-derived value into a valid tag: runs of other characters become `-`, leading `.`/`-` go,
 * and a value over 128 characters keeps 120 plus a short hash so distinct refs stay distinct.
 * Returns '' when nothing usable is left.
 */
export function sanitizeTag(value: string): string {
  const tag = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '')
  if (tag.length <= maxLength) return tag
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 7)
  return `${tag.slice(0, keptLength)}-${hash}`
}

/** `1 tag`, `3 tags`: a count with its noun, for messages and reports. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * Code-unit order for sorting names, ids and timestamps: the same on every runner whatever its locale, and it
 * does not load ICU's collator (`localeCompare`'s first call costs 5 to 20 ms of start-up).
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A message as a sentence: one full stop at the end, never two. */
export function sentence(message: string): string {
  return /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`
}

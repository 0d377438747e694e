/** `1 tag`, `3 tags`: a count with its noun, for messages and reports. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

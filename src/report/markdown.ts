/** Text for a table cell: one line; pipes, HTML, links, emphasis and @-mentions not interpreted. */
export function cell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]()#!|~]/g, (char) => `\\${char}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200b')
}

/** Our own Markdown in a table cell (e.g. a fix with code spans): one line, pipes and HTML escaped, formatting kept. */
export function markdownCell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Inline code in a table cell: entities are not decoded inside code spans, so only pipes and backticks change. */
export function code(text: string): string {
  return `\`${text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/`/g, "'")}\``
}

/** A link only to an https URL, percent-encoded so it cannot end early; anything else is plain text. */
export function link(text: string, url: string | undefined): string {
  if (!url) return cell(text)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return cell(text)
  }
  if (parsed.protocol !== 'https:') return cell(text)
  const safe = parsed.href.replace(
    /[()<>[\]"' |]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
  return `[${cell(text)}](${safe})`
}

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const rest = total % 60
  if (hours > 0) return `${hours}h ${minutes}m`
  if (minutes > 0) return `${minutes}m ${rest}s`
  return `${rest}s`
}

/** Cuts Markdown at a line boundary so it fits `maxBytes` (UTF-8), saying that it did. */
export function limitMarkdown(markdown: string, maxBytes: number): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown
  const note = '\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n'
  const room = maxBytes - Buffer.byteLength(note)
  const cut = Buffer.from(markdown)
    .subarray(0, Math.max(room, 0))
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  const lastLine = cut.lastIndexOf('\n')
  return `${lastLine > 0 ? cut.slice(0, lastLine) : cut}${note}`
}

/** One `.dockerignore` line: a pattern, and whether `!` makes it an exception. */
interface IgnorePattern {
  pattern: RegExp
  exception: boolean
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|\\]/g, '\\$&')
}

/** Docker's glob (`*`, `?`, `**`, `[...]`) as a regular expression over `/`-separated paths. */
function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/'
      source += slash ? '(?:.*/)?' : '.*'
      index += slash ? 2 : 1
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else if (char === '[') {
      const end = glob.indexOf(']', index)
      source += end > index ? glob.slice(index, end + 1).replace(/^\[!/, '[^') : '\\['
      index = end > index ? end : index
    } else source += escape(char)
  }
  return new RegExp(`^${source}$`)
}

export function parseDockerignore(text: string): IgnorePattern[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!')
      const path = (exception ? line.slice(1) : line)
        .trim()
        .replace(/^(\.\/|\/)+/, '')
        .replace(/\/+$/, '')
        // `.git/**` and `.git/*` empty the directory: for what reaches the image that is the same as `.git`.
        .replace(/\/\*\*?$/, '')
      return { pattern: globToRegExp(path), exception }
    })
}

/** Whether a top-level entry of the context is left out by the `.dockerignore`; the last matching line wins. */
export function isIgnored(entry: string, patterns: IgnorePattern[]): boolean {
  let ignored = false
  for (const { pattern, exception } of patterns) if (pattern.test(entry)) ignored = !exception
  return ignored
}

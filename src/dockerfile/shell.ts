import type { Instruction } from 'dockerfile-ast'
import { isExecForm } from './model.js'

/** One simple command of a RUN script: `DEBIAN_FRONTEND=noninteractive apt-get install -y gcc > /dev/null`. */
export interface ShellCommand {
  /** The command and its arguments, quotes removed; leading assignments, `sudo`, `env` and keywords dropped. */
  words: string[]
  /** Leading `NAME=value` assignments (also those given to `env`). */
  env: Record<string, string>
  /** Files written by `>`, `>>` and `tee` (not /dev/null, not fd duplication). */
  writes: string[]
  /** The command as written, for messages and pattern checks. */
  text: string
}

/** What a RUN executes, and the heredocs it feeds to a program as data (`cat <<EOF > file`). */
export interface RunScript {
  script: string
  data: string[]
}

const heredocStart = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g
const shells = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)(?:\s+-[A-Za-z]+)*\s*$/

/** Splits `<<EOF …\nbody\nEOF` into the first line and the bodies, in order. */
export function splitHeredocs(content: string): { command: string; bodies: string[] } {
  const lines = content.split('\n')
  const first = lines[0]
  const delimiters = [...first.matchAll(heredocStart)].map((match) => ({
    name: match[3],
    strip: match[1] === '-'
  }))
  if (delimiters.length === 0) return { command: content, bodies: [] }
  const bodies: string[] = []
  let index = 1
  for (const { name, strip } of delimiters) {
    const body: string[] = []
    while (index < lines.length && (strip ? lines[index].replace(/^\t+/, '') : lines[index]) !== name) {
      body.push(lines[index++])
    }
    index++
    bodies.push(body.join('\n'))
  }
  return { command: first.replace(heredocStart, ' ').trim(), bodies }
}

export function runScript(instruction: Instruction): RunScript {
  const content = instruction.getArgumentsContent() ?? ''
  if (isExecForm(instruction)) return { script: (JSON.parse(content) as string[]).join(' '), data: [] }
  const { command, bodies } = splitHeredocs(content)
  if (bodies.length === 0) return { script: command, data: [] }
  // `RUN <<EOF` and `RUN bash <<EOF` run the body; `RUN cat <<EOF > f` and `RUN python3 <<EOF` read it as data.
  if (command === '' || shells.test(command)) return { script: bodies.join('\n'), data: [] }
  return { script: command, data: bodies }
}

/** The sources of COPY or ADD (all arguments but the destination); a heredoc is `<<NAME`. */
export function copySources(instruction: Instruction): string[] {
  const content = instruction.getArgumentsContent() ?? ''
  if (isExecForm(instruction)) return (JSON.parse(content) as string[]).slice(0, -1)
  const heredocs = [...(content.split('\n')[0] ?? '').matchAll(heredocStart)].map((match) => `<<${match[3]}`)
  const words = splitHeredocs(content)
    .command.split(/\s+/)
    .filter((word) => word !== '')
  return [...heredocs, ...words.slice(0, -1)]
}

const keywords = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
  'exec'
])

/** Shell syntax before a command (`then make`), not part of it; `time` and `exec` are commands. */
const leadingKeywords = /^(?:(?:if|then|else|elif|do|while|until|!|\{)\s+)+/

function finish(raw: { words: string[]; writes: string[]; text: string }): ShellCommand | undefined {
  const words = [...raw.words]
  const env: Record<string, string> = {}
  for (;;) {
    const word = words[0]
    if (word === undefined) break
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word)
    if (assignment) env[assignment[1]] = assignment[2]
    else if (
      !keywords.has(word) &&
      word !== 'sudo' &&
      word !== 'env' &&
      !(word.startsWith('-') && raw.words[0] === 'sudo')
    )
      break
    words.shift()
  }
  const text = raw.text
    // Continued lines read as one, without the shell keyword that led into the command.
    .replace(/[ \t]*\\\n[ \t]*/g, ' ')
    .replace(/[\s;&|()]+$/, '')
    .trim()
    .replace(leadingKeywords, '')
  if (words.length === 0 && raw.writes.length === 0) return undefined
  const writes = [...raw.writes]
  if (words[0] === 'tee') writes.push(...words.slice(1).filter((word) => !word.startsWith('-')))
  return { words, env, writes: writes.filter((file) => !/^\/dev\/(null|stdout|stderr)$/.test(file)), text }
}

/**
 * The simple commands of a shell script, split at `&&`, `||`, `;`, `|`, `&` and newlines outside quotes.
 * Enough of sh to read what RUN lines install and write; not a full parser (no functions, no `case`).
 */
export function shellCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = []
  let current = { words: [] as string[], writes: [] as string[] }
  // The command's text is its span of the script (what findings quote), up to a comment if it has one.
  let start = 0
  let comment: number | undefined
  let word: string | undefined
  let redirect: 'write' | 'read' | undefined
  let quote: '"' | "'" | undefined
  let depth = 0
  const endWord = () => {
    if (word === undefined) return
    if (redirect === 'write') current.writes.push(word)
    else if (redirect === undefined) current.words.push(word)
    redirect = undefined
    word = undefined
  }
  const endCommand = (end: number) => {
    endWord()
    const command = finish({ ...current, text: script.slice(start, comment ?? end) })
    if (command) commands.push(command)
    current = { words: [], writes: [] }
    comment = undefined
  }
  for (let index = 0; index < script.length; index++) {
    const char = script[index]
    const next = script[index + 1]
    if (quote) {
      if (char === quote) quote = undefined
      else if (char === '\\' && quote === '"' && next !== undefined) {
        word = (word ?? '') + next
        index++
      } else word = (word ?? '') + char
      continue
    }
    if (depth > 0) {
      if (char === '(') depth++
      if (char === ')') depth--
      word = (word ?? '') + char
      continue
    }
    if (char === '\\' && next !== undefined) {
      if (next !== '\n') word = (word ?? '') + next
      index++
    } else if (char === "'" || char === '"') {
      quote = char
      word = word ?? ''
    } else if (char === '$' && next === '(') {
      depth = 1
      word = (word ?? '') + '$('
      index++
    } else if (char === '#' && word === undefined) {
      comment = index
      while (index + 1 < script.length && script[index + 1] !== '\n') index++
    } else if (char === '>' || char === '<') {
      const descriptor = word !== undefined && /^\d$/.test(word)
      if (descriptor) word = undefined
      endWord()
      const operator = char === '>' && (next === '>' || next === '|') ? 2 : 1
      const duplicate = script[index + operator] === '&'
      const heredoc = char === '<' && next === '<'
      index += operator - 1 + (duplicate || heredoc ? 1 : 0)
      redirect = char === '>' && !duplicate ? 'write' : 'read'
    } else if (char === '&' && next === '>') {
      endWord()
      index += script[index + 2] === '>' ? 2 : 1
      redirect = 'write'
    } else if (
      char === '\n' ||
      char === ';' ||
      char === '|' ||
      char === '&' ||
      char === '(' ||
      char === ')'
    ) {
      endCommand(index)
      if ((char === '&' || char === '|') && next === char) index++
      start = index + 1
    } else if (char === ' ' || char === '\t') {
      endWord()
    } else {
      word = (word ?? '') + char
    }
  }
  endCommand(script.length)
  return commands
}

/** A command's words without its options (`-y`, `--no-cache`), for finding subcommands. */
export function positional(words: string[]): string[] {
  return words.filter((word) => !word.startsWith('-'))
}

import { ConfigurationError } from '../errors.js'

/** Inputs by action.yml name, as the runner passes them (`INPUT_*`). */
export type RawInputs = Record<string, string | undefined>

/** A `key=value` item of a list input, split once at its first `=`. */
export interface Pair {
  key: string
  value: string
}

/** Longest value any input may have: far beyond real use, short enough that a typo'd paste is caught. */
export const maxInputLength = 64 * 1024
/**
 * The first control character other than tab and line breaks, the only ones a workflow legitimately writes.
 * A `\r` counts as one unless a `\n` follows: the runner starts a line at it, so text after it could be read as a command.
 */
function controlCharacterAt(value: string): number {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    const lineBreak = code === 0x0a || (code === 0x0d && value.charCodeAt(index + 1) === 0x0a)
    if ((code < 0x20 && code !== 0x09 && !lineBreak) || code === 0x7f) return index
  }
  return -1
}

/** Inputs as the runner passes them: `INPUT_<NAME>` with the name upper-cased, hyphens kept. */
export function readRawInputs(env: NodeJS.ProcessEnv): RawInputs {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([key]) => key.startsWith('INPUT_'))
      .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value])
  )
}

/** Refuses control characters and absurd lengths in any input, before its own rules look at it. */
export function checkRawInput(name: string, value: string | undefined): void {
  if (value === undefined) return
  if (value.length > maxInputLength) {
    throw new ConfigurationError(
      `Input '${name}' is ${value.length} characters long: at most ${maxInputLength} are accepted.`
    )
  }
  const at = controlCharacterAt(value)
  if (at >= 0) {
    throw new ConfigurationError(
      `Input '${name}' contains the control character U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at position ${at + 1}: only printable text, tabs and line breaks are accepted.`
    )
  }
}

/** A single-line input, trimmed; a line break inside it is an error (it would split a command or a log line). */
export function text(raw: RawInputs, name: string): string {
  const value = (raw[name] ?? '').trim()
  if (/[\r\n]/.test(value)) {
    throw new ConfigurationError(`Input '${name}' has more than one line: expected a single value.`)
  }
  return value
}

/** A single value that reaches a command as an argument: it must not look like a flag. */
export function argument(raw: RawInputs, name: string, what: string): string {
  const value = text(raw, name)
  if (value.startsWith('-')) {
    throw new ConfigurationError(
      `Input '${name}' is '${value}': expected ${what}, not something starting with '-'.`
    )
  }
  return value
}

export function bool(raw: RawInputs, name: string, fallback: boolean): boolean {
  const value = text(raw, name).toLowerCase()
  if (value === '') return fallback
  if (value === 'true') return true
  if (value === 'false') return false
  throw new ConfigurationError(`Input '${name}' is '${text(raw, name)}': expected 'true' or 'false'.`)
}

/** One of `allowed`, matched case-insensitively; `fallback` when empty. */
export function oneOf<T extends string>(raw: RawInputs, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(raw, name)
  if (value === '') return fallback
  const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase())
  if (!found) {
    throw new ConfigurationError(
      `Input '${name}' is '${value}': expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`
    )
  }
  return found
}

/** Non-empty lines of a multi-line input, each trimmed, with their 1-based line numbers. */
export function numberedLines(raw: RawInputs, name: string): { line: number; text: string }[] {
  return (raw[name] ?? '')
    .split(/\r?\n/)
    .map((value, index) => ({ line: index + 1, text: value.trim() }))
    .filter((item) => item.text !== '')
}

/** Splits `key=value` at the first `=`; undefined when there is no key. */
export function splitKeyValue(item: string): [string, string] | undefined {
  const at = item.indexOf('=')
  if (at <= 0) return undefined
  return [item.slice(0, at).trim(), item.slice(at + 1)]
}

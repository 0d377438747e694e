import { ConfigurationError } from '../errors.js'

/** Inputs by action.yml name, as the runner passes them (`INPUT_*`). */
export type RawInputs = Record<string, string | undefined>

export function text(raw: RawInputs, name: string): string {
  return (raw[name] ?? '').trim()
}

export function bool(raw: RawInputs, name: string, fallback: boolean): boolean {
  const value = text(raw, name).toLowerCase()
  if (value === '') return fallback
  if (value === 'true') return true
  if (value === 'false') return false
  throw new ConfigurationError(`Input '${name}' is '${raw[name]}': expected 'true' or 'false'.`)
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

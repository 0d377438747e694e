import { splitKeyValue } from '../config/values.js'

/** A `cache-ref` with a registry or repository part, rather than a bare tag. */
export function isFullReference(ref: string): boolean {
  return ref.includes('/') || ref.includes(':')
}

/** A buildx cache spec's `key=value` attributes, keys lower-cased. */
export function attributesOf(spec: string): [string, string][] {
  return spec
    .split(',')
    .map((item) => splitKeyValue(item.trim()))
    .filter((pair): pair is [string, string] => pair !== undefined)
    .map(([key, value]) => [key.toLowerCase(), value])
}

/** The exporter type of a raw spec; a bare reference means `registry`, as in buildx. */
export function typeOf(spec: string): string {
  const type = attributesOf(spec).find(([key]) => key === 'type')?.[1]
  return type ?? (spec.includes('=') ? '' : 'registry')
}

/** Cache exporters for which buildx accepts `ignore-error`. */
const ignorableExporters = ['registry', 'gha', 'local', 's3', 'azblob']

/** Adds `ignore-error=true` to an export that accepts it: a cache must never fail a build. */
export function withIgnoreError(spec: string): string {
  const ignorable = ignorableExporters.includes(typeOf(spec))
  const explicit = attributesOf(spec).some(([key]) => key === 'ignore-error')
  return ignorable && !explicit ? `${spec},ignore-error=true` : spec
}

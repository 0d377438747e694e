import * as path from 'node:path'
import { ConfigurationError } from '../errors.js'
import { parseList } from './lists.js'
import { allowedPath } from './dockerfile.js'
import {
  argument,
  bool,
  numberedLines,
  oneOf,
  splitKeyValue,
  text,
  type Pair,
  type RawInputs
} from './values.js'

export type Driver = 'docker-container' | 'docker'
/** Where the image's created time comes from: the named commit (reproducible rebuilds) or the build. */
export type CreatedFrom = 'commit' | 'now'

export interface Secret {
  id: string
  value: string
}

export interface SecretFile {
  id: string
  /** Absolute path inside the workspace or RUNNER_TEMP. */
  path: string
}

/** How the image is built, from the build inputs; paths are absolute. */
export interface BuildConfig {
  context: string
  /** The `file` input as written (for messages), and its absolute path. */
  file: string
  filePath: string
  buildArgs: Pair[]
  secrets: Secret[]
  secretFiles: SecretFile[]
  labels: Pair[]
  platforms: string[]
  push: boolean
  load: boolean
  noCache: boolean
  pull: boolean
  provenance: string
  sbom: string
  driver: Driver
  /** An existing builder to use; '' creates one (docker-container) or uses the daemon's. */
  builder: string
  created: CreatedFrom
}

const labelKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/
const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/
const secretIdPattern = /^[A-Za-z0-9_.-]+$/
const builderPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const attestationPattern = /^[A-Za-z0-9=,._:/-]*$/
/** What buildx builds on a Linux runner, natively or with QEMU. */
const linuxPlatforms = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/arm64',
  'linux/arm64/v8',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64le',
  'linux/mips64',
  'linux/loong64'
]

/** `key=value` lines; an error names the line, and shows it unless the input holds secrets. */
function numberedPairs(
  raw: RawInputs,
  name: string,
  keyPattern: RegExp,
  what: string,
  secret = false
): Array<Pair & { line: number }> {
  return numberedLines(raw, name)
    .filter((item) => !item.text.startsWith('#'))
    .map(({ line, text: item }) => {
      // A line is read as build-push-action reads it: quotes may protect commas.
      const value = parseList(item, `Line ${line} of '${name}'`, { perLine: true })[0] ?? ''
      const pair = splitKeyValue(value)
      if (!pair || !keyPattern.test(pair[0])) {
        const shown = secret ? '' : ` is '${item}'`
        const hidden = secret ? ' (its text is not shown: it may be part of a secret)' : ''
        throw new ConfigurationError(
          `Line ${line} of '${name}'${shown}: expected ${what}, one per line${hidden}.`
        )
      }
      return { line, key: pair[0], value: pair[1] }
    })
}

function pairs(raw: RawInputs, name: string, keyPattern: RegExp, what: string, secret = false): Pair[] {
  return numberedPairs(raw, name, keyPattern, what, secret).map(({ key, value }) => ({ key, value }))
}

function platformsOf(raw: RawInputs): string[] {
  const platforms = parseList(raw.platforms ?? '', `Input 'platforms'`).map((platform) =>
    platform.toLowerCase()
  )
  const unknown = platforms.find((platform) => !linuxPlatforms.includes(platform))
  if (unknown !== undefined) {
    throw new ConfigurationError(
      `Input 'platforms' has '${unknown}': expected Linux platforms buildx can build here, comma-separated: ${linuxPlatforms.join(', ')}.`
    )
  }
  const repeated = platforms.find((platform, index) => platforms.indexOf(platform) !== index)
  if (repeated !== undefined) {
    throw new ConfigurationError(`Input 'platforms' names '${repeated}' twice: list each platform once.`)
  }
  return platforms
}

function attestation(raw: RawInputs, name: 'provenance' | 'sbom'): string {
  const value = argument(raw, name, `buildx's --${name} value (e.g. 'false', 'true', 'mode=max')`)
  if (!attestationPattern.test(value)) {
    throw new ConfigurationError(
      `Input '${name}' is '${value}': expected buildx's --${name} value, e.g. 'false', 'true' or 'mode=max' (letters, digits and = , . _ : / -).`
    )
  }
  return value
}

/** The commit's time reaches BuildKit as SOURCE_DATE_EPOCH; a second one from `build-args` would contradict it. */
function createdFrom(raw: RawInputs, buildArgs: Pair[]): CreatedFrom {
  const created = oneOf(raw, 'created', ['commit', 'now'] as const, 'commit')
  if (created === 'commit' && buildArgs.some((arg) => arg.key === 'SOURCE_DATE_EPOCH')) {
    throw new ConfigurationError(
      `Input 'build-args' sets SOURCE_DATE_EPOCH, which 'created: commit' sets from the commit's time: remove it, or set 'created: now' to pass your own.`
    )
  }
  return created
}

function secretFiles(raw: RawInputs, roots: { workspace: string; runnerTemp?: string }): SecretFile[] {
  return numberedPairs(raw, 'secret-files', secretIdPattern, 'id=path').map(({ line, key, value }) => {
    if (/[,"]/.test(value)) {
      throw new ConfigurationError(
        `Line ${line} of 'secret-files' has a path with ',' or '"': buildx would read the rest as more --secret attributes. Rename the file or move it.`
      )
    }
    return { id: key, path: allowedPath('secret-files', value.trim(), roots, 'file', line) }
  })
}

export function parseBuildConfig(
  raw: RawInputs,
  roots: { workspace: string; runnerTemp?: string }
): BuildConfig {
  const contextInput = text(raw, 'context') || '.'
  const context = allowedPath('context', contextInput, roots, 'directory')
  const file = text(raw, 'file') || path.join(contextInput, 'Dockerfile')
  const builder = argument(raw, 'builder', 'the name of an existing buildx builder')
  if (builder !== '' && !builderPattern.test(builder)) {
    throw new ConfigurationError(
      `Input 'builder' is '${builder}': expected a buildx builder name (letters, digits, '_', '.', '-').`
    )
  }
  const buildArgs = pairs(raw, 'build-args', buildArgNamePattern, 'NAME=value')
  return {
    context,
    file,
    filePath: allowedPath('file', file, roots, 'file', undefined, 'Dockerfile'),
    buildArgs,
    secrets: pairs(raw, 'secrets', secretIdPattern, 'id=value', true).map(({ key, value }) => ({
      id: key,
      value
    })),
    secretFiles: secretFiles(raw, roots),
    labels: pairs(raw, 'labels', labelKeyPattern, 'key=value'),
    platforms: platformsOf(raw),
    push: bool(raw, 'push', true),
    load: bool(raw, 'load', false),
    noCache: bool(raw, 'no-cache', false),
    pull: bool(raw, 'pull', false),
    provenance: attestation(raw, 'provenance'),
    sbom: attestation(raw, 'sbom'),
    driver: oneOf(raw, 'driver', ['docker-container', 'docker'] as const, 'docker-container'),
    builder,
    created: createdFrom(raw, buildArgs)
  }
}

import { ConfigurationError } from '../errors.js'
import { attributesOf, isFullReference, typeOf } from '../cache/specs.js'
import { parseList } from './lists.js'
import { numberedLines, text, type RawInputs } from './values.js'

export const cacheBackends = ['gha', 'registry', 'inline', 'local'] as const
export type CacheBackend = (typeof cacheBackends)[number]
export type CacheMode = 'max' | 'min'

/** The cache inputs; an empty `backends` means "pick the default for where the job runs". */
export interface CacheConfig {
  backends: CacheBackend[] | 'none'
  /** Raw `cache-from` / `cache-to` specs that replace the planned ones. */
  from: string[]
  to: string[]
  mode: CacheMode
  /** A tag, or a full reference `<registry>/<repository>:<tag>`; '' for the default. */
  ref: string
  repository: string
}

const ecrRepositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
/** `host[:port]/repo/path:tag`: what docker accepts as a reference with a tag, and nothing like `..`. */
const fullReferencePattern =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
/** Attributes that carry credentials: buildx reads them from the environment, and argv is printed. */
const credentialAttributes = ['token', 'ghtoken', 'secret_access_key', 'session_token']
const knownTypes = ['registry', 'gha', 'local', 'inline', 's3', 'azblob']

function rawSpecs(raw: RawInputs, name: 'cache-from' | 'cache-to'): string[] {
  return numberedLines(raw, name)
    .filter((item) => !item.text.startsWith('#'))
    .map(({ line, text: item }) => {
      const spec = parseList(item, `Line ${line} of '${name}'`, { perLine: true })[0] ?? ''
      const credential = attributesOf(spec).find(([key]) => credentialAttributes.includes(key))
      if (credential) {
        throw new ConfigurationError(
          `Line ${line} of '${name}' has a '${credential[0]}=' attribute: credentials must not be in build arguments, which are printed. Leave it out: buildx reads ACTIONS_RUNTIME_TOKEN and AWS credentials from the environment.`
        )
      }
      const type = typeOf(spec)
      const bareReference = !spec.includes('=') && fullReferencePattern.test(spec)
      // typeOf reads a spec without '=' as a registry reference: only a real reference passes as one.
      const typed = spec.includes('=') && knownTypes.includes(type)
      if (spec.startsWith('-') || !(bareReference || typed)) {
        throw new ConfigurationError(
          `Line ${line} of '${name}' is '${spec}': expected buildx's form 'type=<${knownTypes.join('|')}>,<key>=<value>,...' (e.g. 'type=registry,ref=<registry>/<repository>:buildcache') or a bare image reference.`
        )
      }
      return spec
    })
}

function backendsOf(raw: RawInputs): CacheBackend[] | 'none' {
  const names = [...new Set(parseList(raw.cache ?? '', `Input 'cache'`).map((name) => name.toLowerCase()))]
  const unknown = names.find(
    (name) => name !== 'none' && !(cacheBackends as readonly string[]).includes(name)
  )
  if (unknown !== undefined) {
    throw new ConfigurationError(
      `Input 'cache' has '${unknown}': expected a comma list of gha, registry, inline, local, none.`
    )
  }
  if (names.includes('none') && names.length > 1) {
    throw new ConfigurationError(
      `Input 'cache' is '${text(raw, 'cache')}': 'none' cannot be combined with other backends.`
    )
  }
  return names.includes('none') ? 'none' : (names as CacheBackend[])
}

/** Parses the cache inputs; throws ConfigurationError naming the input (and line) on the first mistake. */
export function parseCacheConfig(raw: RawInputs): CacheConfig {
  const mode = text(raw, 'cache-mode').toLowerCase() || 'max'
  if (mode !== 'max' && mode !== 'min') {
    throw new ConfigurationError(
      `Input 'cache-mode' is '${text(raw, 'cache-mode')}': expected 'max' or 'min'.`
    )
  }
  const ref = text(raw, 'cache-ref')
  const validRef = isFullReference(ref) ? fullReferencePattern.test(ref) : tagPattern.test(ref)
  if (ref !== '' && !validRef) {
    throw new ConfigurationError(
      `Input 'cache-ref' is '${ref}': expected a tag (e.g. 'buildcache-web') or a full reference '<registry>/<repository>:<tag>' (e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/cache:web').`
    )
  }
  const repository = text(raw, 'cache-repository')
  if (
    repository !== '' &&
    (repository.length < 2 || repository.length > 256 || !ecrRepositoryPattern.test(repository))
  ) {
    throw new ConfigurationError(
      `Input 'cache-repository' is '${repository.length > 80 ? `${repository.slice(0, 80)}…` : repository}': expected an ECR repository name with mutable tags, 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web-cache').`
    )
  }
  return {
    backends: backendsOf(raw),
    from: rawSpecs(raw, 'cache-from'),
    to: rawSpecs(raw, 'cache-to'),
    mode,
    ref,
    repository
  }
}

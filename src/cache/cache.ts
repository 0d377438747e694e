import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rename, rm } from 'node:fs/promises'
import * as path from 'node:path'
import * as core from '@actions/core'
import semver from 'semver'
import { ConfigurationError } from '../errors.js'
import { parseList, splitKeyValue } from '../config/list.js'

export type CacheBackend = 'gha' | 'registry' | 'inline' | 'local'
export type CacheMode = 'max' | 'min'

/** The cache inputs, keyed by their action.yml names; an empty `cache` means "pick the default". */
export interface CacheInputs {
  cache: CacheBackend[] | 'none'
  'cache-from': string[]
  'cache-to': string[]
  'cache-mode': CacheMode
  'cache-ref': string
  'cache-repository': string
}

/** What the run knows about the builder, runner and repository: probed once, passed in as data. */
export interface CacheFacts {
  driver: 'docker' | 'docker-container'
  buildxVersion: string
  /** From `docker buildx inspect` (docker-container driver); undefined when unknown. */
  buildkitVersion?: string
  /** Only read for the presence of ACTIONS_* variables: no value ever reaches an argument. */
  env: Record<string, string | undefined>
  /** `<account>.dkr.ecr.<region>.amazonaws.com`; '' when the step pushes nowhere (`push: false`). */
  registry: string
  repository: string
  /** The image repository's tags are immutable (DescribeRepositories). */
  tagImmutable: boolean
  /** The stage being built. */
  target: string
  platforms: string[]
  /** The current branch (on pull requests the head branch); undefined for tags. */
  branch?: string
  defaultBranch?: string
  /** `<registry>/<repository>`, whose earlier pushes are the inline cache. */
  image: string
  /** Tags of earlier pushes to read inline cache from: this ref's own tag, then the default branch's. */
  previousTags: string[]
  localCacheDir: string
  /** sha256 of the Dockerfile and lockfiles (`hashCacheDependencies`); only the local backend uses it. */
  dependencyHash: string
  /** RUNNER_ENVIRONMENT is `github-hosted`. */
  hostedRunner: boolean
}

export interface LocalCachePlan {
  /** Restored before the build, read with `--cache-from`; replaced by exportDir after the build. */
  restoreDir: string
  /** Written by `--cache-to`: a fresh directory, so the cache never accumulates old layers. */
  exportDir: string
  key: string
  restoreKeys: string[]
}

export interface CachePlan {
  /** `--cache-from`/`--cache-to` flags, literal and in order, for the build command. */
  args: string[]
  warnings: string[]
  local?: LocalCachePlan
  backends: CacheBackend[]
}

export const cacheBackends = ['gha', 'registry', 'inline', 'local'] as const

const ecrRepositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
/** Attributes that carry credentials: buildx reads them from the environment, and argv is printed. */
const credentialAttributes = ['token', 'ghtoken', 'secret_access_key', 'session_token']
/** Cache exporters for which buildx accepts `ignore-error`. */
const ignorableExporters = ['registry', 'gha', 'local', 's3', 'azblob']

function rawSpecs(raw: Record<string, string | undefined>, name: 'cache-from' | 'cache-to'): string[] {
  const specs = parseList(raw[name] ?? '', { perLine: true })
  for (const spec of specs) {
    const credential = attributesOf(spec).find(([key]) => credentialAttributes.includes(key))
    if (credential) {
      throw new ConfigurationError(
        `Input '${name}' has a '${credential[0]}=' attribute: credentials must not be in build arguments, which are printed. Leave it out: buildx reads ACTIONS_RUNTIME_TOKEN and AWS credentials from the environment.`
      )
    }
  }
  return specs
}

/** Parses the cache inputs; throws ConfigurationError naming the input on the first mistake. */
export function parseCacheInputs(raw: Record<string, string | undefined>): CacheInputs {
  const names = [...new Set(parseList(raw.cache ?? '').map((name) => name.toLowerCase()))]
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
      `Input 'cache' is '${raw.cache?.trim()}': 'none' cannot be combined with other backends.`
    )
  }
  const mode = (raw['cache-mode'] ?? '').trim().toLowerCase() || 'max'
  if (mode !== 'max' && mode !== 'min') {
    throw new ConfigurationError(`Input 'cache-mode' is '${raw['cache-mode']}': expected 'max' or 'min'.`)
  }
  const ref = (raw['cache-ref'] ?? '').trim()
  if (ref !== '' && (/[\s,]/.test(ref) || (!isFullReference(ref) && !tagPattern.test(ref)))) {
    throw new ConfigurationError(
      `Input 'cache-ref' is '${ref}': expected a tag (e.g. 'buildcache-web') or a full reference (e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/cache:web'), without spaces or commas.`
    )
  }
  const repository = (raw['cache-repository'] ?? '').trim()
  if (repository !== '' && !ecrRepositoryPattern.test(repository)) {
    throw new ConfigurationError(
      `Input 'cache-repository' is '${repository}': expected an ECR repository name with mutable tags, lowercase letters, digits and '._-/' separators (e.g. 'shop/web-cache').`
    )
  }
  return {
    cache: names.includes('none') ? 'none' : (names as CacheBackend[]),
    'cache-from': rawSpecs(raw, 'cache-from'),
    'cache-to': rawSpecs(raw, 'cache-to'),
    'cache-mode': mode,
    'cache-ref': ref,
    'cache-repository': repository
  }
}

function isFullReference(ref: string): boolean {
  return ref.includes('/') || ref.includes(':')
}

function attributesOf(spec: string): [string, string][] {
  return spec
    .split(',')
    .map((item) => splitKeyValue(item.trim()))
    .filter((pair): pair is [string, string] => pair !== undefined)
    .map(([key, value]) => [key.toLowerCase(), value])
}

/** The exporter type of a raw spec; a bare reference means `registry`, as in buildx. */
function typeOf(spec: string): string {
  const type = attributesOf(spec).find(([key]) => key === 'type')?.[1]
  return type ?? (spec.includes('=') ? '' : 'registry')
}

/** Characters safe in a tag, a gha scope and a cache key. */
function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '')
}

function platformSuffix(platforms: string[]): string {
  return [...platforms].sort().map(sanitize).join('_')
}

/** `<repository>-<target>[-<platforms>]`: one cache per image, stage and platform set, shared by gha and local. */
function cacheScope(facts: Pick<CacheFacts, 'repository' | 'target' | 'platforms'>): string {
  const parts = [facts.repository, facts.target || 'default']
  if (facts.platforms.length > 0) parts.push(platformSuffix(facts.platforms))
  return parts.map(sanitize).join('-')
}

export function localCacheKey(scope: string, dependencyHash: string): { key: string; restoreKeys: string[] } {
  return { key: `buildx-${scope}-${dependencyHash}`, restoreKeys: [`buildx-${scope}-`] }
}

function truthy(value: string | undefined): boolean {
  return /^(1|true|yes)$/i.test((value ?? '').trim())
}

function hasCacheService(env: CacheFacts['env']): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL))
}

function defaultBackends(facts: CacheFacts): CacheBackend[] {
  const gha = facts.driver !== 'docker' && facts.hostedRunner && hasCacheService(facts.env)
  if (!facts.registry) return gha ? ['gha'] : []
  if (facts.driver === 'docker') return ['inline']
  return gha ? ['gha'] : ['registry']
}

const needsRegistry = (backend: CacheBackend) => backend === 'registry' || backend === 'inline'

/** Why gha can't be used here, with what to do about it; undefined when it can. */
function ghaProblem(facts: CacheFacts): string | undefined {
  if (!hasCacheService(facts.env)) {
    return `Cache: 'gha' needs the runner's cache service, but ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL are not set in this step's environment (the runner gives them to every JavaScript action; is this running outside GitHub Actions?). Using the registry cache instead.`
  }
  if (!truthy(facts.env.ACTIONS_CACHE_SERVICE_V2)) return undefined
  const buildx = semver.coerce(facts.buildxVersion)?.version ?? '0.0.0'
  if (semver.lt(buildx, '0.21.0')) {
    return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs buildx 0.21.0 or later; this runner has buildx ${facts.buildxVersion}. Add docker/setup-buildx-action with 'version: latest' before this step, or set 'cache: registry'. Using the registry cache instead.`
  }
  const buildkit = facts.buildkitVersion ? semver.coerce(facts.buildkitVersion)?.version : undefined
  if (buildkit && semver.lt(buildkit, '0.20.0')) {
    return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs BuildKit 0.20.0 or later; the builder runs BuildKit ${facts.buildkitVersion}. Create the builder with docker/setup-buildx-action and 'driver-opts: image=moby/buildkit:buildx-stable-1' (or at least moby/buildkit:v0.20.0) and pass its name as 'builder', or set 'cache: registry'. Using the registry cache instead.`
  }
  return undefined
}

function registryCacheRef(inputs: CacheInputs, facts: CacheFacts): string {
  const ref = inputs['cache-ref']
  if (ref && isFullReference(ref)) return ref
  const suffix = facts.platforms.length > 0 ? `-${platformSuffix(facts.platforms)}` : ''
  const tag = ref || `buildcache-${sanitize(facts.target) || 'default'}${suffix}`.slice(0, 128)
  return `${facts.registry}/${inputs['cache-repository'] || facts.repository}:${tag}`
}

/** The registry cache tag would live in the image repository, whose tags can't be overwritten. */
function registryImmutable(inputs: CacheInputs, facts: CacheFacts): boolean {
  if (!facts.tagImmutable || isFullReference(inputs['cache-ref'])) return false
  return !inputs['cache-repository'] || inputs['cache-repository'] === facts.repository
}

function resolveBackends(
  requested: CacheBackend[],
  inputs: CacheInputs,
  facts: CacheFacts,
  warnings: string[]
): CacheBackend[] {
  if (!facts.registry && requested.some(needsRegistry)) {
    warnings.push(
      `Cache: ${requested
        .filter(needsRegistry)
        .map((b) => `'${b}'`)
        .join(
          ', '
        )} cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push.`
    )
    return resolveBackends(
      requested.filter((backend) => !needsRegistry(backend)),
      inputs,
      facts,
      warnings
    )
  }
  const exporting = requested.filter((backend) => backend !== 'inline')
  if (facts.driver === 'docker' && exporting.length > 0) {
    const fallback = facts.registry
      ? 'so this build uses inline cache'
      : 'and without a push there is no inline cache either, so this build uses none'
    warnings.push(
      `Cache: the docker driver can't export ${exporting.map((b) => `'${b}'`).join(', ')} cache (it only embeds 'inline' cache in the image), ${fallback}. For gha, registry or local cache, use 'driver: docker-container' (the default).`
    )
    return facts.registry ? ['inline'] : []
  }
  const resolved = requested.map((backend): CacheBackend => {
    if (backend !== 'gha') return backend
    const problem = ghaProblem(facts)
    if (!problem) return 'gha'
    warnings.push(problem)
    return 'registry'
  })
  const withRegistry = resolved.map((backend): CacheBackend => {
    if (backend !== 'registry' || !registryImmutable(inputs, facts)) return backend
    const tag = registryCacheRef(inputs, facts).split(':').pop()
    warnings.push(
      `Cache: ECR repository '${facts.repository}' has immutable tags, so the registry cache tag '${tag}' could be written once and never updated (docker/build-push-action#1042). Set 'cache-repository' to a repository with mutable tags (e.g. '${facts.repository}-cache'), or 'cache: gha'. Using inline cache instead.`
    )
    return 'inline'
  })
  return [...new Set(withRegistry)]
}

function withIgnoreError(spec: string): string {
  const ignorable = ignorableExporters.includes(typeOf(spec))
  const explicit = attributesOf(spec).some(([key]) => key === 'ignore-error')
  return ignorable && !explicit ? `${spec},ignore-error=true` : spec
}

function ghaScopes(facts: CacheFacts): { write: string; read: string[] } {
  const scope = cacheScope(facts)
  const branchScope = (branch: string) => `${scope}-${sanitize(branch)}`
  const write = facts.branch ? branchScope(facts.branch) : scope
  const read = [write, ...(facts.defaultBranch ? [branchScope(facts.defaultBranch)] : [])]
  return { write, read: [...new Set(read)] }
}

/**
 * Plans the build's cache flags: backends resolved against what the driver, buildx and the runner can
 * do (falling back with a warning, never failing), and `ignore-error=true` on every export that has it.
 */
export function planCache(inputs: CacheInputs, facts: CacheFacts): CachePlan {
  const warnings: string[] = []
  const requested =
    inputs.cache === 'none' ? [] : inputs.cache.length > 0 ? inputs.cache : defaultBackends(facts)
  const backends = requested.length > 0 ? resolveBackends(requested, inputs, facts, warnings) : []
  const from: string[] = []
  const to: string[] = []
  let local: LocalCachePlan | undefined
  const mode = `mode=${inputs['cache-mode']}`
  for (const backend of backends) {
    switch (backend) {
      case 'gha': {
        const scopes = ghaScopes(facts)
        from.push(...scopes.read.map((scope) => `type=gha,scope=${scope}`))
        to.push(`type=gha,scope=${scopes.write},${mode},ignore-error=true`)
        break
      }
      case 'registry': {
        const ref = registryCacheRef(inputs, facts)
        from.push(`type=registry,ref=${ref}`)
        to.push(`type=registry,ref=${ref},${mode},image-manifest=true,oci-mediatypes=true,ignore-error=true`)
        break
      }
      case 'inline':
        from.push(...facts.previousTags.map((tag) => `type=registry,ref=${facts.image}:${tag}`))
        to.push('type=inline')
        break
      case 'local': {
        const restoreDir = facts.localCacheDir
        const exportDir = `${facts.localCacheDir}-new`
        local = { restoreDir, exportDir, ...localCacheKey(cacheScope(facts), facts.dependencyHash) }
        from.push(`type=local,src=${restoreDir}`)
        to.push(`type=local,dest=${exportDir},${mode},ignore-error=true`)
        break
      }
    }
  }
  const rawTo = inputs['cache-to'].filter((spec) => {
    if (facts.driver !== 'docker' || typeOf(spec) === 'inline') return true
    warnings.push(
      `Cache: input 'cache-to' has '${spec}', which the docker driver can't export; it is left out of this build. Use 'driver: docker-container' (the default) or 'cache-to: type=inline'.`
    )
    return false
  })
  const cacheFrom = inputs['cache-from'].length > 0 ? inputs['cache-from'] : from
  const cacheTo = inputs['cache-to'].length > 0 ? rawTo.map(withIgnoreError) : to
  const args = [
    ...cacheFrom.flatMap((spec) => ['--cache-from', spec]),
    ...cacheTo.flatMap((spec) => ['--cache-to', spec])
  ]
  return { args, warnings, ...(local ? { local } : {}), backends }
}

const lockfilePattern =
  /^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|requirements.*\.txt|Pipfile\.lock|go\.sum|Cargo\.lock|Gemfile\.lock|composer\.lock)$/

/** sha256 over the Dockerfile and the lockfiles at the top of the build context: what the local cache key follows. */
export async function hashCacheDependencies(dockerfile: string, context: string): Promise<string> {
  const entries = existsSync(context) ? await readdir(context, { withFileTypes: true }) : []
  const lockfiles = entries
    .filter((entry) => entry.isFile() && lockfilePattern.test(entry.name))
    .map((entry) => entry.name)
    .sort()
  const hash = createHash('sha256')
  hash.update(await readFile(dockerfile))
  for (const name of lockfiles) {
    hash.update(`\0${name}\0`)
    hash.update(await readFile(path.join(context, name)))
  }
  return hash.digest('hex')
}

/** The part of @actions/cache this phase uses; injected in tests. */
export interface CacheClient {
  isFeatureAvailable(): boolean
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

async function actionsCache(): Promise<CacheClient> {
  return await import('@actions/cache')
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Restores the local cache directory before the build; returns the key that matched. Never throws. */
export async function restoreLocalCache(plan: CachePlan, client?: CacheClient): Promise<string | undefined> {
  if (!plan.local) return undefined
  try {
    await rm(plan.local.exportDir, { recursive: true, force: true })
    const cache = client ?? (await actionsCache())
    if (!cache.isFeatureAvailable()) {
      core.info(
        `Cache: the runner's cache service is not available; using ${plan.local.restoreDir} as it is.`
      )
      return undefined
    }
    const matched = await cache.restoreCache([plan.local.restoreDir], plan.local.key, plan.local.restoreKeys)
    core.info(matched ? `Cache: restored ${matched}.` : `Cache: no local cache for ${plan.local.key} yet.`)
    return matched
  } catch (error) {
    core.warning(`Cache: could not restore the local build cache: ${message(error)}`)
    return undefined
  }
}

/**
 * After the build: swaps the freshly exported directory in for the restored one (so old layers
 * don't pile up, docker/build-push-action#252) and saves it, unless that exact key was restored.
 */
export async function saveLocalCache(
  plan: CachePlan,
  restoredKey: string | undefined,
  client?: CacheClient
): Promise<void> {
  if (!plan.local) return
  const { restoreDir, exportDir, key } = plan.local
  try {
    if (!existsSync(exportDir)) {
      core.warning(`Cache: the build exported no local cache to ${exportDir}; nothing to save.`)
      return
    }
    await rm(restoreDir, { recursive: true, force: true })
    await rename(exportDir, restoreDir)
    if (restoredKey === key) {
      core.info(
        `Cache: ${key} was restored exactly, and a saved key cannot be overwritten; not saving it again.`
      )
      return
    }
    const cache = client ?? (await actionsCache())
    if (!cache.isFeatureAvailable()) return
    await cache.saveCache([restoreDir], key)
    core.info(`Cache: saved ${key}.`)
  } catch (error) {
    core.warning(`Cache: could not save the local build cache: ${message(error)}`)
  }
}

import * as path from 'node:path'
import semver from 'semver'
import type { CacheBackend, CacheConfig } from '../config/cache.js'
import { isFullReference, typeOf, withIgnoreError } from './specs.js'

export type ImageStore = 'classic' | 'containerd'

/** What the run knows about the builder, runner and repository: probed once, passed in as data. */
export interface CacheFacts {
  driver: 'docker' | 'docker-container'
  /** The daemon's image store: with containerd the docker driver exports every cache type. */
  imageStore: ImageStore
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
  /** Set on pull requests: they read the default branch's cache but write only their own. */
  pullRequest?: number
  /** `<registry>/<repository>`, whose earlier pushes are the inline cache. */
  image: string
  /** Tags of earlier pushes to read inline cache from: this ref's own tag, then the default branch's. */
  previousTags: string[]
  /** Where local caches live (RUNNER_TEMP/ecr-build-push-cache); one folder per image and stage below it. */
  localCacheRoot: string
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

/** The build's cache reads and writes, as buildx specs; rendered as flags for a build, as lists for bake. */
export interface CachePlan {
  from: string[]
  to: string[]
  warnings: string[]
  local?: LocalCachePlan
}

/** Characters safe in a tag, a gha scope, a cache key and a folder name. */
export function sanitize(part: string): string {
  return part
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .replace(/\.{2,}/g, '-')
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

/** The docker driver exports only inline cache, unless the daemon uses the containerd image store. */
function exportsOnlyInline(facts: CacheFacts): boolean {
  return facts.driver === 'docker' && facts.imageStore === 'classic'
}

function defaultBackends(facts: CacheFacts): CacheBackend[] {
  const gha = !exportsOnlyInline(facts) && facts.hostedRunner && hasCacheService(facts.env)
  if (!facts.registry) return gha ? ['gha'] : []
  if (exportsOnlyInline(facts)) return ['inline']
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

/** The registry cache refs: what this build reads, in order, and the one it writes. */
function registryCacheRefs(config: CacheConfig, facts: CacheFacts): { read: string[]; write: string } {
  if (config.ref && isFullReference(config.ref)) return { read: [config.ref], write: config.ref }
  const suffix = facts.platforms.length > 0 ? `-${platformSuffix(facts.platforms)}` : ''
  const tag = (config.ref || `buildcache-${sanitize(facts.target) || 'default'}${suffix}`).slice(0, 120)
  const reference = (name: string) => `${facts.registry}/${config.repository || facts.repository}:${name}`
  if (facts.pullRequest === undefined) return { read: [reference(tag)], write: reference(tag) }
  // A pull request never writes the tag the default branch reads: its own cache, read first, then the branch's.
  const own = reference(`${tag}-pr-${facts.pullRequest}`)
  return { read: [own, reference(tag)], write: own }
}

/** The registry cache tag would live in the image repository, whose tags can't be overwritten. */
function registryImmutable(config: CacheConfig, facts: CacheFacts): boolean {
  if (!facts.tagImmutable || isFullReference(config.ref)) return false
  return !config.repository || config.repository === facts.repository
}

function resolveBackends(
  requested: CacheBackend[],
  config: CacheConfig,
  facts: CacheFacts,
  warnings: string[]
): CacheBackend[] {
  if (!facts.registry && requested.some(needsRegistry)) {
    const named = requested
      .filter(needsRegistry)
      .map((backend) => `'${backend}'`)
      .join(', ')
    warnings.push(
      `Cache: ${named} cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push.`
    )
    return resolveBackends(
      requested.filter((backend) => !needsRegistry(backend)),
      config,
      facts,
      warnings
    )
  }
  const exporting = requested.filter((backend) => backend !== 'inline')
  if (exportsOnlyInline(facts) && exporting.length > 0) {
    const fallback = facts.registry
      ? 'so this build uses inline cache'
      : 'and without a push there is no inline cache either, so this build uses none'
    warnings.push(
      `Cache: the docker driver with the classic image store can't export ${exporting.map((b) => `'${b}'`).join(', ')} cache (it only embeds 'inline' cache in the image), ${fallback}. For gha, registry or local cache, use 'driver: docker-container' (the default) or Docker's containerd image store.`
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
    if (backend !== 'registry' || !registryImmutable(config, facts)) return backend
    const tag = registryCacheRefs(config, facts).write.split(':').pop()
    warnings.push(
      `Cache: ECR repository '${facts.repository}' has immutable tags, so the registry cache tag '${tag}' could be written once and never updated (docker/build-push-action#1042). Set 'cache-repository' to a repository with mutable tags (e.g. '${facts.repository}-cache'), or 'cache: gha'. Using inline cache instead.`
    )
    return 'inline'
  })
  return [...new Set(withRegistry)]
}

/** gha scopes: a branch writes its own and reads the default branch's; a pull request writes `pr-<n>` only. */
function ghaScopes(facts: CacheFacts): { write: string; read: string[] } {
  const scope = cacheScope(facts)
  const branchScope = (branch: string) => `${scope}-${sanitize(branch)}`
  const write =
    facts.pullRequest !== undefined
      ? `${scope}-pr-${facts.pullRequest}`
      : facts.branch
        ? branchScope(facts.branch)
        : scope
  const read = [write, ...(facts.defaultBranch ? [branchScope(facts.defaultBranch)] : [])]
  return { write, read: [...new Set(read)] }
}

/**
 * Plans the build's cache reads and writes: backends resolved against what the driver, store, buildx and
 * the runner can do (falling back with a warning, never failing), and `ignore-error=true` on every export.
 */
export function planCache(config: CacheConfig, facts: CacheFacts): CachePlan {
  const warnings: string[] = []
  const requested =
    config.backends === 'none' ? [] : config.backends.length > 0 ? config.backends : defaultBackends(facts)
  const backends = requested.length > 0 ? resolveBackends(requested, config, facts, warnings) : []
  const from: string[] = []
  const to: string[] = []
  let local: LocalCachePlan | undefined
  const mode = `mode=${config.mode}`
  for (const backend of backends) {
    switch (backend) {
      case 'gha': {
        const scopes = ghaScopes(facts)
        from.push(...scopes.read.map((scope) => `type=gha,scope=${scope}`))
        to.push(`type=gha,scope=${scopes.write},${mode},ignore-error=true`)
        break
      }
      case 'registry': {
        const refs = registryCacheRefs(config, facts)
        from.push(...refs.read.map((ref) => `type=registry,ref=${ref}`))
        to.push(
          `type=registry,ref=${refs.write},${mode},image-manifest=true,oci-mediatypes=true,ignore-error=true`
        )
        break
      }
      case 'inline':
        from.push(...facts.previousTags.map((tag) => `type=registry,ref=${facts.image}:${tag}`))
        to.push('type=inline')
        break
      case 'local': {
        const restoreDir = path.join(
          facts.localCacheRoot,
          sanitize(facts.repository),
          sanitize(facts.target) || 'default'
        )
        const exportDir = `${restoreDir}-new`
        local = { restoreDir, exportDir, ...localCacheKey(cacheScope(facts), facts.dependencyHash) }
        from.push(`type=local,src=${restoreDir}`)
        to.push(`type=local,dest=${exportDir},${mode},ignore-error=true`)
        break
      }
    }
  }
  const rawTo = config.to.filter((spec) => {
    if (!exportsOnlyInline(facts) || typeOf(spec) === 'inline') return true
    warnings.push(
      `Cache: input 'cache-to' has '${spec}', which the docker driver with the classic image store can't export; it is left out of this build. Use 'driver: docker-container' (the default), Docker's containerd image store, or 'cache-to: type=inline'.`
    )
    return false
  })
  return {
    from: config.from.length > 0 ? config.from : from,
    to: config.to.length > 0 ? rawTo.map(withIgnoreError) : to,
    warnings,
    ...(local ? { local } : {})
  }
}

/** `--cache-from`/`--cache-to` flags for `docker buildx build`, in plan order. */
export function cacheFlags(plan: Pick<CachePlan, 'from' | 'to'>): string[] {
  return [
    ...plan.from.flatMap((spec) => ['--cache-from', spec]),
    ...plan.to.flatMap((spec) => ['--cache-to', spec])
  ]
}

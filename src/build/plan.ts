import * as path from 'node:path'
import type { Config } from '../config/config.js'
import type { ImageSpec } from '../config/images.js'
import { currentBranch, defaultBranch, type RunContext } from '../github/context.js'
import type { RunMeta } from '../meta/run-tags.js'
import { planCache, sanitize, type CacheFacts, type CachePlan } from '../cache/plan.js'
import type { EcrConnection } from '../ecr/connect.js'
import { pullRequestOf } from '../report/comment.js'
import type { BuildRequest } from './build.js'
import type { DaemonFacts } from './daemon.js'
import { deliveryFor, exportsLayout, planOutput, type Delivery } from './output.js'

/** One image of the step, everything decided before the build: names, cache, output and the build itself. */
export interface ImagePlan {
  spec: ImageSpec
  /** `registry/repository`, or the repository alone without a push. */
  image: string
  /** Final references. */
  tags: string[]
  /** The daemon name the image waits under for the gate (daemon staging only). */
  staging: string
  /** This image's own folder for build metadata and reports. */
  dir: string
  /** Where the OCI layout the gate scans is written (daemon staging where the builder can). */
  layout?: string
  delivery: Delivery
  cache: CachePlan
  request: BuildRequest
}

export interface ImagePlanFacts {
  context: RunContext
  meta: RunMeta
  ecr?: EcrConnection
  daemon: DaemonFacts
  buildxVersion: string
  buildkitVersion?: string
  builder: string
  /** The builder clamps file times to SOURCE_DATE_EPOCH (`rewrite-timestamp=true`). */
  rewritesTimestamps?: boolean
  /** The run's own folder. */
  temp: string
  /** Unique per run and attempt, for staging names. */
  runKey: string
  /** sha256 of the Dockerfile and lockfiles, for the local cache key. */
  dependencyHash: string
  env: Record<string, string | undefined>
}

/**
 * Inline cache writes per-build times into the image config, so no rebuild of a commit gets its digest again;
 * in an IMMUTABLE repository that makes a re-run fail on its own tags, which is worth a warning.
 */
function reproducibleCache(
  cache: CachePlan,
  image: { reproducible: boolean; immutable: boolean }
): CachePlan {
  if (!image.reproducible || !image.immutable || !cache.to.some((spec) => spec.startsWith('type=inline')))
    return cache
  return {
    ...cache,
    warnings: [
      ...cache.warnings,
      `Cache: inline cache records build times in the image config, so a rebuild of this commit gets another digest, and a re-run fails on the tags this IMMUTABLE repository already has. Set 'cache-repository' to a repository with mutable tags (registry cache), or use 'cache: gha', 'local' or 'none'. See docs/reproducible-builds.md.`
    ]
  }
}

/** Plans every image of the step; pure given the facts. */
export function planImages(config: Config, facts: ImagePlanFacts): ImagePlan[] {
  const { build } = config
  const delivery = deliveryFor({
    scan: config.scan !== undefined,
    push: build.push,
    load: build.load,
    driver: build.driver
  })
  const epoch = facts.meta.sourceDateEpoch
  // The commit's time, for BuildKit's created times; the exporters also clamp file times to it where they can.
  const buildArgs =
    epoch === undefined
      ? build.buildArgs
      : [...build.buildArgs, { key: 'SOURCE_DATE_EPOCH', value: String(epoch) }]
  const rewriteTimestamp = epoch !== undefined && facts.rewritesTimestamps === true
  return config.images.map((spec, index) => {
    const image = facts.ecr ? `${facts.ecr.registry}/${spec.repository}` : spec.repository
    const tags = facts.meta.tags.map((tag) => `${image}:${tag}`)
    const staging = `ecr-build-push-staging/${spec.repository}:${facts.runKey}-${index}`
    const dir = path.join(facts.temp, `${index}-${sanitize(spec.stage.name) || 'stage'}`)
    const layout =
      delivery === 'daemon-staging' && exportsLayout(build.driver, facts.daemon.imageStore)
        ? path.join(dir, 'oci')
        : undefined
    const cacheFacts: CacheFacts = {
      driver: build.driver,
      imageStore: facts.daemon.imageStore,
      buildxVersion: facts.buildxVersion,
      ...(facts.buildkitVersion ? { buildkitVersion: facts.buildkitVersion } : {}),
      env: facts.env,
      registry: facts.ecr?.registry ?? '',
      repository: spec.repository,
      tagImmutable: facts.ecr?.repositories.get(spec.repository)?.tagMutability === 'IMMUTABLE',
      target: spec.stage.name,
      platforms: build.platforms,
      branch: currentBranch(facts.context),
      defaultBranch: defaultBranch(facts.context),
      ...(pullRequestOf(facts.context) ? { pullRequest: pullRequestOf(facts.context)?.number } : {}),
      image,
      previousTags: facts.meta.previousTags,
      localCacheRoot: path.join(facts.env.RUNNER_TEMP || facts.temp, 'ecr-build-push-cache'),
      dependencyHash: facts.dependencyHash,
      hostedRunner: facts.env.RUNNER_ENVIRONMENT === 'github-hosted'
    }
    const cache = reproducibleCache(planCache(config.cache, cacheFacts), {
      reproducible: epoch !== undefined,
      immutable: cacheFacts.tagImmutable
    })
    const request: BuildRequest = {
      builder: facts.builder,
      file: config.dockerfile.path,
      context: build.context,
      target: spec.stage.named ? spec.stage.name : '',
      platforms: build.platforms,
      buildArgs,
      secrets: build.secrets,
      secretFiles: build.secretFiles,
      labels: facts.meta.labels,
      annotations: facts.meta.annotations,
      output: planOutput(delivery, { image, tags, staging, ...(layout ? { layout } : {}) }, build.load, {
        rewriteTimestamp
      }),
      cache,
      noCache: build.noCache,
      pull: build.pull,
      provenance: build.provenance,
      sbom: build.sbom,
      metadataFile: path.join(dir, 'metadata.json'),
      iidFile: path.join(dir, 'iid.txt')
    }
    return { spec, image, tags, staging, dir, ...(layout ? { layout } : {}), delivery, cache, request }
  })
}

import { readFile } from 'node:fs/promises'
import type { Pair } from '../config/values.js'
import type { Secret, SecretFile } from '../config/build.js'
import { CommandError } from '../errors.js'
import { cacheFlags, type CachePlan } from '../cache/plan.js'
import type { Command, Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import type { BuildOutput } from './output.js'
import { BuildProgress, type BuildStats } from './progress.js'

/** One image's build, everything decided: what `docker buildx build` or a bake target is made from. */
export interface BuildRequest {
  builder: string
  file: string
  context: string
  /** The `--target` stage; '' builds the last stage (one without `AS` cannot be named). */
  target: string
  platforms: string[]
  buildArgs: Pair[]
  secrets: Secret[]
  secretFiles: SecretFile[]
  labels: Record<string, string>
  annotations: string[]
  output: BuildOutput
  cache: Pick<CachePlan, 'from' | 'to'>
  noCache: boolean
  pull: boolean
  provenance: string
  sbom: string
  metadataFile: string
  iidFile: string
}

export interface BuildResult {
  /** The manifest or index digest buildx reports (`containerimage.digest`); '' when nothing was exported. */
  digest: string
  imageId: string
  metadata: Record<string, unknown>
  /** Build steps and how many came from cache, read from buildx's rawjson progress. */
  stats: BuildStats
}

export const secretEnvPrefix = 'ECR_BUILD_PUSH_SECRET_'

/** `--secret` specs for buildx: values by env var name (set on the command), files by path. */
export function secretSpecs(request: Pick<BuildRequest, 'secrets' | 'secretFiles'>): {
  specs: string[]
  env: Record<string, string>
} {
  const env = Object.fromEntries(
    request.secrets.map((secret, index) => [`${secretEnvPrefix}${index}`, secret.value])
  )
  return {
    specs: [
      ...request.secrets.map((secret, index) => `id=${secret.id},env=${secretEnvPrefix}${index}`),
      ...request.secretFiles.map((file) => `id=${file.id},src=${file.path}`)
    ],
    env
  }
}

/** The one `docker buildx build` that builds the target with every tag, label and cache flag. */
export function planBuild(request: BuildRequest): Command {
  const { specs, env } = secretSpecs(request)
  const args = [
    'buildx',
    'build',
    '--builder',
    request.builder,
    '--file',
    request.file,
    ...(request.target ? ['--target', request.target] : []),
    ...(request.platforms.length > 0 ? ['--platform', request.platforms.join(',')] : []),
    ...request.buildArgs.flatMap((arg) => ['--build-arg', `${arg.key}=${arg.value}`]),
    ...specs.flatMap((spec) => ['--secret', spec]),
    ...Object.entries(request.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...request.annotations.flatMap((annotation) => ['--annotation', annotation]),
    ...request.output.names.flatMap((name) => ['--tag', name]),
    ...cacheFlags(request.cache),
    ...(request.noCache ? ['--no-cache'] : []),
    ...(request.pull ? ['--pull'] : []),
    ...(request.provenance ? [`--provenance=${request.provenance}`] : []),
    ...(request.sbom ? [`--sbom=${request.sbom}`] : []),
    ...request.output.exporters.flatMap((exporter) => ['--output', exporter]),
    '--metadata-file',
    request.metadataFile,
    '--iidfile',
    request.iidFile,
    '--progress',
    'rawjson',
    request.context
  ]
  return Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args }
}

/** The build result buildx recorded for one image: the manifest digest, never the config digest. */
export function buildResultOf(
  metadata: Record<string, unknown>,
  imageId: string,
  stats: BuildStats
): BuildResult {
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : '')
  return {
    digest: text('containerimage.digest'),
    imageId: imageId || text('containerimage.config.digest') || text('containerimage.digest'),
    metadata,
    stats
  }
}

/** Reads what buildx wrote: the metadata file and the image id. */
export async function readBuildResult(
  request: Pick<BuildRequest, 'metadataFile' | 'iidFile'>,
  stats: BuildStats
) {
  const metadata = JSON.parse(await readFile(request.metadataFile, 'utf8')) as Record<string, unknown>
  const imageId = (await readFile(request.iidFile, 'utf8').catch(() => '')).trim()
  return buildResultOf(metadata, imageId, stats)
}

const errorTailLines = 25

/** Runs a build or bake, turning buildx's rawjson progress into plain log lines and cache statistics. */
export async function runWithProgress(runner: Runner, log: Log, command: Command): Promise<BuildStats> {
  const progress = new BuildProgress({ notice: (message) => log.info(message) })
  const recent: string[] = []
  const show = (lines: string[]) => {
    if (lines.length === 0) return
    log.untrusted(lines.join('\n'))
    recent.push(...lines)
    recent.splice(0, Math.max(0, recent.length - errorTailLines))
  }
  try {
    await runner.run(command, { onStderrLine: (line) => show(progress.line(line)) })
  } catch (error) {
    show(progress.end())
    // The raw stderr is JSON; the readable lines say what failed.
    if (error instanceof CommandError)
      throw new CommandError(error.display, error.exitCode, recent.join('\n'))
    throw error
  }
  show(progress.end())
  return progress.stats()
}

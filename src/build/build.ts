import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { CommandError } from '../errors.js'
import type { Command, Runner } from '../run/command.js'
import type { Inputs } from '../config/inputs.js'
import { splitKeyValue } from '../config/list.js'
import { BuildProgress, type BuildStats } from './progress.js'

/**
 * Where the built image goes: pushed with its tags (no scan), loaded into the daemon (scan on the
 * docker driver), pushed by digest without a tag (scan on docker-container), or nowhere.
 */
export type BuildOutput = 'push' | 'load' | 'push-by-digest' | 'none'

export interface BuildRequest {
  builder: string
  file: string
  context: string
  target: string
  platforms: string[]
  buildArgs: string[]
  /** `id=value` lines; values travel in the command's env, never in argv. */
  secrets: string[]
  /** `id=path` lines. */
  secretFiles: string[]
  labels: Record<string, string>
  annotations: string[]
  /** Full references `registry/repository:tag`. */
  tags: string[]
  /** `registry/repository`, named by a push-by-digest output. */
  image: string
  cacheArgs: string[]
  output: BuildOutput
  noCache: boolean
  pull: boolean
  provenance: string
  sbom: string
  metadataFile: string
  iidFile: string
  /** The `load` input on a build that pushes its tags: the image also lands in the daemon, by those tags. */
  alsoLoad: boolean
}

export interface BuildResult {
  digest: string
  imageId: string
  metadata: Record<string, unknown>
  /** Build steps and how many came from cache, read from buildx's rawjson progress. */
  stats: BuildStats
}

export const secretEnvPrefix = 'ECR_BUILD_PUSH_SECRET_'

function outputArgs(request: BuildRequest): string[] {
  switch (request.output) {
    case 'push':
      return request.alsoLoad ? ['--push', '--load'] : ['--push']
    case 'load':
      return ['--load']
    case 'push-by-digest':
      return [
        '--output',
        `type=image,name=${request.image},push-by-digest=true,name-canonical=true,push=true`
      ]
    case 'none':
      return []
  }
}

/**
 * Where the build puts the image. Without a scan it goes straight to its tags. With one, it goes where the
 * gate can read it and nobody can pull it by a tag: the daemon (docker driver, or no push), or the
 * registry by digest alone (docker-container).
 */
export function buildOutput(inputs: Pick<Inputs, 'scan' | 'push' | 'load' | 'driver'>): BuildOutput {
  if (!inputs.scan) return inputs.push ? 'push' : inputs.load ? 'load' : 'none'
  return inputs.driver === 'docker' || !inputs.push ? 'load' : 'push-by-digest'
}

/** `--secret` specs for buildx: values by env var name (set on the command), files by path. */
export function secretSpecs(request: Pick<BuildRequest, 'secrets' | 'secretFiles'>): {
  specs: string[]
  env: Record<string, string>
} {
  const env: Record<string, string> = {}
  const fromValues = request.secrets.map((line, index) => {
    const [id, value] = splitKeyValue(line) ?? ['', '']
    env[`${secretEnvPrefix}${index}`] = value
    return `id=${id},env=${secretEnvPrefix}${index}`
  })
  const fromFiles = request.secretFiles.map((line) => {
    const [id, file] = splitKeyValue(line) ?? ['', '']
    return `id=${id},src=${file}`
  })
  return { specs: [...fromValues, ...fromFiles], env }
}

/** The one `docker buildx build` that builds the target with every tag, label and cache flag. */
export function planBuild(request: BuildRequest): Command {
  const { specs, env } = secretSpecs(request)
  const taggable = request.output === 'push' || request.output === 'load'
  const args = [
    'buildx',
    'build',
    '--builder',
    request.builder,
    '--file',
    request.file,
    ...(request.target ? ['--target', request.target] : []),
    ...(request.platforms.length > 0 ? ['--platform', request.platforms.join(',')] : []),
    ...request.buildArgs.flatMap((arg) => ['--build-arg', arg]),
    ...specs.flatMap((spec) => ['--secret', spec]),
    ...Object.entries(request.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...request.annotations.flatMap((annotation) => ['--annotation', annotation]),
    ...(taggable ? request.tags.flatMap((tag) => ['--tag', tag]) : []),
    ...request.cacheArgs,
    ...(request.noCache ? ['--no-cache'] : []),
    ...(request.pull ? ['--pull'] : []),
    ...(request.provenance ? [`--provenance=${request.provenance}`] : []),
    ...(request.sbom ? [`--sbom=${request.sbom}`] : []),
    ...outputArgs(request),
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

/** Reads what buildx wrote: the manifest digest from the metadata file and the image id. */
export async function readBuildResult(
  request: Pick<BuildRequest, 'metadataFile' | 'iidFile'>
): Promise<Omit<BuildResult, 'stats'>> {
  const metadata = JSON.parse(await readFile(request.metadataFile, 'utf8')) as Record<string, unknown>
  const imageId = (await readFile(request.iidFile, 'utf8')).trim()
  const digest =
    typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : ''
  return { digest, imageId, metadata }
}

const errorTailLines = 25

/** Runs a build or bake, turning buildx's rawjson progress into plain log lines and cache statistics. */
export async function runWithProgress(runner: Runner, command: Command): Promise<BuildStats> {
  const progress = new BuildProgress()
  const recent: string[] = []
  const show = (lines: string[]) => {
    for (const line of lines) core.info(line)
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

export async function runBuild(runner: Runner, request: BuildRequest): Promise<BuildResult> {
  const stats = await runWithProgress(runner, planBuild(request))
  return { ...(await readBuildResult(request)), stats }
}

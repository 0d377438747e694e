import { readFile, writeFile } from 'node:fs/promises'
import type { Command, Runner } from '../run/command.js'
import { splitKeyValue } from '../config/list.js'
import { runWithProgress, secretSpecs, type BuildRequest, type BuildResult } from './build.js'

/** One bake target per image: what `docker buildx bake` reads from the generated definition file. */
export interface BakeTarget {
  context: string
  dockerfile: string
  target: string
  tags: string[]
  labels: Record<string, string>
  annotations: string[]
  args: Record<string, string>
  secret: string[]
  platforms: string[]
  'cache-from': string[]
  'cache-to': string[]
  output: string[]
  'no-cache': boolean
  pull: boolean
}

export interface BakePlan {
  definition: { group: { default: { targets: string[] } }; target: Record<string, BakeTarget> }
  /** Bake target name per request, in request order (metadata is keyed by these). */
  names: string[]
  command: Command
}

/** `--cache-from a --cache-to b` flags back into bake's per-target lists. */
function cacheLists(args: string[]): { from: string[]; to: string[] } {
  const from: string[] = []
  const to: string[] = []
  for (let index = 0; index < args.length; index += 2) {
    if (args[index] === '--cache-from') from.push(args[index + 1])
    if (args[index] === '--cache-to') to.push(args[index + 1])
  }
  return { from, to }
}

function output(request: BuildRequest): string[] {
  switch (request.output) {
    case 'push':
      return request.alsoLoad ? ['type=image,push=true', 'type=docker'] : ['type=image,push=true']
    case 'load':
      return ['type=docker']
    case 'push-by-digest':
      return [`type=image,name=${request.image},push-by-digest=true,name-canonical=true,push=true`]
    case 'none':
      return ['type=cacheonly']
  }
}

/** Bake target names allow `[A-Za-z0-9_-]`; stage names may also hold dots. */
export function bakeTargetName(stage: string, index: number, taken: Set<string>): string {
  const base = stage.replace(/[^A-Za-z0-9_-]/g, '_') || `target_${index}`
  return taken.has(base) ? `${base}_${index}` : base
}

/**
 * Several targets of one Dockerfile as one `docker buildx bake`: BuildKit solves them together, so a stage
 * they share is built once. Secrets keep travelling in the command's env, never in the file or argv.
 */
export function planBake(
  requests: BuildRequest[],
  files: { definitionFile: string; metadataFile: string; builder: string; provenance: string; sbom: string }
): BakePlan {
  // Every target of one step takes the same secrets.
  const { specs: secret, env } = secretSpecs(requests[0] ?? { secrets: [], secretFiles: [] })
  const taken = new Set<string>()
  const names = requests.map((request, index) => {
    const name = bakeTargetName(request.target, index, taken)
    taken.add(name)
    return name
  })
  const target: Record<string, BakeTarget> = {}
  requests.forEach((request, index) => {
    const cache = cacheLists(request.cacheArgs)
    const taggable = request.output === 'push' || request.output === 'load'
    target[names[index]] = {
      context: request.context,
      dockerfile: request.file,
      target: request.target,
      tags: taggable ? request.tags : [],
      labels: request.labels,
      annotations: request.annotations,
      args: Object.fromEntries(request.buildArgs.map((arg) => splitKeyValue(arg) ?? [arg, ''])),
      secret,
      platforms: request.platforms,
      'cache-from': cache.from,
      'cache-to': cache.to,
      output: output(request),
      'no-cache': request.noCache,
      pull: request.pull
    }
  })
  const args = [
    'buildx',
    'bake',
    '--builder',
    files.builder,
    '--file',
    files.definitionFile,
    ...(files.provenance ? [`--provenance=${files.provenance}`] : []),
    ...(files.sbom ? [`--sbom=${files.sbom}`] : []),
    '--metadata-file',
    files.metadataFile,
    '--progress',
    'rawjson'
  ]
  return {
    definition: { group: { default: { targets: names } }, target },
    names,
    command: Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args }
  }
}

/** Runs the bake and reads each target's result from the metadata file. */
export async function runBake(
  runner: Runner,
  plan: BakePlan,
  files: { definitionFile: string; metadataFile: string }
) {
  await writeFile(files.definitionFile, JSON.stringify(plan.definition, null, 2))
  const stats = await runWithProgress(runner, plan.command)
  const metadata = JSON.parse(await readFile(files.metadataFile, 'utf8')) as Record<
    string,
    Record<string, unknown>
  >
  return plan.names.map((name): BuildResult => {
    const result = metadata[name] ?? {}
    const digest = typeof result['containerimage.digest'] === 'string' ? result['containerimage.digest'] : ''
    const imageId =
      typeof result['containerimage.config.digest'] === 'string'
        ? result['containerimage.config.digest']
        : digest
    return { digest, imageId, metadata: result, stats }
  })
}

import { readFile } from 'node:fs/promises'
import type { Command, FileWrite, Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import { buildResultOf, runWithProgress, secretSpecs, type BuildRequest, type BuildResult } from './build.js'

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

export interface BakeFiles {
  definitionFile: string
  metadataFile: string
}

export interface BakePlan {
  definition: FileWrite
  /** Bake target name per request, in request order (metadata is keyed by these). */
  names: string[]
  command: Command
  metadataFile: string
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
  files: BakeFiles & { builder: string; provenance: string; sbom: string }
): BakePlan {
  // Every target of one step takes the same secrets.
  const { specs: secret, env } = secretSpecs(requests[0] ?? { secrets: [], secretFiles: [] })
  const taken = new Set<string>()
  const names = requests.map((request, index) => {
    const name = bakeTargetName(request.target, index, taken)
    taken.add(name)
    return name
  })
  const target: Record<string, BakeTarget> = Object.fromEntries(
    requests.map((request, index) => [
      names[index],
      {
        context: request.context,
        dockerfile: request.file,
        target: request.target,
        tags: request.output.names,
        labels: request.labels,
        annotations: request.annotations,
        args: Object.fromEntries(request.buildArgs.map((arg) => [arg.key, arg.value])),
        secret,
        platforms: request.platforms,
        'cache-from': request.cache.from,
        'cache-to': request.cache.to,
        output: request.output.exporters,
        'no-cache': request.noCache,
        pull: request.pull
      }
    ])
  )
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
  const definition = { group: { default: { targets: names } }, target }
  return {
    definition: { path: files.definitionFile, text: JSON.stringify(definition, null, 2) },
    names,
    command: Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args },
    metadataFile: files.metadataFile
  }
}

/** Writes the definition, runs the bake and reads each target's result from the metadata file. */
export async function runBake(runner: Runner, log: Log, plan: BakePlan): Promise<BuildResult[]> {
  await runner.write(plan.definition)
  const stats = await runWithProgress(runner, log, plan.command)
  const metadata = JSON.parse(await readFile(plan.metadataFile, 'utf8')) as Record<
    string,
    Record<string, unknown>
  >
  return plan.names.map((name) => buildResultOf(metadata[name] ?? {}, '', stats))
}

import { ModifiableInstruction, type Dockerfile, type Instruction } from 'dockerfile-ast'
import { parseDockerfile, type Stage } from '../config/dockerfile.js'
import type { Pair } from '../config/values.js'
import {
  expandArgs,
  globalArgs,
  stageChain,
  stageInstructions,
  type StageInstructions
} from '../scan/layer-map.js'

/** The build context as far as the checks need it: gathered by the caller, so the engine does no I/O. */
export interface BuildContext {
  /** Names of the context directory's top-level entries, e.g. `.git`, `.env`, `app`, `requirements.txt`. */
  entries: string[]
  /** The `.dockerignore` text; absent when there is none. */
  dockerignore?: string
}

/** The Dockerfile as the checks see it: which stages the build runs and which of them end up in the image. */
export interface BuildModel {
  dockerfile: Dockerfile
  file: string
  stages: StageInstructions[]
  built: StageInstructions
  /** The built stage and the stages it builds on (`FROM base`), root first: what ships. */
  chain: StageInstructions[]
  /** Every stage the build runs: the chain plus what it copies or mounts from, transitively, in file order. */
  closure: StageInstructions[]
  /** Global ARGs with build-args applied: what FROM and `--from` values expand with. */
  args: Record<string, string>
  /** The `build-args` values by name. */
  buildArgs: Map<string, string>
  /** The built stage is a development or testing stage by its name (`development`, `test`, `e2e-test`, ...). */
  development: boolean
  /** Absent when the caller did not look at the context: the `.dockerignore` rules are then skipped. */
  context?: BuildContext
}

const developmentWords = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'test',
  'tests',
  'testing',
  'debug'
])

/** `development`, `testing`, `e2e-test`, `dev_tools`: a word of the stage name says it is not production. */
function isDevelopmentStage(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[-_.]/)
    .some((word) => developmentWords.has(word))
}

/** CRLF as LF: heredoc delimiters and shell commands are compared line by line; line numbers stay the same. */
export function withUnixLineEnds(text: string): string {
  return text.replace(/\r\n/g, '\n')
}

/** How messages name a stage: its AS name, or `#0` for an unnamed one. */
export function stageLabel(stage: StageInstructions): string {
  return stage.stage.name === String(stage.stage.index) ? `#${stage.stage.index}` : stage.stage.name
}

/** 1-based line where an instruction (or comment) starts. */
export function lineOf(node: { getRange(): { start: { line: number } } }): number {
  return node.getRange().start.line + 1
}

export function keywordOf(instruction: Instruction): string {
  return instruction.getKeyword().toUpperCase()
}

/** The flags of an instruction (`--mount=…`, `--from=…`), empty for instructions that take none. */
export function flagsOf(
  instruction: Instruction
): { name: string; value: string; options: Map<string, string> }[] {
  if (!(instruction instanceof ModifiableInstruction)) return []
  return instruction.getFlags().map((flag) => ({
    name: flag.getName().toLowerCase(),
    value: flag.getValue() ?? '',
    options: new Map(
      flag.getOptions().map((option) => [option.getName().toLowerCase(), option.getValue() ?? ''])
    )
  }))
}

export interface Mount {
  type: string
  target: string
  from: string
}

/** `RUN --mount=…` flags; `type` defaults to bind, `dst`/`destination` are `target`. */
export function mountsOf(instruction: Instruction): Mount[] {
  return flagsOf(instruction)
    .filter((flag) => flag.name === 'mount')
    .map(({ options }) => ({
      type: (options.get('type') ?? 'bind').toLowerCase(),
      target: (options.get('target') ?? options.get('dst') ?? options.get('destination') ?? '').replace(
        /\/+$/,
        ''
      ),
      from: options.get('from') ?? ''
    }))
}

/** True for the exec (JSON array) form of RUN, CMD and ENTRYPOINT. */
export function isExecForm(instruction: Instruction): boolean {
  const content = (instruction.getArgumentsContent() ?? '').trim()
  if (!content.startsWith('[')) return false
  try {
    const parsed: unknown = JSON.parse(content)
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')
  } catch {
    return false
  }
}

/** The instructions of a stage's chain in the order they run, root first. */
export function instructionsOf(chain: StageInstructions[]): Instruction[] {
  return chain.flatMap((stage) => stage.instructions)
}

/** The stage a reference names (by AS name or index), among `candidates`. */
function stageNamed(candidates: StageInstructions[], reference: string): StageInstructions | undefined {
  const name = reference.toLowerCase()
  return candidates.find(
    (candidate) => candidate.stage.name.toLowerCase() === name || String(candidate.stage.index) === name
  )
}

/** Stages a stage's instructions copy or mount from (`COPY --from=builder`, `RUN --mount=from=builder`). */
function sourcesOf(
  model: Pick<BuildModel, 'stages' | 'args'>,
  stage: StageInstructions
): StageInstructions[] {
  const references = stage.instructions.flatMap((instruction) => [
    ...flagsOf(instruction)
      .filter((flag) => flag.name === 'from')
      .map((flag) => flag.value),
    ...mountsOf(instruction)
      .map((mount) => mount.from)
      .filter((from) => from !== '')
  ])
  return references.flatMap((reference) => {
    const others = model.stages.filter((candidate) => candidate !== stage)
    const found = stageNamed(others, expandArgs(reference, model.args))
    return found ? [found] : []
  })
}

export function chainOf(
  model: Pick<BuildModel, 'stages' | 'args'>,
  stage: StageInstructions
): StageInstructions[] {
  return stageChain(model.stages, stage, model.args).chain
}

/** The built stage, what it builds on, and what any of those copy from, transitively; in file order. */
function closureOf(
  model: Pick<BuildModel, 'stages' | 'args'>,
  built: StageInstructions
): StageInstructions[] {
  const seen = new Set<StageInstructions>()
  const queue = [built]
  while (queue.length > 0) {
    const stage = queue.shift() as StageInstructions
    for (const member of chainOf(model, stage)) {
      if (seen.has(member)) continue
      seen.add(member)
      queue.push(...sourcesOf(model, member))
    }
  }
  return model.stages.filter((stage) => seen.has(stage))
}

export function buildModel(request: {
  dockerfile: string
  file: string
  stage?: Stage
  buildArgs?: Pair[]
  context?: BuildContext
}): BuildModel {
  const dockerfile = parseDockerfile(withUnixLineEnds(request.dockerfile))
  const stages = stageInstructions(dockerfile)
  const built = stages[request.stage?.index ?? stages.length - 1]
  const buildArgs = request.buildArgs ?? []
  const args = globalArgs(dockerfile, buildArgs)
  const base = { stages, args }
  return {
    dockerfile,
    file: request.file,
    stages,
    built,
    chain: chainOf(base, built),
    closure: closureOf(base, built),
    args,
    buildArgs: new Map(buildArgs.map((pair) => [pair.key, pair.value])),
    development: isDevelopmentStage(built.stage.name),
    ...(request.context ? { context: request.context } : {})
  }
}

/** True when the stage's FROM names an earlier stage rather than an image. */
export function buildsOnStage(model: Pick<BuildModel, 'stages' | 'args'>, stage: StageInstructions): boolean {
  const earlier = model.stages.filter((candidate) => candidate.stage.index < stage.stage.index)
  return stageNamed(earlier, expandArgs(stage.stage.from, model.args)) !== undefined
}

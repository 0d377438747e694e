import type { Dockerfile, Instruction } from 'dockerfile-ast'
import { stagesOf, type Stage } from '../config/dockerfile.js'
import type { Finding } from './findings.js'
import type { Pair } from '../config/values.js'

/** One `history[]` entry of an image config (Docker, OCI, or Trivy's `Metadata.ImageConfig`). */
export interface HistoryEntry {
  created_by?: string
  empty_layer?: boolean
  comment?: string
}

/** The parts of an image config the mapping reads: the same shape in `docker save` and Trivy's JSON. */
export interface ImageConfig {
  history?: HistoryEntry[]
  rootfs?: { diff_ids?: string[] }
}

/** Where in the Dockerfile something in the image came from. */
export interface Origin {
  /** 1-based line of the instruction's first line. */
  line: number
  /** The instruction as written (continuations joined), shortened for display. */
  instruction: string
  stage: string
  /** True when the layer came with the base image: `line` is then the FROM that picks that base. */
  fromBase: boolean
  /** False when the history could not be matched to the Dockerfile: `line` is then the built stage's FROM. */
  mapped: boolean
  /** For base layers, the image the FROM picks with build args applied, e.g. `busybox:1.36`. */
  baseImage?: string
}

export interface MappedLayer {
  diffId: string
  /** Position in `rootfs.diff_ids`, the same position as the layer in the image manifest. */
  index: number
  /** The history entry's `created_by`, '' when the base image recorded none. */
  createdBy: string
  origin: Origin
}

export interface LayerMap {
  layers: MappedLayer[]
  /** Where anything that cannot be placed is shown: the built stage's FROM, `mapped: false`. */
  fallback: Origin
  /** Why some layers are not mapped, for a log line; absent when every layer is. */
  problem?: string
}

export interface LayerMapRequest {
  config: ImageConfig
  dockerfile: Dockerfile
  /** The built stage, as the config stage resolved it. */
  stage: Stage
  /** The `build-args` input: they decide what `FROM ${BASE_IMAGE}` picks. */
  buildArgs: Pair[]
}

export type MappedFinding = Finding & { origin: Origin }

const instructionWidth = 100

const keywords = new Set([
  ...'ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL'.split(' '),
  ...'MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR'.split(' ')
])

/**
 * The Dockerfile keyword a history entry was made by. BuildKit writes `RUN |1 A=b /bin/sh -c … # buildkit`,
 * `COPY /src /dst # buildkit` (no `--from`), `WORKDIR /app`; the classic builder `/bin/sh -c #(nop)  USER x`
 * for everything but RUN, whose entry is the bare command. '' for entries with no `created_by`.
 */
export function historyKeyword(createdBy: string): string {
  const text = createdBy.trim()
  if (text === '') return ''
  const classic = /#\(nop\)\s+([A-Z]+)\b/.exec(text)
  if (classic) return classic[1]
  const first = /^([A-Z]+)\b/.exec(text)?.[1]
  return first && keywords.has(first) ? first : 'RUN'
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= instructionWidth ? oneLine : `${oneLine.slice(0, instructionWidth - 1)}…`
}

/** Expands `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}` the way FROM lines use them. */
export function expandArgs(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _match,
      braced: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bare: string | undefined
    ) => {
      const value = values[braced ?? bare ?? '']
      if (operator === '-') return value ? value : (word ?? '')
      if (operator === '+') return value ? (word ?? '') : ''
      return value ?? ''
    }
  )
}

/** The ARGs before the first FROM, with `build-args` overriding their defaults: what FROM lines can use. */
export function globalArgs(dockerfile: Dockerfile, buildArgs: Pair[]): Record<string, string> {
  const given = new Map(buildArgs.map((pair) => [pair.key, pair.value]))
  const values: Record<string, string> = {}
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty()
    if (!property) continue
    const name = property.getName()
    values[name] = given.get(name) ?? expandArgs(property.getValue() ?? '', values)
  }
  return values
}

export interface StageInstructions {
  stage: Stage
  from: Instruction
  instructions: Instruction[]
}

/** Each stage with its FROM and the instructions up to the next FROM, in file order. */
export function stageInstructions(dockerfile: Dockerfile): StageInstructions[] {
  const stages = stagesOf(dockerfile)
  const froms = dockerfile.getFROMs()
  const all = dockerfile.getInstructions()
  return stages.map((stage, index) => {
    const start = froms[index].getRange().start.line
    const end = index + 1 < froms.length ? froms[index + 1].getRange().start.line : Number.POSITIVE_INFINITY
    const instructions = all.filter((instruction) => {
      const line = instruction.getRange().start.line
      return line > start && line < end
    })
    return { stage, from: froms[index], instructions }
  })
}

/** The stages the built one stands on, root first: `production` → `FROM base` → `FROM ${BASE_IMAGE} AS base`. */
export function stageChain(
  stages: StageInstructions[],
  built: StageInstructions,
  args: Record<string, string>
): { chain: StageInstructions[]; baseImage: string } {
  const chain = [built]
  for (;;) {
    const current = chain[0]
    const image = expandArgs(current.stage.from, args)
    const parent = stages.find(
      (candidate) =>
        candidate.stage.index < current.stage.index &&
        candidate.stage.name.toLowerCase() === image.toLowerCase()
    )
    if (!parent) return { chain, baseImage: image }
    chain.unshift(parent)
  }
}

function originOf(instruction: Instruction, stage: Stage, fromBase: boolean, baseImage?: string): Origin {
  return {
    line: instruction.getRange().start.line + 1,
    instruction: shorten(instruction.toString()),
    stage: stage.name,
    fromBase,
    mapped: true,
    ...(baseImage !== undefined ? { baseImage } : {})
  }
}

/**
 * Maps each layer of a built image to the Dockerfile instruction that made it. Every instruction but FROM
 * leaves one history entry, so the history's tail is the stage chain's instructions in order (checked by
 * keyword); what comes before them is the base image. Layers are the history entries without `empty_layer`.
 */
export function mapLayers(request: LayerMapRequest): LayerMap {
  const stages = stageInstructions(request.dockerfile)
  const built = stages[request.stage.index]
  const { chain, baseImage } = stageChain(stages, built, globalArgs(request.dockerfile, request.buildArgs))
  const fallback: Origin = { ...originOf(built.from, built.stage, false), mapped: false }
  const baseOrigin = originOf(chain[0].from, chain[0].stage, true, baseImage)

  const history = request.config.history ?? []
  const diffIds = request.config.rootfs?.diff_ids ?? []
  const expected = chain.flatMap(({ stage, instructions }) =>
    instructions.map((instruction) => ({ stage, instruction }))
  )

  const historyOrigins: (Origin | undefined)[] = history.map(() => undefined)
  let entry = history.length - 1
  let problem: string | undefined
  for (let step = expected.length - 1; step >= 0; step--, entry--) {
    const { stage, instruction } = expected[step]
    const keyword = instruction.getKeyword().toUpperCase()
    const createdBy = entry >= 0 ? (history[entry].created_by ?? '') : undefined
    if (createdBy === undefined || historyKeyword(createdBy) !== keyword) {
      problem = `line ${instruction.getRange().start.line + 1} (${keyword}) has no matching image history entry${
        createdBy === undefined ? '' : `: found '${shorten(createdBy)}'`
      }`
      break
    }
    historyOrigins[entry] = originOf(instruction, stage, false)
  }
  if (!problem) for (let index = 0; index <= entry; index++) historyOrigins[index] = baseOrigin

  const layerEntries = history.flatMap((item, index) => (item.empty_layer ? [] : [index]))
  if (layerEntries.length > diffIds.length) {
    problem = `the image history names ${layerEntries.length} layers but rootfs.diff_ids has ${diffIds.length}`
    const layers = diffIds.map((diffId, index) => ({ diffId, index, createdBy: '', origin: fallback }))
    return { layers, fallback, problem }
  }
  // Aligned from the end: a base image may have recorded fewer history entries than it has layers.
  const offset = diffIds.length - layerEntries.length
  const layers = diffIds.map((diffId, index): MappedLayer => {
    const historyIndex = index >= offset ? layerEntries[index - offset] : undefined
    if (historyIndex === undefined)
      return { diffId, index, createdBy: '', origin: problem ? fallback : baseOrigin }
    const createdBy = history[historyIndex].created_by ?? ''
    return { diffId, index, createdBy, origin: historyOrigins[historyIndex] ?? fallback }
  })
  return { layers, fallback, ...(problem ? { problem } : {}) }
}

/** The origin of a layer by its DiffID; the first layer wins when two layers have the same content. */
export function originOfLayer(map: LayerMap, diffId: string | undefined): Origin {
  const layer = diffId === undefined ? undefined : map.layers.find((candidate) => candidate.diffId === diffId)
  return layer?.origin ?? map.fallback
}

export function mapFindings(findings: Finding[], map: LayerMap): MappedFinding[] {
  return findings.map((finding) => ({ ...finding, origin: originOfLayer(map, finding.layerDiffId) }))
}

/** A build step and how long it ran. */
export interface StepTiming {
  name: string
  seconds: number
}

/**
 * What the build did: `steps` counts the Dockerfile instructions that finished (`[stage n/m] RUN ...`,
 * COPY, ADD...), once per platform; `[internal]` work, FROM (resolving the base image), cache import
 * and export, and exporting or pushing the image are not steps, so "N of M" says how much of the
 * user's own build the cache saved.
 */
export interface BuildStats {
  steps: number
  cached: number
  /** Uncached steps, slowest first. */
  slowest: StepTiming[]
}

/** The parts of BuildKit's SolveStatus JSON that `--progress=rawjson` writes and this reads. */
interface Vertex {
  digest: string
  name?: string
  started?: string
  completed?: string
  cached?: boolean
  error?: string
}

interface VertexStatus {
  id: string
  vertex: string
  current?: number
  total?: number
  completed?: string
}

interface VertexLog {
  vertex: string
  data?: string
  timestamp?: string
}

interface VertexWarning {
  vertex?: string
  short?: string
}

interface SolveStatus {
  vertexes?: Vertex[]
  statuses?: VertexStatus[]
  logs?: VertexLog[]
  warnings?: VertexWarning[]
}

interface VertexState {
  /** `#N` in the log, given when the vertex is first shown, as `--progress=plain` does. */
  number?: number
  name: string
  cached: boolean
  error?: string
  /** started → completed, one pair per time BuildKit ran it. */
  runs: Map<string, string>
  started?: string
  reported: Set<string>
}

const stepPattern = /^\[(?:[^\]]+ )?\d+\/\d+\]\s+(\S+)/

const cacheImportPrefix = 'importing cache manifest from '
/** BuildKit's words for a cache-from with nothing behind it yet (`registry`, `gha`, ...): not a failure. */
const nothingToImport = /^failed to configure (\S+) cache importer: .*\bnot found$/

/** Our own words for a cache-from that has nothing yet, said instead of BuildKit's ERROR line. */
export function noEarlierImageLine(type: string, source: string): string {
  const where = type === 'registry' ? source : `the ${type} cache`
  return `No earlier image to reuse at ${where} (nothing there yet, as on a first run): every build step runs.`
}

export interface BuildProgressOptions {
  /** Gets what the action says itself about the build (not BuildKit's text), once each. */
  notice?: (message: string) => void
}

function seconds(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000)
}

/** Time covered by a vertex's runs: a restart adds up, while overlapping reports of one run count once. */
function coveredSeconds(runs: Map<string, string>): number {
  const spans = [...runs].map(([from, to]) => [Date.parse(from), Date.parse(to)]).sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [from, to] of spans) {
    if (to <= end) continue
    total += to - Math.max(from, end)
    end = to
  }
  return total / 1000
}

function overlapsRun(runs: Map<string, string>, started: string, completed: string): boolean {
  return [...runs].some(
    ([from, to]) => Date.parse(started) < Date.parse(to) && Date.parse(from) < Date.parse(completed)
  )
}

/** Sizes the way docker prints them (decimal units, four significant digits). */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return `${Number(value.toPrecision(4))}${units[unit]}`
}

function decode(base64: string | undefined): string {
  return base64 ? Buffer.from(base64, 'base64').toString('utf8') : ''
}

/**
 * Reads `docker buildx build --progress=rawjson` standard error as it arrives: writes `--progress=plain`
 * style lines for the log, and counts the build steps and how many came from cache.
 * Lines that aren't JSON (buildx's own errors and warnings) pass through unchanged.
 */
export class BuildProgress {
  private readonly vertices = new Map<string, VertexState>()
  private readonly noticed = new Set<string>()
  private current?: string
  private shown = 0
  private text = ''
  private object = ''
  private depth = 0
  private inString = false
  private escaped = false

  constructor(private readonly options: BuildProgressOptions = {}) {}

  /** Feeds a chunk of standard error; returns the log lines it completes. */
  write(chunk: string): string[] {
    const lines: string[] = []
    for (const char of chunk) {
      if (this.depth > 0) {
        this.object += char
        this.scan(char, lines)
      } else if (char === '{' && this.text.trim() === '') {
        this.text = ''
        this.object = '{'
        this.depth = 1
      } else if (char === '\n') {
        if (this.text.trim() !== '') lines.push(this.text.trimEnd())
        this.text = ''
      } else {
        this.text += char
      }
    }
    return lines
  }

  /** Feeds one line without its newline, as line-splitting stream listeners deliver them. */
  line(text: string): string[] {
    return this.write(`${text}\n`)
  }

  /** Flushes what is left at the end of the stream. */
  end(): string[] {
    const rest = [this.text, this.object].map((part) => part.trimEnd()).filter((part) => part !== '')
    this.text = ''
    this.object = ''
    this.depth = 0
    return rest.flatMap((part) => part.split('\n'))
  }

  stats(slowestCount = 5): BuildStats {
    const steps = [...this.vertices.values()].filter((vertex) => {
      const instruction = stepPattern.exec(vertex.name)?.[1]
      return instruction !== undefined && instruction.toUpperCase() !== 'FROM' && vertex.runs.size > 0
    })
    const slowest = steps
      .filter((step) => !step.cached)
      .map((step) => ({
        name: step.name,
        seconds: Math.round(coveredSeconds(step.runs) * 1000) / 1000
      }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, slowestCount)
    return { steps: steps.length, cached: steps.filter((step) => step.cached).length, slowest }
  }

  private scan(char: string, lines: string[]): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false
      else if (char === '\\') this.escaped = true
      else if (char === '"') this.inString = false
      return
    }
    if (char === '"') this.inString = true
    else if (char === '{') this.depth += 1
    else if (char === '}' && --this.depth === 0) {
      const text = this.object
      this.object = ''
      let status: SolveStatus
      try {
        status = JSON.parse(text) as SolveStatus
      } catch {
        lines.push(...text.split('\n'))
        return
      }
      lines.push(...this.apply(status))
    }
  }

  private apply(status: SolveStatus): string[] {
    const lines: string[] = []
    // BuildKit may send a vertex twice in one update (done, then restarted): only the last state counts.
    const latest = new Map((status.vertexes ?? []).map((vertex) => [vertex.digest, vertex]))
    for (const vertex of latest.values()) lines.push(...this.applyVertex(vertex))
    for (const update of status.statuses ?? []) {
      const vertex = this.vertices.get(update.vertex)
      if (!vertex || !update.completed || vertex.reported.has(`status ${update.id}`)) continue
      vertex.reported.add(`status ${update.id}`)
      const size = update.total
        ? ` ${humanSize(update.current ?? 0)} / ${humanSize(update.total)}`
        : update.current
          ? ` ${humanSize(update.current)}`
          : ''
      lines.push(...this.say(update.vertex, `${update.id}${size} done`))
    }
    for (const log of status.logs ?? []) {
      const vertex = this.vertices.get(log.vertex)
      const at =
        vertex?.started && log.timestamp ? `${seconds(vertex.started, log.timestamp).toFixed(3)} ` : ''
      const text = decode(log.data).replace(/\r?\n$/, '')
      for (const line of text.split(/\r?\n/)) lines.push(...this.say(log.vertex, `${at}${line}`))
    }
    for (const warning of status.warnings ?? []) lines.push(`WARNING: ${decode(warning.short)}`)
    return lines
  }

  private applyVertex(update: Vertex): string[] {
    let vertex = this.vertices.get(update.digest)
    if (!vertex) {
      vertex = {
        name: update.name ?? update.digest,
        cached: false,
        runs: new Map(),
        reported: new Set()
      }
      this.vertices.set(update.digest, vertex)
    }
    if (update.started) vertex.started = update.started
    if (!update.started && !update.cached && !update.completed) return []
    const lines = vertex.number === undefined ? this.say(update.digest, undefined) : []
    if (!update.completed || vertex.reported.has(`completed ${update.completed}`)) return lines
    vertex.reported.add(`completed ${update.completed}`)
    vertex.cached = Boolean(update.cached)
    vertex.error = update.error
    const missing = update.error ? nothingToImport.exec(update.error) : null
    if (missing && vertex.name.startsWith(cacheImportPrefix)) {
      const source = vertex.name.slice(cacheImportPrefix.length)
      if (!this.noticed.has(source)) this.options.notice?.(noEarlierImageLine(missing[1], source))
      this.noticed.add(source)
      return lines
    }
    // In a bake, every build that shares a stage reports the one run of its steps: say it once.
    const alreadyShown =
      Boolean(update.started) && overlapsRun(vertex.runs, update.started!, update.completed)
    if (update.started) vertex.runs.set(update.started, update.completed)
    if (alreadyShown && !update.error) return lines
    const outcome = update.error
      ? `ERROR: ${update.error}`
      : update.cached
        ? 'CACHED'
        : `DONE ${update.started ? seconds(update.started, update.completed).toFixed(1) : '0.0'}s`
    return [...lines, ...this.say(update.digest, outcome)]
  }

  /** A line for a vertex, preceded by its `#N name` header whenever the log switches to it. */
  private say(digest: string, text: string | undefined): string[] {
    const vertex = this.vertices.get(digest)
    if (!vertex) return text === undefined ? [] : [text]
    const lines: string[] = []
    if (vertex.number === undefined) vertex.number = ++this.shown
    if (this.current !== digest) {
      lines.push(`#${vertex.number} ${vertex.name}`)
      this.current = digest
    }
    if (text !== undefined) lines.push(`#${vertex.number} ${text}`)
    return lines
  }
}

/** Parses a whole captured stream: the log lines and the stats. */
export function parseBuildProgress(text: string): { lines: string[]; stats: BuildStats } {
  const progress = new BuildProgress()
  const lines = [...progress.write(text), ...progress.end()]
  return { lines, stats: progress.stats() }
}

import { ConfigurationError } from '../errors.js'

/** One image layer as the registry stores it (compressed), with the instruction that made it when known. */
export interface SizedLayer {
  digest: string
  size: number
  instruction?: string
  line?: number
  fromBase?: boolean
}

export interface SizeCheck {
  over: boolean
  total: number
  budget: number
  /** The biggest layers first, at most three. */
  biggest: SizedLayer[]
  message: string
}

// kB/MB/GB/TB are powers of 1000 as Docker and registries print them; KiB/MiB/GiB/TiB are powers of 1024.
const units: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
}

/** Parses `200MB`, `1.5GiB`, `500kB` or a plain number of bytes; `input` names the action input in errors. */
export function parseSize(text: string | number, input = 'max-image-size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text))
  const factor = match ? (match[2] === '' ? 1 : units[match[2].toLowerCase()]) : undefined
  const bytes = match && factor !== undefined ? Math.round(Number(match[1]) * factor) : 0
  // A number too big to count bytes exactly (e.g. 400 nines parses as Infinity) is a typo, not a budget.
  if (!bytes || !Number.isSafeInteger(bytes)) {
    throw new ConfigurationError(
      `Input '${input}' is '${text}': expected a size such as '200MB', '1.5GiB' or a number of bytes up to 9 PB (kB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024).`
    )
  }
  return bytes
}

/** The `max-image-size` input: undefined when it is empty (no budget). */
export function parseSizeBudget(text: string, input = 'max-image-size'): number | undefined {
  return text.trim() === '' ? undefined : parseSize(text, input)
}

/** Decimal units with three significant digits, the way `docker images` prints sizes: `1.07 MB`, `512 kB`. */
export function formatSize(bytes: number): string {
  const magnitude = Math.abs(bytes)
  if (magnitude < 1000) return `${bytes} B`
  const names = ['kB', 'MB', 'GB', 'TB']
  let index = 0
  let value = bytes / 1000
  while (Math.abs(value) >= 999.5 && index < names.length - 1) {
    value /= 1000
    index += 1
  }
  return `${Number(value.toPrecision(3))} ${names[index]}`
}

/** `2.5 MB from line 19 (RUN …)`, or `(base image)` for the layers a FROM brought in. */
export function describeLayer(layer: SizedLayer): string {
  const size = formatSize(layer.size)
  if (layer.line === undefined) return `${size} (${layer.digest.slice(0, 19)}, instruction unknown)`
  return `${size} from line ${layer.line}${layer.fromBase ? ' (base image)' : ''}: ${layer.instruction ?? ''}`
}

export function biggestLayers(layers: SizedLayer[], count = 3): SizedLayer[] {
  return [...layers].sort((a, b) => b.size - a.size).slice(0, count)
}

/**
 * Compares the image size with `max-image-size`; the caller fails the step before tagging when over. Sizes
 * are compressed when read from a registry, uncompressed (and so stricter) when read from the daemon.
 */
export function checkSizeBudget(layers: SizedLayer[], budgetBytes: number, compressed = true): SizeCheck {
  const total = layers.reduce((sum, layer) => sum + layer.size, 0)
  const biggest = biggestLayers(layers)
  const over = total > budgetBytes
  const kind = compressed ? 'compressed' : 'uncompressed'
  const verdict = over
    ? `The image is ${formatSize(total)} ${kind}, over the max-image-size budget of ${formatSize(budgetBytes)} by ${formatSize(total - budgetBytes)}.`
    : `The image is ${formatSize(total)} ${kind}, within the max-image-size budget of ${formatSize(budgetBytes)}.`
  const message = over
    ? `${verdict} Biggest layers:\n${biggest.map((layer) => `- ${describeLayer(layer)}`).join('\n')}`
    : verdict
  return { over, total, budget: budgetBytes, biggest, message }
}

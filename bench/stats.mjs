// Small numbers helpers for the benchmark: medians, spreads and readable figures.

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** @param {number[]} values @returns {{ median: number, min: number, max: number, runs: number }} */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length }
}

/** Milliseconds as `123 ms` below 10 s, `12.3 s` above. @param {number} ms */
export function formatMs(ms) {
  return Math.abs(ms) < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** @param {{ median: number, min: number, max: number }} summary */
export function formatSpread(summary) {
  return `${formatMs(summary.median)} (${formatMs(summary.min)} – ${formatMs(summary.max)})`
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`
  return `${(bytes / 1024).toFixed(1)} KiB`
}

/** @param {number} ratio */
export const formatRatio = (ratio) => `${ratio.toFixed(2)}×`

/**
 * Two-sided sign test: how likely one side wins `wins` of `rounds` paired rounds (or as lopsided a split)
 * if neither side is really faster. @param {number} wins @param {number} rounds
 */
export function signTest(wins, rounds) {
  const choose = (n, k) => {
    let result = 1
    for (let index = 1; index <= k; index++) result = (result * (n - k + index)) / index
    return result
  }
  const extreme = Math.max(wins, rounds - wins)
  let tail = 0
  for (let k = extreme; k <= rounds; k++) tail += choose(rounds, k) / 2 ** rounds
  return Math.min(1, 2 * tail)
}

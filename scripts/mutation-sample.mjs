// A uniform random sample of src/'s mutants for StrykerJS, for an estimate over all of src/ between full runs
// (12,700 mutants, 76 minutes on 2 cores): `node scripts/mutation-sample.mjs pick 700 [seed]` lists the
// sample in reports/mutation-sample.json; `npm run test:mutation:sample` runs Stryker on it (incremental, as
// the full run); `node scripts/mutation-scores.mjs --sample` estimates the score from the sampled mutants alone.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Instrumenter } from '@stryker-mutator/instrumenter'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const sampleFile = path.join(root, 'reports/mutation-sample.json')

/** mulberry32: a small seeded generator, so a sample can be drawn again from its seed. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const quiet = new Proxy(
  {},
  { get: (_, name) => (String(name).startsWith('is') ? () => false : () => undefined) }
)

/** Every mutant Stryker's instrumenter makes in the files stryker.config.mjs mutates. */
async function allMutants() {
  const files = execFileSync('git', ['ls-files', 'src'], { cwd: root, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((file) => file.endsWith('.ts') && file !== 'src/index.ts')
  const { mutants } = await new Instrumenter(quiet).instrument(
    files.map((name) => ({ name, content: readFileSync(path.join(root, name), 'utf8'), mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: false }
  )
  return mutants.map((mutant) => ({
    file: mutant.fileName,
    mutatorName: mutant.mutatorName,
    replacement: mutant.replacement,
    // Stryker's locations: lines from 0, columns from 0.
    location: mutant.location
  }))
}

/** Stryker's `mutate` entries for the sample: `file:line:column-line:column`, lines from 1 (mutants inside come along). */
export function mutateRanges(sample) {
  return [
    ...new Set(
      sample.picks.map(
        ({ file, location: { start, end } }) =>
          `${file}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`
      )
    )
  ]
}

if (process.argv[2] === 'pick') {
  const count = Number(process.argv[3] ?? 700)
  const seed = Number(process.argv[4] ?? 1)
  const mutants = await allMutants()
  const next = random(seed)
  const order = mutants.map((mutant) => ({ mutant, key: next() })).sort((a, b) => a.key - b.key)
  const picks = order.slice(0, count).map(({ mutant }) => mutant)
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  writeFileSync(sampleFile, `${JSON.stringify({ seed, commit, of: mutants.length, picks }, null, 1)}\n`)
  console.log(
    `${picks.length} of ${mutants.length} mutants (seed ${seed}, commit ${commit}) in ${sampleFile}`
  )
}

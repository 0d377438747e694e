// The mutation score per src/ folder from reports/stryker-incremental.json (what `npm run test:mutation` left),
// as the markdown table TESTING.md holds. Score = detected (killed, timed out) / (detected + survived + no coverage);
// mutants that do not compile and ignored ones are not counted, as Stryker counts them. `--sample`: the estimate
// from the mutants of reports/mutation-sample.json alone (scripts/mutation-sample.mjs), with a 95 % interval.
import { readFileSync, readdirSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const report = JSON.parse(readFileSync(path.join(root, 'reports/stryker-incremental.json'), 'utf8'))

/** Every .ts file under src/, relative to the root. */
function sources(dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name)
    if (entry.isDirectory()) return sources(relative)
    return entry.name.endsWith('.ts') ? [relative] : []
  })
}

const folderOf = (file) => {
  const parts = file.split('/')
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : 'src/*.ts'
}
const empty = () => ({
  files: 0,
  tested: 0,
  killed: 0,
  timeout: 0,
  survived: 0,
  noCoverage: 0,
  invalid: 0,
  ignored: 0
})
const statusKey = {
  Killed: 'killed',
  Timeout: 'timeout',
  Survived: 'survived',
  NoCoverage: 'noCoverage',
  CompileError: 'invalid',
  RuntimeError: 'invalid',
  Ignored: 'ignored'
}

/** Stryker's counting: detected (killed, timed out) of those that ran or had no test (no coverage). */
function scored(counts) {
  const detected = counts.killed + counts.timeout
  return { detected, valid: detected + counts.survived + counts.noCoverage }
}

/** Wilson's 95 % interval for `hits` of `n`, in percent. */
function wilson(hits, n) {
  const z = 1.96
  const p = hits / n
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n)
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n)
  return [Math.max(0, 100 * (centre - half)), Math.min(100, 100 * (centre + half))]
}

if (process.argv.includes('--sample')) {
  const sample = JSON.parse(readFileSync(path.join(root, 'reports/mutation-sample.json'), 'utf8'))
  const byFolder = new Map()
  const all = { ...empty(), picked: 0, pending: 0 }
  for (const pick of sample.picks) {
    // The report counts lines and columns from 1, the instrumenter from 0.
    const found = report.files[pick.file]?.mutants.find(
      (mutant) =>
        mutant.mutatorName === pick.mutatorName &&
        mutant.replacement === pick.replacement &&
        mutant.location.start.line === pick.location.start.line + 1 &&
        mutant.location.start.column === pick.location.start.column + 1
    )
    const folder = byFolder.get(folderOf(pick.file)) ?? { ...empty(), picked: 0, pending: 0 }
    byFolder.set(folderOf(pick.file), folder)
    for (const counts of [folder, all]) {
      counts.picked += 1
      if (!found || !statusKey[found.status]) counts.pending += 1
      else counts[statusKey[found.status]] += 1
    }
  }
  const estimate = (counts) => {
    const { detected, valid } = scored(counts)
    if (valid === 0) return '-'
    const [low, high] = wilson(detected, valid)
    return `${((100 * detected) / valid).toFixed(1)} % (${low.toFixed(0)}–${high.toFixed(0)} %)`
  }
  const line = (name, counts) =>
    `| ${name} | ${counts.picked} | ${estimate(counts)} | ${counts.killed + counts.timeout} | ${counts.survived} | ${counts.noCoverage} | ${counts.ignored + counts.invalid} | ${counts.pending} |`
  console.log(
    `Sample: ${sample.picks.length} of ${sample.of} mutants (seed ${sample.seed}, commit \`${sample.commit}\`).\n`
  )
  console.log(
    '| Folder | Sampled | Score (95 % interval) | Detected | Survived | No coverage | Ignored (static) | Not run |'
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const [name, counts] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1)))
    console.log(line(name, counts))
  console.log(line('**all of src/**', all))
  process.exit(0)
}

const folders = new Map()
const total = empty()
const survivors = []
for (const file of sources('src')) {
  const folder = folders.get(folderOf(file)) ?? empty()
  folders.set(folderOf(file), folder)
  folder.files += 1
  total.files += 1
  const mutants = report.files[file]?.mutants
  if (!mutants) continue
  folder.tested += 1
  total.tested += 1
  for (const mutant of mutants) {
    const key = statusKey[mutant.status]
    if (!key) continue
    folder[key] += 1
    total[key] += 1
    if (key === 'survived' || key === 'noCoverage')
      survivors.push(`${file}:${mutant.location.start.line} ${mutant.mutatorName} ${mutant.status}`)
  }
}

const score = (counts) => {
  const { detected, valid } = scored(counts)
  return valid === 0 ? '-' : `${((100 * detected) / valid).toFixed(1)} %`
}
const row = (name, counts) =>
  `| ${name} | ${counts.tested} of ${counts.files} | ${score(counts)} | ${counts.killed + counts.timeout} | ${counts.survived} | ${counts.noCoverage} | ${counts.invalid} | ${counts.ignored} |`
console.log(
  '| Folder | Files run | Score | Detected | Survived | No coverage | Do not compile | Ignored (static) |'
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [name, counts] of [...folders].sort(([a], [b]) => a.localeCompare(b)))
  console.log(row(name, counts))
console.log(row('**all of src/ run so far**', total))
if (process.argv.includes('--survivors')) console.log(`\n${survivors.join('\n')}`)

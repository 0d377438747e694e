// The mutation score per src/ folder from reports/stryker-incremental.json (what `npm run test:mutation` left),
// as the markdown table TESTING.md holds. Score = detected (killed, timed out) / (detected + survived + no coverage);
// mutants that do not compile and ignored ones are not counted, as Stryker counts them.
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
    const key = {
      Killed: 'killed',
      Timeout: 'timeout',
      Survived: 'survived',
      NoCoverage: 'noCoverage',
      CompileError: 'invalid',
      RuntimeError: 'invalid',
      Ignored: 'ignored'
    }[mutant.status]
    if (!key) continue
    folder[key] += 1
    total[key] += 1
    if (key === 'survived' || key === 'noCoverage')
      survivors.push(`${file}:${mutant.location.start.line} ${mutant.mutatorName} ${mutant.status}`)
  }
}

const score = (counts) => {
  const detected = counts.killed + counts.timeout
  const valid = detected + counts.survived + counts.noCoverage
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

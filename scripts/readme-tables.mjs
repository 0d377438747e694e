// Keeps README's inputs and outputs tables equal to action.yml: `node scripts/readme-tables.mjs` rewrites
// them; `--check` exits 1 when they drift (a unit test runs the same comparison).
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ').trim()

export function tables(actionText) {
  const action = parse(actionText)
  const inputs = Object.entries(action.inputs).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default === undefined ? '' : `\`${cell(spec.default)}\``} | ${cell(spec.description)} |`
  )
  const outputs = Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  )
  return {
    inputs: ['| Input | Default | Description |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| Output | Description |', '| --- | --- |', ...outputs].join('\n')
  }
}

export function syncReadme(readme, actionText) {
  const generated = tables(actionText)
  let text = readme
  for (const [name, table] of Object.entries(generated)) {
    const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`)
    if (!pattern.test(text))
      throw new Error(`README.md has no <!-- ${name}:start --> ... <!-- ${name}:end --> block`)
    text = text.replace(pattern, (_match, start, end) => `${start}\n${table}\n${end}`)
  }
  return text
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const synced = syncReadme(readme, readFileSync(path.join(root, 'action.yml'), 'utf8'))
  if (process.argv.includes('--check')) {
    if (synced !== readme) {
      console.error('README.md tables differ from action.yml: run `node scripts/readme-tables.mjs`.')
      process.exit(1)
    }
  } else {
    writeFileSync(readmePath, synced)
  }
}

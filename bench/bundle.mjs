// The bundle's size: every file of dist/, what each chunk holds (from its source map), and which chunks
// a run loads before its first phase starts.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from '../__tests__/support/run-action.mjs'

const dist = path.join(root, 'dist')

/** The largest packages (or our own sources) in a chunk, by source size in its map. @param {string} file */
function contents(file) {
  const mapFile = path.join(dist, `${file}.map`)
  if (!existsSync(mapFile)) return []
  const map = JSON.parse(readFileSync(mapFile, 'utf8'))
  /** @type {Map<string, number>} */
  const sizes = new Map()
  map.sources.forEach((source, index) => {
    const name =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ??
      (source.includes('/src/') ? 'src/ (ours)' : '')
    if (!name) return
    sizes.set(name, (sizes.get(name) ?? 0) + (map.sourcesContent?.[index]?.length ?? 0))
  })
  return [...sizes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name]) => name)
}

// Logs every module a run resolves, from a resolve hook on the loader thread.
const resolveLogger = `
import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  appendFileSync(process.env.BENCH_RESOLVED, resolved.url + '\\n')
  return resolved
}`

/**
 * The dist chunks a run loads, given the environment of a run that stops at its first phase.
 * @param {string} node @param {NodeJS.ProcessEnv} env @param {string} cwd
 */
export function chunksLoaded(node, env, cwd) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-hooks-'))
  const hooks = path.join(dir, 'hooks.mjs')
  const log = path.join(dir, 'resolved.txt')
  writeFileSync(hooks, resolveLogger)
  writeFileSync(log, '')
  const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)})`
  spawnSync(
    node,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, path.join(dist, 'index.js')],
    {
      env: { ...env, BENCH_RESOLVED: log },
      cwd
    }
  )
  const distUrl = pathToFileURL(dist).href + '/'
  return [
    ...new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith(distUrl) && /\.c?js$/.test(url))
        .map((url) => url.slice(distUrl.length))
    )
  ]
}

/** Chunks reachable from index.js through webpack's `__webpack_require__.e(<id>)` loads. */
function reachableChunks() {
  const reached = new Set(['index.js'])
  const pending = ['index.js']
  while (pending.length) {
    const text = readFileSync(path.join(dist, pending.pop()), 'utf8')
    for (const match of text.matchAll(/\.e\((?:\/\*[^*]*\*\/\s*)?(\d+)\)/g)) {
      const chunk = `${match[1]}.index.js`
      if (!reached.has(chunk) && existsSync(path.join(dist, chunk))) {
        reached.add(chunk)
        pending.push(chunk)
      }
    }
  }
  return reached
}

/** dist/ without source maps; `stale` marks chunks no current entry loads (left by an earlier build). */
export function bundleFiles() {
  const reached = reachableChunks()
  return readdirSync(dist)
    .filter((file) => !file.endsWith('.map'))
    .map((file) => ({
      file,
      bytes: statSync(path.join(dist, file)).size,
      holds: contents(file),
      stale: /^\d+\.index\.js$/.test(file) && !reached.has(file)
    }))
    .sort((a, b) => b.bytes - a.bytes)
}

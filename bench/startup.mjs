// Start-up of dist/index.js: from process spawn to the first phase's first command, and to an
// input-validation failure, against a bare `node -e 0` on the same node binary.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { entryPoints, inputDefaults, root } from '../__tests__/support/run-action.mjs'
import { summarize } from './stats.mjs'

// The first phase probes docker (\`docker buildx version\`, \`docker info\`, at once): this stand-in records when the
// first of them started and fails, so the action stops right there without touching docker.
const stampingDocker = `#!/bin/bash
[ -s "$BENCH_STAMP" ] || printf '%s\\n' "\${EPOCHREALTIME/[.,]/}" > "$BENCH_STAMP"
exit 1
`

const now = () => performance.timeOrigin + performance.now()

/**
 * The runner's environment for one action step: INPUT_* with action.yml defaults, GITHUB_* files.
 * @param {string} workspace @param {Record<string, string>} inputs
 */
function runnerEnv(workspace, inputs) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-runner-'))
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((name) => [
      name,
      path.join(dir, name.toLowerCase())
    ])
  )
  for (const file of Object.values(files)) writeFileSync(file, '')
  const all = { ...inputDefaults(''), ...inputs }
  return {
    ...process.env,
    ...files,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
    ...Object.fromEntries(Object.entries(all).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]))
  }
}

/** The runs compared: bare node, the action up to its first phase, failing validation, a post step with nothing to clean. @param {string} workspace */
export function startupCases(workspace) {
  const binDir = mkdtempSync(path.join(tmpdir(), 'bench-bin-'))
  const stamp = path.join(binDir, 'stamp')
  writeFileSync(path.join(binDir, 'docker'), stampingDocker)
  chmodSync(path.join(binDir, 'docker'), 0o755)
  const validInputs = {
    repository: 'shop/web',
    target: 'production',
    driver: 'docker',
    scan: 'false',
    'github-token': '',
    'aws-region': 'us-east-1'
  }
  const script = path.join(root, 'dist/index.js')
  const cases = {
    bare: { args: ['-e', '0'], env: process.env },
    firstPhase: {
      args: [script],
      env: {
        ...runnerEnv(workspace, validInputs),
        PATH: `${binDir}:${process.env.PATH}`,
        BENCH_STAMP: stamp
      }
    },
    invalid: { args: [script], env: runnerEnv(workspace, { ...validInputs, repository: 'Shop/Web!' }) },
    post: { args: [entryPoints().post], env: runnerEnv(workspace, validInputs) }
  }
  return { cases, stamp }
}

/**
 * @param {{ nodes: Array<{ label: string, path: string, version: string }>, workspace: string, runs: number,
 *   warmups: number, log: (line: string) => void }} options
 */
export function benchStartup(options) {
  const { cases, stamp } = startupCases(options.workspace)

  /** @param {string} node @param {keyof typeof cases} name */
  function once(node, name) {
    const { args, env } = cases[name]
    writeFileSync(stamp, '')
    const started = now()
    const result = spawnSync(node, args, { env, cwd: options.workspace, encoding: 'utf8' })
    const wall = now() - started
    const stamped = readFileSync(stamp, 'utf8').trim()
    const output = result.stdout + result.stderr
    if (name === 'firstPhase' && !stamped) throw new Error(`no phase started:\n${output}`)
    if (name === 'invalid' && !output.includes("::error::Input 'repository'")) {
      throw new Error(`expected an input-validation failure:\n${output}`)
    }
    if (name === 'post' && (result.status !== 0 || output.includes('::warning::'))) {
      throw new Error(`expected a quiet post step:\n${output}`)
    }
    return name === 'firstPhase' ? Number(stamped) / 1000 - started : wall
  }

  return options.nodes.map((node) => {
    const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
    for (let run = 0; run < options.warmups; run++)
      for (const name of Object.keys(cases)) once(node.path, name)
    for (let run = 0; run < options.runs; run++) {
      // Rotating the order spreads any drift evenly over the three cases.
      const names = Object.keys(cases)
      for (let index = 0; index < names.length; index++) {
        const name = names[(run + index) % names.length]
        samples[name].push(once(node.path, name))
      }
    }
    const result = {
      node,
      bare: summarize(samples.bare),
      firstPhase: summarize(samples.firstPhase),
      invalid: summarize(samples.invalid),
      post: summarize(samples.post)
    }
    options.log(
      `start-up ${node.label}: node -e 0 ${Math.round(result.bare.median)} ms, first phase ${Math.round(
        result.firstPhase.median
      )} ms, validation failure ${Math.round(result.invalid.median)} ms, empty post step ${Math.round(
        result.post.median
      )} ms`
    )
    return result
  })
}

/**
 * Where a run's time goes up to its first phase: one `--cpu-prof` of that run, self time by script,
 * cut at the first sample inside `child_process` spawn (the first phase's `docker buildx version`).
 * @param {string} node @param {string} workspace
 */
export function startupProfile(node, workspace) {
  const { cases } = startupCases(workspace)
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-profile-'))
  const { args, env } = cases.firstPhase
  spawnSync(node, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', ...args], {
    env,
    cwd: workspace
  })
  const profile = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]), 'utf8'))
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map(
    profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id]))
  )
  const spawning = (id) => {
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const { url, functionName } = nodes.get(at).callFrame
      if (functionName === 'spawn' && url.includes('child_process')) return true
    }
    return false
  }
  const distUrl = pathToFileURL(path.join(root, 'dist')).href + '/'
  /** @type {Map<string, number>} */
  const selfMs = new Map()
  let totalMs = 0
  for (let index = 0; index < profile.samples.length && !spawning(profile.samples[index]); index++) {
    const { url, functionName } = nodes.get(profile.samples[index]).callFrame
    const where = url.startsWith(distUrl)
      ? `dist/${url.slice(distUrl.length)}`
      : url.startsWith('node:') || (url && !url.includes('/'))
        ? 'node internals (module loading, compiling)'
        : `(${functionName})`
    const ms = profile.timeDeltas[index] / 1000
    selfMs.set(where, (selfMs.get(where) ?? 0) + ms)
    totalMs += ms
  }
  return { totalMs, parts: [...selfMs].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 1) }
}

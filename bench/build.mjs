// Warm rebuild + push after a one-line code change: the bundled action (scan off) against the bare
// docker CLI doing the same work, alternating, on the example app, a local registry and the ECR stand-in.
import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { ensureBaseImage, ensureDocker, startRegistry } from '../__tests__/support/local-stack.mjs'
import { sdkEnv, startEcr } from '../__tests__/support/stand-ins/ecr.mjs'
import { pushToMain, root, runAction } from '../__tests__/support/run-action.mjs'
import { summarize } from './stats.mjs'

const repository = 'shop/web'
const buildArgs = ['APP_VERSION=1.4.0']

/** A copy of examples/django that each measured run changes by one line. */
export function exampleWorkspace() {
  const workspace = mkdtempSync(path.join(tmpdir(), 'bench-workspace-'))
  cpSync(path.join(root, 'examples/django'), workspace, { recursive: true })
  return workspace
}

/** Each phase's time, from the `::debug::<phase>: <n> ms` line the action writes as a phase ends. */
function phaseTimes(stdout) {
  return Object.fromEntries(
    [...stdout.matchAll(/^::debug::(.+): (\d+) ms$/gm)].map((match) => [match[1], Number(match[2])])
  )
}

/** A logged command line back to its argv: words split at spaces, `'…'` and `\\'` quoting as the action's log writes it. */
function shellWords(line) {
  const words = []
  let word
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (char === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1)
      word = (word ?? '') + line.slice(index + 1, end)
      index = end
    } else if (char === '\\') {
      word = (word ?? '') + line[++index]
    } else word = (word ?? '') + char
  }
  if (word !== undefined) words.push(word)
  return words
}

/** The action's build argv, as the bare side runs it: its files in `dir`, docker's default progress output. */
function sameBuild(command, dir) {
  const args = shellWords(command).slice(1)
  const out = []
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]
    if (arg === '--progress') {
      index++
      continue
    }
    if (arg === '--metadata-file' || arg === '--iidfile') {
      out.push(arg, path.join(dir, path.basename(args[++index])))
      continue
    }
    out.push(arg)
  }
  return out
}

/** The commands the action ran, as it logs them (`$ docker …`, stdin shown as `***`). */
function loggedCommands(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('$ '))
    .map((line) => line.slice(2))
}

/**
 * @param {{ node: string, pairs: number, warmups: number, log: (line: string) => void }} options
 */
export async function benchBuild(options) {
  await ensureDocker()
  ensureBaseImage()
  const password = randomBytes(18).toString('base64url')
  const registry = await startRegistry({ password })
  const ecr = await startEcr({ registryHost: registry.host, password, repositories: [{ name: repository }] })
  const workspace = exampleWorkspace()
  const dockerConfig = mkdtempSync(path.join(tmpdir(), 'bench-docker-config-'))
  const dockerEnv = { ...process.env, DOCKER_CONFIG: dockerConfig }
  let change = 0
  const changeOneLine = () =>
    appendFileSync(path.join(workspace, 'app/serve.sh'), `# change ${++change} ${Date.now()}\n`)

  async function action() {
    const result = await runAction({
      ...pushToMain,
      workspace,
      node: options.node,
      inputs: {
        repository,
        target: 'production',
        driver: 'docker',
        scan: 'false',
        'github-token': '',
        'build-args': buildArgs.join('\n')
      },
      env: {
        ...sdkEnv(ecr.url),
        DOCKER_CONFIG: dockerConfig
      }
    })
    const log = result.main.stdout + result.main.stderr + (result.post?.stdout ?? '')
    if (result.main.code !== 0 || result.post?.code !== 0) throw new Error(`the action failed:\n${log}`)
    return {
      outputs: result.outputs,
      commands: loggedCommands(log),
      phases: phaseTimes(result.main.stdout),
      main: result.main.ms,
      post: result.post.ms
    }
  }

  /** @param {string[]} args @param {string} [input] */
  function docker(args, input) {
    const result = spawnSync('docker', args, { env: dockerEnv, input, encoding: 'utf8', maxBuffer: 1 << 26 })
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.stderr}`)
  }

  /**
   * B: the action's own docker commands (login, the same buildx argv, logout) without the action around them,
   * so A − B is the action's fixed cost. B0: the issue's bare CLI, only the same tags, target, args and labels.
   * @param {string[]} actionCommands @param {{ tags: string[], labels: string[] }} same
   */
  function bareSides(actionCommands, same) {
    const files = mkdtempSync(path.join(tmpdir(), 'bench-bare-'))
    const build = actionCommands.find((command) => command.startsWith('docker buildx build '))
    if (!build) throw new Error(`the action ran no docker buildx build:\n${actionCommands.join('\n')}`)
    const login = ['login', '--username', 'AWS', '--password-stdin', registry.host]
    const logout = ['logout', registry.host]
    return {
      bare: [login, sameBuild(build, files), logout],
      minimal: [
        login,
        [
          'buildx',
          'build',
          '--file',
          path.join(workspace, 'Dockerfile'),
          '--target',
          'production',
          ...buildArgs.flatMap((arg) => ['--build-arg', arg]),
          ...same.labels.flatMap((label) => ['--label', label]),
          ...same.tags.flatMap((tag) => ['--tag', tag]),
          '--push',
          workspace
        ],
        logout
      ]
    }
  }

  /** Each command's time, by its first words (`login`, `buildx build`, `logout`). @param {string[][]} commands */
  function bare(commands) {
    const times = {}
    for (const args of commands) {
      const started = performance.now()
      docker(args, args[0] === 'login' ? password : undefined)
      times[args[0] === 'buildx' ? `buildx ${args[1]}` : args[0]] = performance.now() - started
    }
    return times
  }

  /** @param {string[]} args */
  const shown = (args) => ['docker', ...args, ...(args[0] === 'login' ? ['<<<', '***'] : [])].join(' ')

  async function timed(work) {
    changeOneLine()
    const started = performance.now()
    const result = await work()
    return { ms: performance.now() - started, result }
  }

  try {
    const first = await timed(action)
    const same = {
      tags: first.result.outputs.tags.split('\n').filter(Boolean),
      labels: first.result.outputs.labels.split('\n').filter(Boolean)
    }
    const commands = bareSides(first.result.commands, same)
    const sides = {
      action: () => timed(action),
      bare: () => timed(() => bare(commands.bare)),
      minimal: () => timed(() => bare(commands.minimal))
    }
    const names = Object.keys(sides)
    for (let run = 0; run < options.warmups; run++) for (const name of names) await sides[name]()
    options.log(`build: ${options.warmups} warm-up rounds done; measuring ${options.pairs} rounds`)
    const samples = { action: [], bare: [], minimal: [] }
    const parts = { action: [], bare: [] }
    for (let round = 0; round < options.pairs; round++) {
      // Each round starts with the next side in turn, so no side always runs on the warmest engine.
      const order = names.map((_, index) => names[(index + round) % names.length])
      for (const name of order) {
        const { ms, result } = await sides[name]()
        samples[name].push(ms)
        if (name in parts) parts[name].push(result)
      }
      options.log(
        `build round ${round + 1}/${options.pairs}: ${names.map((name) => `${name} ${Math.round(samples[name][round])} ms`).join(', ')}`
      )
    }
    const probes = []
    for (let run = 0; run < 5; run++) {
      const started = performance.now()
      docker(['buildx', 'version'])
      probes.push(performance.now() - started)
    }
    const medianOf = (values) => summarize(values).median
    const phaseNames = Object.keys(parts.action[0].phases)
    return {
      probe: summarize(probes),
      action: summarize(samples.action),
      bare: summarize(samples.bare),
      minimal: summarize(samples.minimal),
      differences: summarize(samples.action.map((ms, index) => ms - samples.bare[index])),
      minimalDifferences: summarize(samples.action.map((ms, index) => ms - samples.minimal[index])),
      /** Medians per part: the action's phases, its main and post processes; the bare side's commands. */
      breakdown: {
        phases: phaseNames.map((name) => [name, medianOf(parts.action.map((run) => run.phases[name] ?? 0))]),
        main: medianOf(parts.action.map((run) => run.main)),
        post: medianOf(parts.action.map((run) => run.post)),
        bare: Object.keys(parts.bare[0]).map((name) => [name, medianOf(parts.bare.map((run) => run[name]))])
      },
      actionCommands: first.result.commands,
      bareCommands: commands.bare.map(shown),
      minimalCommands: commands.minimal.map(shown),
      registry: registry.host
    }
  } finally {
    registry.stop()
    await ecr.close()
  }
}

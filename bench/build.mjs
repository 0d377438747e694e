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
    return { outputs: result.outputs, commands: loggedCommands(log) }
  }

  /** @param {string[]} args @param {string} [input] */
  function docker(args, input) {
    const result = spawnSync('docker', args, { env: dockerEnv, input, encoding: 'utf8', maxBuffer: 1 << 26 })
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.stderr}`)
  }

  /** @param {{ tags: string[], labels: string[] }} same */
  function bareCommands(same) {
    return [
      ['login', '--username', 'AWS', '--password-stdin', registry.host],
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
      ['logout', registry.host]
    ]
  }

  /** @param {string[][]} commands */
  function bare(commands) {
    for (const args of commands) docker(args, args[0] === 'login' ? password : undefined)
  }

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
    const commands = bareCommands(same)
    await timed(() => bare(commands))
    for (let run = 1; run < options.warmups; run++) {
      await timed(action)
      await timed(() => bare(commands))
    }
    options.log(`build: ${options.warmups} warm-up pairs done; measuring ${options.pairs} pairs`)
    const samples = { action: [], bare: [] }
    for (let pair = 0; pair < options.pairs; pair++) {
      // A-B then B-A, so neither side always runs on the warmer engine.
      const order = pair % 2 === 0 ? ['action', 'bare'] : ['bare', 'action']
      for (const side of order) {
        const { ms } = side === 'action' ? await timed(action) : await timed(() => bare(commands))
        samples[side].push(ms)
      }
      options.log(
        `build pair ${pair + 1}/${options.pairs}: action ${Math.round(samples.action[pair])} ms, bare ${Math.round(
          samples.bare[pair]
        )} ms`
      )
    }
    const probes = []
    for (let run = 0; run < 5; run++) {
      const started = performance.now()
      docker(['buildx', 'version'])
      probes.push(performance.now() - started)
    }
    return {
      probe: summarize(probes),
      action: summarize(samples.action),
      bare: summarize(samples.bare),
      differences: summarize(samples.action.map((ms, index) => ms - samples.bare[index])),
      actionCommands: first.result.commands,
      bareCommands: commands.map((args) =>
        ['docker', ...args, ...(args[0] === 'login' ? ['<<<', '***'] : [])].join(' ')
      ),
      registry: registry.host
    }
  } finally {
    registry.stop()
    await ecr.close()
  }
}

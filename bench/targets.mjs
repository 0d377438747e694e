// Several targets of one Dockerfile (issue 7): the action's one `docker buildx bake` against three
// concurrent `docker buildx build`s on the same builder and three sequential ones, each run with a fresh
// APP_VERSION so the shared builder stage has to run again, counting how often its step really ran.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { ensureBaseImage, ensureDocker, startRegistry } from '../__tests__/support/local-stack.mjs'
import { sdkEnv, startEcr } from '../__tests__/support/stand-ins/ecr.mjs'
import { runAction } from '../__tests__/support/run-action.mjs'
import { pushEvent } from './build.mjs'
import { exampleWorkspace } from './build.mjs'
import { summarize } from './stats.mjs'

export const targetRepositories = [
  ['production', 'shop/web'],
  ['development', 'shop/web-dev'],
  ['testing', 'shop/web-test']
]
/** The builder stage's first step: every target needs it, and APP_VERSION invalidates it. */
export const sharedStep = 'RUN mkdir -p /build'
export const sides = ['action', 'bake', 'concurrent', 'sequential']

const freshVersion = () => randomBytes(6).toString('hex')

/**
 * @typedef {{ declared: Set<string>, ran: Set<string>, cached: Set<string> }} StepSightings
 * Vertex digests of the shared step: every one a build declared, those that ran (one execution that
 * several builds share is reported to each of them under one digest) and those that came from cache.
 */

/** @returns {StepSightings} */
const noSightings = () => ({ declared: new Set(), ran: new Set(), cached: new Set() })

/** @param {StepSightings[]} all @returns {StepSightings} */
function merge(all) {
  const merged = noSightings()
  for (const sightings of all) {
    for (const key of Object.keys(merged)) for (const digest of sightings[key]) merged[key].add(digest)
  }
  for (const digest of merged.ran) merged.cached.delete(digest)
  return merged
}

/**
 * The shared step in buildx's `--progress rawjson` output (a stream of SolveStatus objects).
 * @param {string} rawjson
 * @returns {StepSightings}
 */
export function sharedStepSightings(rawjson) {
  const sightings = noSightings()
  for (const chunk of rawjson.split(/^(?=\{$)/m)) {
    let status
    try {
      status = JSON.parse(chunk.slice(0, chunk.lastIndexOf('\n}') + 2))
    } catch {
      continue
    }
    for (const vertex of status.vertexes ?? []) {
      if (!vertex.name?.includes(sharedStep)) continue
      sightings.declared.add(vertex.digest)
      if (!vertex.completed || vertex.error) continue
      if (vertex.cached) sightings.cached.add(vertex.digest)
      else if (vertex.started) sightings.ran.add(vertex.digest)
    }
  }
  return merge([sightings])
}

/**
 * The same from the action's log, which shows each vertex digest as `#N name`, then `#N DONE 0.1s` or
 * `#N CACHED`; vertices that never started are not shown.
 * @param {string} log
 * @returns {StepSightings}
 */
export function sharedStepSightingsInLog(log) {
  const names = new Map()
  const sightings = noSightings()
  for (const line of log.split('\n')) {
    const match = /^#(\d+) (.*)$/.exec(line)
    if (!match) continue
    const [, number, text] = match
    if (!names.has(number)) names.set(number, text)
    if (!names.get(number).includes(sharedStep)) continue
    sightings.declared.add(number)
    if (text === 'CACHED') sightings.cached.add(number)
    else if (text.startsWith('DONE ')) sightings.ran.add(number)
  }
  return merge([sightings])
}

/** @param {string[]} args @param {NodeJS.ProcessEnv} env @returns {Promise<string>} standard error */
function docker(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve(stderr)
        : reject(new Error(`docker ${args.join(' ')} failed:\n${stderr.split('\n').slice(-30).join('\n')}`))
    )
  })
}

/** @param {string} dir @param {string} name @returns {string | undefined} */
function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      const found = findFile(file, name)
      if (found) return found
    } else if (entry.name === name) return file
  }
  return undefined
}

/**
 * One bake target as the `docker buildx build` that does the same work (the action builds a single target
 * with exactly these flags).
 * @param {any} target @param {string} builder @param {string} metadataFile
 */
export function buildArgsFor(target, builder, metadataFile) {
  return [
    'buildx',
    'build',
    '--builder',
    builder,
    '--file',
    target.dockerfile,
    '--target',
    target.target,
    ...Object.entries(target.args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
    ...Object.entries(target.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...target.annotations.flatMap((annotation) => ['--annotation', annotation]),
    ...target.tags.flatMap((tag) => ['--tag', tag]),
    ...target['cache-from'].flatMap((cache) => ['--cache-from', cache]),
    ...target['cache-to'].flatMap((cache) => ['--cache-to', cache]),
    ...target.output.flatMap((output) => ['--output', output]),
    '--metadata-file',
    metadataFile,
    '--progress',
    'rawjson',
    target.context
  ]
}

/**
 * @param {{ node: string, rounds: number, warmups: number, log: (line: string) => void }} options
 */
export async function benchTargets(options) {
  await ensureDocker()
  ensureBaseImage()
  const password = randomBytes(18).toString('base64url')
  const registry = await startRegistry({ password })
  const ecr = await startEcr({
    registryHost: registry.host,
    password,
    repositories: targetRepositories.map(([, name]) => ({ name }))
  })
  const workspace = exampleWorkspace()
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-targets-'))
  // The action logs out in its post step: the bare sides keep their own, logged-in config.
  const actionConfig = mkdtempSync(path.join(tmpdir(), 'bench-docker-config-'))
  const bareEnv = { ...process.env, DOCKER_CONFIG: mkdtempSync(path.join(tmpdir(), 'bench-docker-config-')) }
  let definition
  /** The action's `docker buildx bake` command line, without `docker`. */
  let bakeArgs = []
  let file = 0
  const scratchFile = (name) => path.join(scratch, `${++file}-${name}`)

  const builder = () => bakeArgs[bakeArgs.indexOf('--builder') + 1]

  /** The definition the action generated, with this run's APP_VERSION. */
  function definitionWith(version) {
    const copy = JSON.parse(JSON.stringify(definition))
    for (const target of Object.values(copy.target)) target.args.APP_VERSION = version
    return copy
  }

  const run = {
    async action(version) {
      const runnerTemp = mkdtempSync(path.join(scratch, 'runner-temp-'))
      const result = await runAction({
        ...pushEvent,
        workspace,
        node: options.node,
        inputs: {
          targets: targetRepositories.map(([stage, repository]) => `${stage}=${repository}`).join('\n'),
          driver: 'docker',
          scan: 'false',
          'dry-run': 'false',
          'github-token': '',
          'build-args': `APP_VERSION=${version}`
        },
        env: {
          ...sdkEnv(ecr.url),
          DOCKER_CONFIG: actionConfig,
          RUNNER_TEMP: runnerTemp
        },
        beforePost: () => {
          // The post step removes the action's temporary files: keep the definition it generated.
          const found = definition ? undefined : findFile(runnerTemp, 'bake.json')
          if (found) definition = JSON.parse(readFileSync(found, 'utf8'))
        }
      })
      const log =
        result.main.stdout + result.main.stderr + (result.post?.stdout ?? '') + (result.post?.stderr ?? '')
      if (result.main.code !== 0 || result.post?.code !== 0) throw new Error(`the action failed:\n${log}`)
      if (!definition) throw new Error(`the action wrote no bake definition:\n${log}`)
      bakeArgs = (log.split('\n').find((line) => line.startsWith('$ docker buildx bake ')) ?? '')
        .split(' ')
        .slice(2)
      return sharedStepSightingsInLog(log)
    },
    async bake(version) {
      const definitionFile = scratchFile('bake.json')
      writeFileSync(definitionFile, JSON.stringify(definitionWith(version), null, 2))
      const args = bakeArgs.map((arg, index, all) =>
        all[index - 1] === '--file'
          ? definitionFile
          : all[index - 1] === '--metadata-file'
            ? scratchFile('metadata.json')
            : arg
      )
      return sharedStepSightings(await docker(args, bareEnv))
    },
    async concurrent(version) {
      const targets = Object.values(definitionWith(version).target)
      const outputs = await Promise.all(
        targets.map((target) =>
          docker(buildArgsFor(target, builder(), scratchFile('metadata.json')), bareEnv)
        )
      )
      return merge(outputs.map(sharedStepSightings))
    },
    async sequential(version) {
      const outputs = []
      for (const target of Object.values(definitionWith(version).target)) {
        outputs.push(await docker(buildArgsFor(target, builder(), scratchFile('metadata.json')), bareEnv))
      }
      return merge(outputs.map(sharedStepSightings))
    }
  }

  /** @param {string} side */
  async function timed(side) {
    const version = freshVersion()
    const started = performance.now()
    const sightings = await run[side](version)
    return { ms: performance.now() - started, sightings }
  }

  try {
    await new Promise((resolve, reject) => {
      const login = spawn('docker', ['login', '--username', 'AWS', '--password-stdin', registry.host], {
        env: bareEnv,
        stdio: ['pipe', 'ignore', 'pipe']
      })
      login.on('close', (code) => (code === 0 ? resolve() : reject(new Error('docker login failed'))))
      login.stdin.end(password)
    })
    for (let round = 0; round < options.warmups; round++) {
      for (const side of sides) await timed(side)
    }
    options.log(`targets: ${options.warmups} warm-up round(s) done; measuring ${options.rounds} rounds`)
    const samples = Object.fromEntries(sides.map((side) => [side, []]))
    const steps = Object.fromEntries(sides.map((side) => [side, []]))
    for (let round = 0; round < options.rounds; round++) {
      // Each side goes first, second, ... in turn, so none always runs on the warmest engine.
      const order = sides.map((_, index) => sides[(index + round) % sides.length])
      for (const side of order) {
        const { ms, sightings } = await timed(side)
        samples[side].push(ms)
        steps[side].push({
          declared: sightings.declared.size,
          ran: sightings.ran.size,
          cached: sightings.cached.size
        })
      }
      options.log(
        `targets round ${round + 1}/${options.rounds} (${order.join(', ')}): ${sides
          .map(
            (side) => `${side} ${Math.round(samples[side][round])} ms (step ran ×${steps[side][round].ran})`
          )
          .join(', ')}`
      )
    }
    const firstTarget = Object.values(definition.target)[0]
    return {
      ...Object.fromEntries(sides.map((side) => [side, summarize(samples[side])])),
      samples,
      steps,
      bakeCommand: ['docker', ...bakeArgs].join(' '),
      buildCommand: ['docker', ...buildArgsFor(firstTarget, builder(), '<metadata.json>')].join(' ')
    }
  } finally {
    registry.stop()
    await ecr.close()
  }
}

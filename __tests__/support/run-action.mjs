// Runs the bundled action the way the GitHub runner does: inputs as INPUT_* env with action.yml
// defaults filled in, GITHUB_OUTPUT/STATE/ENV/STEP_SUMMARY files, an event payload, then the post
// entry with STATE_* env from the state file. Each step's output goes through the runner's workflow-command
// processing (workflow-commands.mjs): what `log` holds, and what `echo` prints, is what the job's page shows.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { scratchBuilder, scratchDir, scratchImage } from './scratch.mjs'
import { SecretMasker, StepOutput, logRenderer } from './workflow-commands.mjs'

/** A push of commit 4f2c9ab… to the default branch `main` of octo-org/shop: the example event. */
export const pushToMain = {
  eventName: 'push',
  github: { GITHUB_SHA: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6', GITHUB_REF: 'refs/heads/main' },
  payload: {
    ref: 'refs/heads/main',
    after: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
    repository: {
      name: 'shop',
      full_name: 'octo-org/shop',
      html_url: 'https://github.com/octo-org/shop',
      default_branch: 'main',
      description: 'The shop',
      license: { spdx_id: 'MIT' }
    }
  }
}

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The runner's file-command format: `name=value` or `name<<DELIM\nvalue\nDELIM`.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    const heredoc = line.match(/^([^=<]+)<<(.+)$/)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], index + 1)
      values[heredoc[1]] = lines.slice(index + 1, end).join('\n')
      index = end
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

/** The scripts action.yml runs for `main` and `post`, as the runner reads them. */
export function entryPoints() {
  const { runs } = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'))
  return { main: path.join(root, runs.main), post: path.join(root, runs.post) }
}

/** Input defaults as the runner fills them, with `${{ github.token }}` resolved from the given token. */
export function inputDefaults(token) {
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'))
  const defaults = {}
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    if (spec.default === undefined) continue
    defaults[name] = String(spec.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, token ?? '')
  }
  return defaults
}

/**
 * @typedef {import('./workflow-commands.mjs').LogEntry} LogEntry
 * @typedef {import('./workflow-commands.mjs').Annotation} Annotation
 * @typedef {{ code: number | null, stdout: string, stderr: string, log: string, entries: LogEntry[],
 *   annotations: Annotation[], failed: boolean, commandOutputs: Record<string, string>,
 *   commandState: Record<string, string> }} StepResult
 *   `stdout`/`stderr` as the process wrote them; `log` and `entries` as the runner shows them (commands
 *   consumed, masks applied, `::debug::` only with RUNNER_DEBUG=1); `annotations` what the job would get;
 *   `failed` when a workflow command could not be processed (the runner fails the step).
 * @typedef {boolean | ((entry: LogEntry) => void)} Echo
 *   `true` prints the log as it comes (groups indented); a function gets each entry instead.
 */

/** Where `echo` goes. @param {Echo | undefined} echo @returns {((entry: LogEntry) => void) | undefined} */
function echoer(echo) {
  if (typeof echo === 'function') return echo
  if (!echo) return undefined
  const render = logRenderer()
  return (entry) => {
    const text = render(entry)
    if (text !== undefined) process.stdout.write(`${text}\n`)
  }
}

/**
 * One step: the script on `node`, both streams through the runner's command processing.
 * @param {string} node @param {string} script @param {NodeJS.ProcessEnv} env @param {string} cwd
 * @param {{ masker: SecretMasker, onEntry?: (entry: LogEntry) => void }} runner the job's masker
 * @returns {Promise<StepResult>}
 */
export function runStep(node, script, env, cwd, runner) {
  const output = new StepOutput({
    masker: runner.masker,
    workspace: env.GITHUB_WORKSPACE,
    debug: env.RUNNER_DEBUG === '1',
    onEntry: runner.onEntry
  })
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      output.write('stdout', chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      output.write('stderr', chunk)
    })
    child.on('close', (code) => {
      output.end()
      resolve({
        code,
        /** Wall clock from spawn to exit. */
        ms: performance.now() - started,
        stdout,
        stderr,
        log: output.log,
        entries: output.entries,
        annotations: output.annotations,
        failed: output.failed,
        commandOutputs: output.outputs,
        commandState: output.state
      })
    })
  })
}

/** RUNNER_TEMP for one job: in `tempRoot` when given (kept), else a scratch folder removed after the test file. */
function runnerTemp(tempRoot) {
  return tempRoot ? mkdtempSync(path.join(tempRoot, 'runner-')) : scratchDir('runner-')
}

/**
 * Runs only the post entry, as the runner does at the end of a job, with the given saved state.
 * @param {{ state: Record<string, string>, env?: Record<string, string | undefined>, workspace: string, node?: string,
 *   echo?: Echo, tempRoot?: string }} options
 * @returns {Promise<StepResult>}
 */
export async function runPost(options) {
  const dir = runnerTemp(options.tempRoot)
  const env = {
    ...process.env,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_OUTPUT: path.join(dir, 'output'),
    ...Object.fromEntries(Object.entries(options.state).map(([key, value]) => [`STATE_${key}`, value])),
    ...(options.env ?? {})
  }
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key]
  return runStep(options.node ?? process.execPath, entryPoints().post, env, options.workspace, {
    masker: new SecretMasker(),
    onEntry: echoer(options.echo)
  })
}

/**
 * What main left for post to undo, recorded for after the test file when post does not run.
 * @param {Record<string, string>} state @param {NodeJS.ProcessEnv} env
 */
function leftForPost(state, env) {
  if (!state.cleanup) return
  const saved = JSON.parse(state.cleanup)
  const where = {
    dockerHost: env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
    dockerConfig: env.DOCKER_CONFIG
  }
  for (const name of saved.staging ?? []) scratchImage(name, where)
  if (saved.builder) scratchBuilder(saved.builder, where)
}

/**
 * @param {{ inputs: Record<string,string>, env?: Record<string,string|undefined>, workspace: string,
 *   eventName?: string, payload?: object, github?: Record<string,string>, node?: string, post?: boolean,
 *   echo?: Echo, tempRoot?: string, beforePost?: (outputs: Record<string, string>) => void }} options
 *   `tempRoot`: make RUNNER_TEMP in this folder and keep it (the demo); by default it is removed after the file.
 */
export async function runAction(options) {
  const dir = runnerTemp(options.tempRoot)
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_EVENT_PATH: path.join(dir, 'event.json')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(options.payload ?? {}))
  const token = options.inputs['github-token'] ?? 'ghs_localtesttoken'
  const inputs = { ...inputDefaults(token), ...options.inputs }
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  )
  const base = {
    ...process.env,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    ...files,
    ...(options.github ?? {}),
    ...inputEnv,
    ...(options.env ?? {})
  }
  for (const [key, value] of Object.entries(base)) if (value === undefined) delete base[key]
  const node = options.node ?? process.execPath
  const scripts = entryPoints()
  // One masker for the job: a value main masked stays masked in post.
  const runner = { masker: new SecretMasker(), onEntry: echoer(options.echo) }
  const main = await runStep(node, scripts.main, base, options.workspace, runner)
  // The runner reads the files after the step; a file command wins over a deprecated `::set-output::`.
  const state = { ...main.commandState, ...parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')) }
  const outputs = { ...main.commandOutputs, ...parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')) }
  // Later steps of the job run between main and post: they can still read what main left in RUNNER_TEMP.
  options.beforePost?.(outputs)
  let post
  if (options.post !== false) {
    const stateEnv = Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value]))
    post = await runStep(node, scripts.post, { ...base, ...stateEnv }, options.workspace, runner)
  } else {
    leftForPost(state, base)
  }
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  return {
    main,
    post,
    state,
    outputs,
    summary,
    /** The summary as the job's page shows it: the runner masks it line by line when it uploads it. */
    shownSummary: summary
      .split(/\r\n|\r|\n/)
      .map((line) => runner.masker.mask(line))
      .join('\n'),
    envFile: readFileSync(files.GITHUB_ENV, 'utf8'),
    runnerDir: dir,
    /** What the runner would show of any other text: every value the job masked as `***`. */
    mask: (/** @type {string} */ text) => runner.masker.mask(text)
  }
}

// Runs the bundled action the way the GitHub runner does: inputs as INPUT_* env with action.yml
// defaults filled in, GITHUB_OUTPUT/STATE/ENV/STEP_SUMMARY files, an event payload, then the post
// entry with STATE_* env from the state file.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

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
 * @param {string} node @param {string} script @param {NodeJS.ProcessEnv} env @param {string} cwd
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runNode(node, script, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(node, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Runs only the post entry, as the runner does at the end of a job, with the given saved state.
 * @param {{ state: Record<string, string>, env?: Record<string, string | undefined>, workspace: string, node?: string }} options
 */
export async function runPost(options) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-'))
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
  return runNode(options.node ?? process.execPath, entryPoints().post, env, options.workspace)
}

/**
 * @param {{ inputs: Record<string,string>, env?: Record<string,string|undefined>, workspace: string,
 *   eventName?: string, payload?: object, github?: Record<string,string>, node?: string, post?: boolean,
 *   echo?: boolean, beforePost?: (outputs: Record<string, string>) => void }} options
 */
export async function runAction(options) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-'))
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
  const main = await runNode(node, scripts.main, base, options.workspace)
  if (options.echo) process.stdout.write(main.stdout + main.stderr)
  const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))
  const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  // Later steps of the job run between main and post: they can still read what main left in RUNNER_TEMP.
  options.beforePost?.(outputs)
  let post
  if (options.post !== false) {
    const stateEnv = Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value]))
    post = await runNode(node, scripts.post, { ...base, ...stateEnv }, options.workspace)
    if (options.echo) process.stdout.write(post.stdout + post.stderr)
  }
  return {
    main,
    post,
    state,
    outputs,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    envFile: readFileSync(files.GITHUB_ENV, 'utf8'),
    runnerDir: dir
  }
}

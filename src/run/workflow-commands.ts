import { randomUUID } from 'node:crypto'
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs'
import { EOL } from 'node:os'

/**
 * The runner's workflow-command protocol, as @actions/core writes it (a unit test holds the two byte for byte).
 * @actions/core itself loads undici (about 1 MB) for its OIDC client at import, which every run and every post
 * step would pay for at start-up; it is imported only where a token is asked for (keyless signing).
 */

/** Where an annotation points, as @actions/core's AnnotationProperties. */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function issue(
  command: string,
  message: string,
  properties: Record<string, string | number | undefined> = {}
) {
  const fields = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
  // As @actions/core: a space after the command whenever properties were given, even all empty.
  const head = Object.keys(properties).length > 0 ? `${command} ${fields.join(',')}` : command
  process.stdout.write(`::${head}::${escapeData(message)}${EOL}`)
}

function annotation(kind: 'notice' | 'warning' | 'error', message: string, at: AnnotationProperties = {}) {
  if (Object.keys(at).length === 0) return issue(kind, message)
  issue(kind, message, {
    title: at.title,
    file: at.file,
    line: at.startLine,
    endLine: at.endLine,
    col: at.startColumn,
    endColumn: at.endColumn
  })
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}
export function debug(message: string): void {
  issue('debug', message)
}
export function notice(message: string, properties?: AnnotationProperties): void {
  annotation('notice', message, properties)
}
export function warning(message: string, properties?: AnnotationProperties): void {
  annotation('warning', message, properties)
}
export function error(message: string, properties?: AnnotationProperties): void {
  annotation('error', message, properties)
}
export function startGroup(title: string): void {
  issue('group', title)
}
export function endGroup(): void {
  issue('endgroup', '')
}
export function setSecret(secret: string): void {
  issue('add-mask', secret)
}

/** `name<<delimiter` … `delimiter` appended to the runner's GITHUB_OUTPUT or GITHUB_STATE file. */
function fileCommand(kind: 'OUTPUT' | 'STATE', name: string, value: string): void {
  const file = process.env[`GITHUB_${kind}`]
  if (!file) {
    // A runner older than file commands: the deprecated stdout form, as @actions/core falls back to.
    if (kind === 'OUTPUT') process.stdout.write(EOL)
    issue(kind === 'OUTPUT' ? 'set-output' : 'save-state', value, { name })
    return
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  // @actions/core also refuses a value holding the delimiter: a random UUID no value can foresee.
  const delimiter = `ghadelimiter_${randomUUID()}`
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`)
}

export function setOutput(name: string, value: string): void {
  fileCommand('OUTPUT', name, value)
}
export function saveState(name: string, value: string): void {
  fileCommand('STATE', name, value)
}
/** What main saved with `saveState`, which the runner hands to the post step as `STATE_<name>`. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY); throws when the runner gives none. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.')
  try {
    accessSync(file, constants.R_OK | constants.W_OK)
  } catch {
    throw new Error(
      `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`
    )
  }
  appendFileSync(file, `${markdown}${EOL}`)
}

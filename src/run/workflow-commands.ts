/**
 * The three runner interactions the post step needs, written out: @actions/core would load undici (about
 * 1 MB) for its OIDC client, which the post step never uses, and the post step runs in every job.
 * Escaping follows the runner's workflow-command format (as @actions/core's `escapeData`).
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** What main saved with `saveState`, which the runner hands to the post step as `STATE_<name>`. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`)
}

export function warning(message: string): void {
  process.stdout.write(`::warning::${escapeData(message)}\n`)
}

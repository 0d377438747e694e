import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import * as core from './workflow-commands.js'
import type { AnnotationProperties } from './workflow-commands.js'

export type { AnnotationProperties } from './workflow-commands.js'

/**
 * Everything the action says to the runner: log lines, annotations, masks, outputs, state and the job
 * summary. Phases take a Log rather than writing workflow commands, so orchestration tests can read what a run said.
 */
export interface Log {
  info(message: string): void
  debug(message: string): void
  notice(message: string, properties?: AnnotationProperties): void
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  /** Text a tool printed (a build, a push, a scan): never read by the runner as a workflow command. */
  untrusted(text: string): void
  group<T>(title: string, run: () => Promise<T>): Promise<T>
  mask(secret: string): void
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  /** Appends to the job summary; throws when the summary file cannot be written. */
  summary(markdown: string): Promise<void>
}

/** The runner's own log, in its workflow-command protocol. */
export class RunnerLog implements Log {
  // Unguessable, so no tool output can end the stop-commands section early.
  private readonly token = randomBytes(16).toString('hex')
  private open = false

  /** Our own lines are commands again: the section of tool output, if one is open, ends first. */
  private trusted(): void {
    if (!this.open) return
    process.stdout.write(`::${this.token}::\n`)
    this.open = false
  }

  info(message: string): void {
    this.trusted()
    // The runner starts a line at a lone `\r` too, and a line can be a command: shown, never obeyed.
    core.info(message.replace(/\r(?!\n)/g, '\\r'))
  }
  debug(message: string): void {
    this.trusted()
    core.debug(message)
  }
  notice(message: string, properties?: AnnotationProperties): void {
    this.trusted()
    core.notice(message, properties)
  }
  warning(message: string, properties?: AnnotationProperties): void {
    this.trusted()
    core.warning(message, properties)
  }
  error(message: string, properties?: AnnotationProperties): void {
    this.trusted()
    core.error(message, properties)
  }
  untrusted(text: string): void {
    if (text === '') return
    if (!this.open) process.stdout.write(`::stop-commands::${this.token}\n`)
    this.open = true
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  async group<T>(title: string, run: () => Promise<T>): Promise<T> {
    this.trusted()
    core.startGroup(title)
    const started = performance.now()
    try {
      return await run()
    } finally {
      this.trusted()
      // Shown with step debug logging; bench/ reads it for the time per phase.
      core.debug(`${title}: ${Math.round(performance.now() - started)} ms`)
      core.endGroup()
    }
  }
  mask(secret: string): void {
    this.trusted()
    if (secret !== '') core.setSecret(secret)
  }
  setOutput(name: string, value: string): void {
    core.setOutput(name, value)
  }
  saveState(name: string, value: string): void {
    core.saveState(name, value)
  }
  async summary(markdown: string): Promise<void> {
    core.appendSummary(markdown)
  }
}

import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

export type AnnotationProperties = core.AnnotationProperties

/**
 * Everything the action says to the runner: log lines, annotations, masks, outputs, state and the job
 * summary. Phases take a Log rather than calling @actions/core, so orchestration tests can read what a run said.
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

/** The runner's own log, through @actions/core. */
export class RunnerLog implements Log {
  // Unguessable, so no tool output can end the stop-commands section early.
  private readonly token = randomBytes(16).toString('hex')

  info(message: string): void {
    core.info(message)
  }
  debug(message: string): void {
    core.debug(message)
  }
  notice(message: string, properties?: AnnotationProperties): void {
    core.notice(message, properties)
  }
  warning(message: string, properties?: AnnotationProperties): void {
    core.warning(message, properties)
  }
  error(message: string, properties?: AnnotationProperties): void {
    core.error(message, properties)
  }
  untrusted(text: string): void {
    if (text === '') return
    const body = text.endsWith('\n') ? text : `${text}\n`
    process.stdout.write(`::stop-commands::${this.token}\n${body}::${this.token}::\n`)
  }
  group<T>(title: string, run: () => Promise<T>): Promise<T> {
    return core.group(title, run)
  }
  mask(secret: string): void {
    if (secret !== '') core.setSecret(secret)
  }
  setOutput(name: string, value: string): void {
    core.setOutput(name, value)
  }
  saveState(name: string, value: string): void {
    core.saveState(name, value)
  }
  async summary(markdown: string): Promise<void> {
    await core.summary.addRaw(markdown, true).write()
  }
}

// Test doubles for the two interfaces every phase takes: a Log that remembers what was said, and a Runner
// that answers from a script and records every step it was asked to take, in order.
import type { Command, CommandResult, FileWrite, RunOptions, Runner } from '../../src/run/command.js'
import type { EcrOperation, EcrRequest, EcrResponse } from '../../src/run/ecr-request.js'
import type { GitHubRequest, GitHubResponse } from '../../src/run/github-request.js'
import type { AnnotationProperties, Log } from '../../src/run/log.js'

export type LogEntry =
  | { level: 'info' | 'debug' | 'untrusted' | 'mask' | 'summary'; text: string }
  | { level: 'notice' | 'warning' | 'error'; text: string; properties?: AnnotationProperties }
  | { level: 'group'; text: string }
  | { level: 'output' | 'state'; name: string; text: string }

/** A Log that keeps every call; `of(level)` reads back one kind. */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = []

  of(level: LogEntry['level']): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => entry.text)
  }
  outputs(): Record<string, string> {
    return Object.fromEntries(
      this.entries.flatMap((entry) => (entry.level === 'output' ? [[entry.name, entry.text]] : []))
    )
  }
  info(text: string): void {
    this.entries.push({ level: 'info', text })
  }
  debug(text: string): void {
    this.entries.push({ level: 'debug', text })
  }
  notice(text: string, properties?: AnnotationProperties): void {
    this.entries.push({ level: 'notice', text, ...(properties ? { properties } : {}) })
  }
  warning(text: string, properties?: AnnotationProperties): void {
    this.entries.push({ level: 'warning', text, ...(properties ? { properties } : {}) })
  }
  error(text: string, properties?: AnnotationProperties): void {
    this.entries.push({ level: 'error', text, ...(properties ? { properties } : {}) })
  }
  untrusted(text: string): void {
    this.entries.push({ level: 'untrusted', text })
  }
  async group<T>(title: string, run: () => Promise<T>): Promise<T> {
    this.entries.push({ level: 'group', text: title })
    return run()
  }
  mask(text: string): void {
    this.entries.push({ level: 'mask', text })
  }
  setOutput(name: string, text: string): void {
    this.entries.push({ level: 'output', name, text })
  }
  saveState(name: string, text: string): void {
    this.entries.push({ level: 'state', name, text })
  }
  async summary(text: string): Promise<void> {
    this.entries.push({ level: 'summary', text })
  }
}

/** One thing a runner was asked to do, as the plan gave it. */
export type Step =
  | { run: Command; options?: RunOptions }
  | { ecr: EcrRequest }
  | { github: GitHubRequest }
  | { write: FileWrite }

type Answer<T> = T | Error | undefined
export interface Script {
  run?: (command: Command, options?: RunOptions) => Answer<Partial<CommandResult>>
  ecr?: (request: EcrRequest) => Answer<Record<string, unknown>>
  github?: (request: GitHubRequest) => Answer<{ status?: number; data?: unknown }>
  write?: (file: FileWrite) => Answer<void>
}

/**
 * A Runner that records each step the moment it is asked (so concurrent calls keep their start order) and
 * answers from `script`: a value, or an Error to throw. Unscripted steps succeed with empty answers.
 */
/** What `docker info --format <dockerInfoFormat>` prints: platform, storage driver status, CLI plugins. */
export function dockerInfo(facts: { platform?: string; status?: string[][]; buildx?: string } = {}): string {
  const plugins = [{ Name: 'buildx', Version: facts.buildx ?? 'v0.21.1' }]
  return (
    [facts.platform ?? 'linux/x86_64', JSON.stringify(facts.status ?? []), JSON.stringify(plugins)].join(
      '\n'
    ) + '\n'
  )
}

export class ScriptedRunner implements Runner {
  readonly steps: Step[] = []

  constructor(
    private readonly script: Script = {},
    readonly dryRun = false
  ) {}

  /** The steps without run options, for asserting a sequence as literal data. */
  plans(): Array<{ run: Command } | { ecr: EcrRequest } | { github: GitHubRequest } | { write: FileWrite }> {
    return this.steps.map((step) => ('run' in step ? { run: step.run } : step))
  }

  async run(command: Command, options?: RunOptions): Promise<CommandResult> {
    this.steps.push(options ? { run: command, options } : { run: command })
    const answer = this.script.run?.(command, options)
    if (answer instanceof Error) throw answer
    return { exitCode: 0, stdout: '', stderr: '', ...answer }
  }

  async ecr<O extends EcrOperation>(request: EcrRequest<O>): Promise<EcrResponse<O>> {
    this.steps.push({ ecr: request as EcrRequest })
    const answer = this.script.ecr?.(request as EcrRequest)
    if (answer instanceof Error) throw answer
    return { $metadata: {}, ...answer } as EcrResponse<O>
  }

  async github<T>(request: GitHubRequest): Promise<GitHubResponse<T>> {
    this.steps.push({ github: request })
    const answer = this.script.github?.(request)
    if (answer instanceof Error) throw answer
    return { status: answer?.status ?? 200, data: (answer?.data ?? {}) as T }
  }

  async write(file: FileWrite): Promise<void> {
    this.steps.push({ write: file })
    const answer = this.script.write?.(file)
    if (answer instanceof Error) throw answer
  }
}

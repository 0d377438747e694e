import type { EcrOperation, EcrRequest, EcrResponse } from './ecr-request.js'
import type { GitHubRequest, GitHubResponse } from './github-request.js'

/** A command is data until a runner executes it: plans stay testable and secrets stay out of argv. */
export interface Command {
  tool: string
  args: string[]
  /** Sent on standard input; `secret` ones print as `***`. */
  stdin?: { text: string; secret: boolean }
  /** Extra environment for this command only; values are never printed. */
  env?: Record<string, string>
  /** The working directory; default the action's. */
  cwd?: string
  /** Inherited variables left out, by name prefix (Trivy must not see the job's `TRIVY_*`). */
  dropEnvPrefixes?: string[]
}

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Echo output live to the log (builds, pushes); otherwise it is only captured. */
  stream?: boolean
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean
  /** Called for each line of standard error as it arrives. */
  onStderrLine?: (line: string) => void
}

/** A file a phase writes for a tool to read (a bake definition, a predicate): printed, not written, in a dry run. */
export interface FileWrite {
  path: string
  text: string
  /** Shown in a dry run instead of the text (e.g. a large or sensitive file). */
  summary?: string
  mode?: number
}

/**
 * Executes plans: commands, ECR and GitHub API requests, file writes. The live runner does them; the dry
 * runner prints them. Phases never reach the tools, SDKs or file system for a change any other way.
 */
export interface Runner {
  readonly dryRun: boolean
  run(command: Command, options?: RunOptions): Promise<CommandResult>
  ecr<O extends EcrOperation>(request: EcrRequest<O>): Promise<EcrResponse<O>>
  github<T = unknown>(request: GitHubRequest): Promise<GitHubResponse<T>>
  write(file: FileWrite): Promise<void>
}

const plain = /^[A-Za-z0-9_./:=,@%+-]+$/

const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f

/** Control characters are shown as escapes: a `\r` or `\n` printed as is would start a log line the runner reads as a command. */
function quote(arg: string): string {
  if (plain.test(arg)) return arg
  const chars = [...arg]
  if (!chars.some(isControl)) return `'${arg.replace(/'/g, `'\\''`)}'`
  const escaped = chars.map((char) => {
    if (char === '\\' || char === "'") return `\\${char}`
    return isControl(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char
  })
  return `$'${escaped.join('')}'`
}

/** How a command is shown in logs and dry-run: `$ tool args`, quoted for reading, secrets as `***`. */
export function formatCommand(command: Command): string {
  const line = ['$', command.tool, ...command.args.map(quote)].join(' ')
  if (!command.stdin) return line
  return `${line} <<< ${command.stdin.secret ? '***' : quote(command.stdin.text)}`
}

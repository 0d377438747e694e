import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { constants } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import { CommandError, ServiceError } from '../errors.js'
import { formatCommand, type Command, type CommandResult, type RunOptions } from './command.js'
import type { Log } from './log.js'

const stderrTailLines = 20

/** The last lines of stderr that say something: what a user needs to see when a tool fails. */
export function stderrTail(stderr: string, lines = stderrTailLines): string {
  return stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-lines)
    .join('\n')
}

/** The command's environment: the action's, minus dropped prefixes, plus its own; undefined to inherit as is. */
function environmentFor(command: Command): Record<string, string> | undefined {
  if (!command.env && !command.dropEnvPrefixes) return undefined
  const dropped = command.dropEnvPrefixes ?? []
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !dropped.some((prefix) => entry[0].startsWith(prefix))
  )
  return { ...Object.fromEntries(inherited), ...command.env }
}

/** Why a tool did not start: 'not found on PATH' for the usual case, else the system's words. */
function startFailure(command: Command, error: NodeJS.ErrnoException): ServiceError {
  const reason = error.code === 'ENOENT' ? 'not found on PATH' : error.message
  return new ServiceError(`'${command.tool}' could not be started: ${reason}`, 'ToolMissing')
}

/**
 * Runs one command as an argv array, never through a shell; tool output reaches the log as untrusted text.
 * The process starts before this returns its promise, so a caller can start several and then do other work.
 */
export async function execute(log: Log, command: Command, options: RunOptions = {}): Promise<CommandResult> {
  log.info(formatCommand(command))
  const env = environmentFor(command)
  const child = spawn(command.tool, command.args, {
    cwd: command.cwd,
    env,
    // No stdin unless there is input: ending an unread pipe makes an EPIPE error, and the first stack trace of a
    // run costs the parse of the bundle's source map (tens of ms).
    stdio: [command.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe']
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>
  let stdout = ''
  let stderr = ''
  let pending = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (text: string) => {
    stdout += text
    if (options.stream) log.untrusted(text)
  })
  child.stderr.on('data', (text: string) => {
    stderr += text
    if (!options.onStderrLine) {
      if (options.stream) log.untrusted(text)
      return
    }
    const lines = (pending + text).split('\n')
    pending = lines.pop() ?? ''
    lines.forEach((line) => options.onStderrLine?.(line))
  })
  if (command.stdin) {
    // A tool that exits without reading its input is judged by its exit code, not by the broken pipe.
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(command.stdin.text)
  }
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(startFailure(command, error)))
    child.once('close', (code, signal) =>
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0))
    )
  })
  if (pending) options.onStderrLine?.(pending)
  if (exitCode !== 0 && !options.allowFailure) {
    throw new CommandError(formatCommand(command), exitCode, stderrTail(stderr))
  }
  return { exitCode, stdout, stderr }
}

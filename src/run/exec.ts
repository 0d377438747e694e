import { getExecOutput } from '@actions/exec'
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

/** Runs one command through @actions/exec, never through a shell; tool output reaches the log as untrusted text. */
export async function execute(log: Log, command: Command, options: RunOptions = {}): Promise<CommandResult> {
  log.info(formatCommand(command))
  let pending = ''
  const onStderr = (data: Buffer) => {
    if (!options.onStderrLine) {
      if (options.stream) log.untrusted(data.toString())
      return
    }
    pending += data.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    lines.forEach((line) => options.onStderrLine?.(line))
  }
  const env = environmentFor(command)
  // Always silent: @actions/exec would echo its own `[command]` line next to ours.
  const result = await getExecOutput(command.tool, command.args, {
    silent: true,
    ignoreReturnCode: true,
    ...(command.cwd ? { cwd: command.cwd } : {}),
    input: command.stdin ? Buffer.from(command.stdin.text) : undefined,
    env,
    listeners: {
      stdout: (data: Buffer) => {
        if (options.stream) log.untrusted(data.toString())
      },
      stderr: onStderr
    }
  }).catch((error: Error) => {
    // @actions/exec throws before starting a tool that is not on PATH.
    throw new ServiceError(`'${command.tool}' could not be started: ${error.message}`, 'ToolMissing')
  })
  if (pending) options.onStderrLine?.(pending)
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new CommandError(formatCommand(command), result.exitCode, stderrTail(result.stderr))
  }
  return result
}

import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import { CommandError } from '../errors.js'
import { formatCommand, type Command, type CommandResult, type RunOptions, type Runner } from './command.js'

const stderrTailLines = 20

/** The last lines of stderr that say something: what a user needs to see when docker fails. */
export function stderrTail(stderr: string, lines = stderrTailLines): string {
  return stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-lines)
    .join('\n')
}

/** Runs commands for real through @actions/exec; never through a shell. */
export class ExecRunner implements Runner {
  async run(command: Command, options: RunOptions = {}): Promise<CommandResult> {
    core.info(formatCommand(command))
    let pending = ''
    const onStderr = (data: Buffer) => {
      if (options.stream && !options.onStderrLine) process.stdout.write(data)
      if (!options.onStderrLine) return
      pending += data.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      lines.forEach((line) => options.onStderrLine?.(line))
    }
    // Always silent: @actions/exec would echo its own `[command]` line next to ours.
    const result = await getExecOutput(command.tool, command.args, {
      silent: true,
      ignoreReturnCode: true,
      input: command.stdin ? Buffer.from(command.stdin.text) : undefined,
      env: command.env ? { ...(process.env as Record<string, string>), ...command.env } : undefined,
      listeners: {
        stdout: (data: Buffer) => {
          if (options.stream) process.stdout.write(data)
        },
        stderr: onStderr
      }
    })
    if (pending) options.onStderrLine?.(pending)
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(formatCommand(command), result.exitCode, stderrTail(result.stderr))
    }
    return result
  }
}

/** Prints what would run and runs nothing: the `dry-run` input. */
export class DryRunner implements Runner {
  readonly printed: string[] = []

  async run(command: Command): Promise<CommandResult> {
    const line = formatCommand(command)
    this.printed.push(line)
    core.info(line)
    return { exitCode: 0, stdout: '', stderr: '' }
  }
}

/** A command is data until a runner executes it: plans stay testable and secrets stay out of argv. */
export interface Command {
  tool: string
  args: string[]
  /** Sent on standard input; `secret` ones print as `***`. */
  stdin?: { text: string; secret: boolean }
  /** Extra environment for this command only; values are never printed. */
  env?: Record<string, string>
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

export interface Runner {
  run(command: Command, options?: RunOptions): Promise<CommandResult>
}

const plain = /^[A-Za-z0-9_./:=,@%+-]+$/

function quote(arg: string): string {
  return plain.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** How a command is shown in logs and dry-run: `$ tool args`, quoted for reading, secrets as `***`. */
export function formatCommand(command: Command): string {
  const line = ['$', command.tool, ...command.args.map(quote)].join(' ')
  if (!command.stdin) return line
  return `${line} <<< ${command.stdin.secret ? '***' : quote(command.stdin.text)}`
}

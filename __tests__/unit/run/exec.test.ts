// execute() with real child processes: what the child really gets (environment, working directory, stdin)
// and what the caller gets back.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { CommandError, ServiceError } from '../../../src/errors.js'
import type { Command } from '../../../src/run/command.js'
import { execute } from '../../../src/run/exec.js'
import { RecordingLog } from '../doubles.js'

const node = process.execPath
const script = (code: string, extra: Partial<Command> = {}): Command => ({
  tool: node,
  args: ['-e', code],
  ...extra
})
const printEnv =
  'process.stdout.write(JSON.stringify(Object.keys(process.env).filter((k) => /^(TRIVY_|OWN_|JOB_)/.test(k)).sort()))'

describe('execute', () => {
  const saved = { ...process.env }
  beforeEach(() => {
    process.env.TRIVY_CACHE_DIR = '/job/cache'
    process.env.TRIVY_SEVERITY = 'LOW'
    process.env.JOB_VARIABLE = 'kept'
  })
  afterEach(() => {
    for (const key of ['TRIVY_CACHE_DIR', 'TRIVY_SEVERITY', 'JOB_VARIABLE']) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  })

  it('passes the job environment plus the command’s own', async () => {
    const result = await execute(new RecordingLog(), script(printEnv, { env: { OWN_SECRET: 'x' } }))
    expect(JSON.parse(result.stdout)).toEqual([
      'JOB_VARIABLE',
      'OWN_SECRET',
      'TRIVY_CACHE_DIR',
      'TRIVY_SEVERITY'
    ])
  })

  it('really hides dropped prefixes from the child, and keeps what the command sets itself', async () => {
    const command = script(printEnv, { dropEnvPrefixes: ['TRIVY_'], env: { TRIVY_OWN: 'set by the plan' } })
    const result = await execute(new RecordingLog(), command)
    expect(JSON.parse(result.stdout)).toEqual(['JOB_VARIABLE', 'TRIVY_OWN'])
  })

  it('drops prefixes without an env of its own', async () => {
    const result = await execute(
      new RecordingLog(),
      script(printEnv, { dropEnvPrefixes: ['TRIVY_', 'JOB_'] })
    )
    expect(JSON.parse(result.stdout)).toEqual([])
  })

  it('runs in the working directory the command names', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'exec-cwd-')))
    const result = await execute(
      new RecordingLog(),
      script('process.stdout.write(process.cwd())', { cwd: dir })
    )
    expect(result.stdout).toBe(dir)
  })

  it('sends stdin, and logs the command with the secret as ***', async () => {
    const log = new RecordingLog()
    const command = script("process.stdin.on('data', (d) => process.stdout.write(String(d).toUpperCase()))", {
      stdin: { text: 'hunter2', secret: true }
    })
    const result = await execute(log, command)
    expect(result).toEqual({ exitCode: 0, stdout: 'HUNTER2', stderr: '' })
    expect(log.of('info')).toEqual([`$ ${node} -e '${command.args[1].replace(/'/g, `'\\''`)}' <<< ***`])
    expect(JSON.stringify(log.entries)).not.toContain('hunter2')
  })

  it('throws a CommandError with the tail of stderr on a non-zero exit', async () => {
    const command = script("console.error('line 1\\n\\nline 2'); process.exit(3)")
    const attempt = execute(new RecordingLog(), command)
    await expect(attempt).rejects.toThrow(CommandError)
    await expect(execute(new RecordingLog(), command)).rejects.toMatchObject({
      exitCode: 3,
      stderrTail: 'line 1\nline 2'
    })
  })

  it('returns a non-zero exit when the caller allows it', async () => {
    const result = await execute(new RecordingLog(), script("console.error('no'); process.exit(2)"), {
      allowFailure: true
    })
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'no\n' })
  })

  it('says a tool that is not installed could not be started', async () => {
    const attempt = execute(new RecordingLog(), { tool: 'no-such-tool-ecr-build-push', args: [] })
    await expect(attempt).rejects.toThrow(ServiceError)
    await expect(
      execute(new RecordingLog(), { tool: 'no-such-tool-ecr-build-push', args: [] })
    ).rejects.toMatchObject({
      code: 'ToolMissing',
      message: "'no-such-tool-ecr-build-push' could not be started: not found on PATH"
    })
  })

  it('gives a command without input an empty, closed stdin: a tool that reads it does not wait', async () => {
    const read =
      "let n = 0; process.stdin.on('data', (d) => (n += d.length)).on('end', () => process.stdout.write(`end ${n}`))"
    expect(await execute(new RecordingLog(), script(read))).toEqual({
      exitCode: 0,
      stdout: 'end 0',
      stderr: ''
    })
  })

  it('reports a tool killed by a signal as 128 + its number, as a shell does', async () => {
    const result = await execute(new RecordingLog(), script("process.kill(process.pid, 'SIGTERM')"), {
      allowFailure: true
    })
    expect(result.exitCode).toBe(143)
  })

  it('hands stderr over line by line, the last one without its newline too', async () => {
    const lines: string[] = []
    await execute(
      new RecordingLog(),
      script("process.stderr.write('a\\nb'); setTimeout(() => process.stderr.write('c\\nd'), 20)"),
      {
        onStderrLine: (line) => lines.push(line)
      }
    )
    expect(lines).toEqual(['a', 'bc', 'd'])
  })

  it('streams tool output to the log as untrusted text, and captures it either way', async () => {
    const log = new RecordingLog()
    const result = await execute(
      log,
      script("process.stdout.write('::error::x\\n'); process.stderr.write('warn\\n')"),
      {
        stream: true
      }
    )
    expect(log.of('untrusted')).toEqual(['::error::x\n', 'warn\n'])
    expect(result.stdout).toBe('::error::x\n')
    const quiet = new RecordingLog()
    await execute(quiet, script("process.stdout.write('x')"))
    expect(quiet.of('untrusted')).toEqual([])
  })

  it('passes arguments as they are, never through a shell', async () => {
    const result = await execute(new RecordingLog(), {
      tool: node,
      args: ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '$(id)', 'a b', '*']
    })
    expect(JSON.parse(result.stdout)).toEqual(['$(id)', 'a b', '*'])
  })
})

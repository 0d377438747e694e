// Nothing a tool, a Dockerfile or an input carries reaches the runner as a workflow command.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { checkRawInput } from '../../../src/config/values.js'
import { ConfigurationError, ServiceError, systemError } from '../../../src/errors.js'
import { formatCommand } from '../../../src/run/command.js'
import { DryRunner } from '../../../src/run/dry.js'
import { LiveRunner } from '../../../src/run/live.js'
import { RunnerLog } from '../../../src/run/log.js'
import { recordingLog } from './recording-log.js'

function captureStdout(): string[] {
  const written: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
  return written
}

afterEach(() => {
  jest.restoreAllMocks()
})

/** The lines as the runner reads them: it starts a line at `\n`, `\r\n` and a lone `\r`. */
const runnerLines = (text: string) => text.split(/\r\n|\r|\n/)

describe('formatCommand', () => {
  it('shows control characters as escapes, so a printed command stays one line', () => {
    const line = formatCommand({
      tool: 'docker',
      args: ['buildx', 'build', '--build-arg', 'APP=1\r::error file=x::injected', '--label', "a\nb'c"]
    })
    expect(line).toBe(
      "$ docker buildx build --build-arg $'APP=1\\x0d::error file=x::injected' --label $'a\\x0ab\\'c'"
    )
    expect(runnerLines(line)).toHaveLength(1)
  })

  it('quotes plain text as before', () => {
    expect(formatCommand({ tool: 'docker', args: ['tag', 'a b', "it's"] })).toBe(
      `$ docker tag 'a b' 'it'\\''s'`
    )
  })
})

describe('RunnerLog', () => {
  it('puts tool output between stop-commands and its token, and its own lines after it', () => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.info('before')
    log.untrusted('#16 0.212 step 1/2\r::error file=x::injected\n::add-mask::x\n')
    log.info('after')
    const lines = runnerLines(written.join(''))
    const start = lines.findIndex((line) => line.startsWith('::stop-commands::'))
    const token = lines[start].slice('::stop-commands::'.length)
    expect(token).toMatch(/^[0-9a-f]{32}$/)
    const end = lines.indexOf(`::${token}::`)
    expect(lines.slice(0, start)).toEqual(['before'])
    expect(lines.slice(start + 1, end)).toEqual([
      '#16 0.212 step 1/2',
      '::error file=x::injected',
      '::add-mask::x'
    ])
    expect(lines.slice(end + 1)).toEqual(['after', ''])
  })

  it('shows a lone carriage return in its own lines instead of starting a line at it', () => {
    const written = captureStdout()
    new RunnerLog().info('Cache: restored key\r::warning::spoofed')
    expect(runnerLines(written.join(''))).toEqual(['Cache: restored key\\r::warning::spoofed', ''])
  })

  it('escapes annotations, so an error text with line breaks is one command', () => {
    const written = captureStdout()
    new RunnerLog().error('build failed:\n#9 ERROR step 1/2\r::error file=x::injected')
    expect(runnerLines(written.join(''))).toEqual([
      '::error::build failed:%0A#9 ERROR step 1/2%0D::error file=x::injected',
      ''
    ])
  })
})

describe('the dry run', () => {
  it('prints a file it would write as tool output: its lines are never commands', async () => {
    const recorded = recordingLog()
    await new DryRunner(recorded.log).write({ path: '/t/bake.json', text: '::error::from the workspace\n' })
    expect(recorded.lines).toEqual([
      { kind: 'info', text: 'write /t/bake.json:' },
      { kind: 'untrusted', text: '::error::from the workspace\n' }
    ])
  })
})

describe('checkRawInput', () => {
  it('refuses a carriage return that does not end a line', () => {
    expect(() => checkRawInput('build-args', 'APP=1\r::error::injected')).toThrow(
      new ConfigurationError(
        "Input 'build-args' contains the control character U+000D at position 6: only printable text, tabs and line breaks are accepted."
      )
    )
  })

  it('accepts CRLF line ends and tabs', () => {
    expect(() => checkRawInput('build-args', 'A=1\r\nB=\t2\r\n')).not.toThrow()
  })
})

describe('a full disk', () => {
  it('is one ServiceError naming the file, for a file the run writes', async () => {
    const error = await new LiveRunner({ log: recordingLog().log, region: '' })
      .write({ path: '/dev/full', text: 'x'.repeat(100_000) })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ServiceError)
    expect((error as ServiceError).message).toBe(
      "Could not write /dev/full: the runner's disk is full (ENOSPC): free space before this step (on a self-hosted runner, e.g. remove unused images), or use a larger runner."
    )
  })

  it('is recognised in any Node file system error, and nothing else is', () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, mkdtemp '/t/x'"), {
      code: 'ENOSPC',
      syscall: 'mkdtemp',
      path: '/t/x'
    })
    expect(systemError(enospc)?.message).toBe(
      "Could not mkdtemp /t/x: the runner's disk is full (ENOSPC): free space before this step (on a self-hosted runner, e.g. remove unused images), or use a larger runner."
    )
    const readOnly = Object.assign(new Error("EROFS: read-only file system, open '/r/f'"), {
      code: 'EROFS',
      syscall: 'open',
      path: '/r/f'
    })
    expect(systemError(readOnly)?.message).toBe(
      "Could not open /r/f: EROFS: read-only file system, open '/r/f'."
    )
    expect(systemError(new Error('plain'))).toBeUndefined()
    expect(systemError('text')).toBeUndefined()
  })
})

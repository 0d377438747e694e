// The runner obeys no workflow command inside a stop-commands section: a mask, a group or an annotation
// written while tool output is open would be shown as text, and a secret would then print unmasked.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { EOL, tmpdir } from 'node:os'
import * as path from 'node:path'
import { RunnerLog } from '../../../src/run/log.js'

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

/** The lines written, with the section's random token as TOKEN. */
function lines(written: string[]): string[] {
  const text = written.join('')
  const token = /::stop-commands::([0-9a-f]{32})/.exec(text)?.[1]
  return (token ? text.replaceAll(token, 'TOKEN') : text).split('\n')
}

describe('RunnerLog', () => {
  it('ends the open section of tool output before a mask, so the runner obeys it', () => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.untrusted('Login Succeeded')
    log.mask('AQICAHh-password')
    log.untrusted('#1 pushing\n')
    log.mask('ghs_token')
    expect(lines(written)).toEqual([
      '::stop-commands::TOKEN',
      'Login Succeeded',
      '::TOKEN::',
      '::add-mask::AQICAHh-password',
      '::stop-commands::TOKEN',
      '#1 pushing',
      '::TOKEN::',
      '::add-mask::ghs_token',
      ''
    ])
  })

  it('keeps one section open across several writes of tool output', () => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.untrusted('#1 building')
    log.untrusted('#2 exporting')
    log.info('built')
    expect(lines(written)).toEqual([
      '::stop-commands::TOKEN',
      '#1 building',
      '#2 exporting',
      '::TOKEN::',
      'built',
      ''
    ])
  })

  it('writes how long each group took as a debug line, which bench/ reads', async () => {
    const written = captureStdout()
    jest.spyOn(performance, 'now').mockReturnValueOnce(1000).mockReturnValueOnce(1234.4)
    await new RunnerLog().group('Build', async () => undefined)
    expect(lines(written)).toEqual(['::group::Build', '::debug::Build: 234 ms', '::endgroup::', ''])
  })

  it('writes outputs, state and the summary to the runner’s files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'runner-log-'))
    const saved = { ...process.env }
    try {
      for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
        process.env[name] = path.join(dir, name)
        writeFileSync(process.env[name]!, '')
      }
      const log = new RunnerLog()
      log.setOutput('digest', 'sha256:1')
      log.saveState('cleanup', '{}')
      await log.summary('## Image')
      const read = (name: string) =>
        readFileSync(path.join(dir, name), 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'D')
      expect([read('GITHUB_OUTPUT'), read('GITHUB_STATE'), read('GITHUB_STEP_SUMMARY')]).toEqual([
        `digest<<D${EOL}sha256:1${EOL}D${EOL}`,
        `cleanup<<D${EOL}{}${EOL}D${EOL}`,
        `## Image${EOL}`
      ])
    } finally {
      process.env = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('asks for no mask of an empty value', () => {
    const written = captureStdout()
    new RunnerLog().mask('')
    expect(written).toEqual([])
  })

  it('writes no empty section for empty tool output', () => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.untrusted('')
    log.info('done')
    expect(lines(written)).toEqual(['done', ''])
  })

  it('opens and closes a group outside tool output, with its result returned', async () => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.untrusted('#0 building')
    const result = await log.group('Scan gate', async () => {
      log.untrusted('trivy: 2 findings')
      log.warning('a finding', { title: 'CVE-2024-0001' })
      log.untrusted('trivy: done')
      return 'passed'
    })
    expect(result).toBe('passed')
    expect(lines(written).filter((line) => !line.startsWith('::debug::'))).toEqual([
      '::stop-commands::TOKEN',
      '#0 building',
      '::TOKEN::',
      '::group::Scan gate',
      '::stop-commands::TOKEN',
      'trivy: 2 findings',
      '::TOKEN::',
      '::warning title=CVE-2024-0001::a finding',
      '::stop-commands::TOKEN',
      'trivy: done',
      '::TOKEN::',
      '::endgroup::',
      ''
    ])
  })

  it('ends the group when its work fails, and the failure still reaches the caller', async () => {
    const written = captureStdout()
    const log = new RunnerLog()
    await expect(
      log.group('Build', async () => {
        log.untrusted('#9 ERROR')
        throw new Error('build failed')
      })
    ).rejects.toThrow('build failed')
    expect(lines(written).filter((line) => !line.startsWith('::debug::'))).toEqual([
      '::group::Build',
      '::stop-commands::TOKEN',
      '#9 ERROR',
      '::TOKEN::',
      '::endgroup::',
      ''
    ])
  })

  it.each<[string, (log: RunnerLog) => void, string]>([
    ['debug', (log) => log.debug('probe'), '::debug::probe'],
    ['notice', (log) => log.notice('note'), '::notice::note'],
    ['error', (log) => log.error('failed'), '::error::failed']
  ])('ends tool output before a %s line', (_, say, line) => {
    const written = captureStdout()
    const log = new RunnerLog()
    log.untrusted('out')
    say(log)
    expect(lines(written)).toEqual(['::stop-commands::TOKEN', 'out', '::TOKEN::', line, ''])
  })
})

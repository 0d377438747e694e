import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '@actions/core'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import * as ours from '../../../src/run/workflow-commands.js'

// Our workflow commands must be exactly what @actions/core writes: the runner parses these bytes.

const tricky = [
  'plain',
  '',
  '100% done: a, b and c',
  'two\nlines\r\nand a %0A literal',
  '::warning::not a command',
  'key=value,other=thing'
]

function stdoutOf(write: () => void): string {
  let text = ''
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    text += String(chunk)
    return true
  })
  try {
    write()
  } finally {
    spy.mockRestore()
  }
  return text
}

const placesToPoint: (core.AnnotationProperties | undefined)[] = [
  undefined,
  {},
  { title: 'Trivy: CVE-2024-1, high', file: 'app/Dockerfile', startLine: 3, endLine: 4 },
  { file: 'a,b:c.txt', startLine: 1, startColumn: 2, endColumn: 9 },
  { title: '', startLine: 0 }
]

describe('log lines and annotations', () => {
  it.each(tricky)('info, debug, group and mask write %j as @actions/core does', (text) => {
    expect(stdoutOf(() => ours.info(text))).toBe(stdoutOf(() => core.info(text)))
    expect(stdoutOf(() => ours.debug(text))).toBe(stdoutOf(() => core.debug(text)))
    expect(stdoutOf(() => ours.startGroup(text))).toBe(stdoutOf(() => core.startGroup(text)))
    expect(stdoutOf(() => ours.setSecret(text))).toBe(stdoutOf(() => core.setSecret(text)))
  })

  it('ends a group as @actions/core does', () => {
    expect(stdoutOf(() => ours.endGroup())).toBe(stdoutOf(() => core.endGroup()))
  })

  it.each(placesToPoint)('notice, warning and error at %j', (at) => {
    for (const text of tricky) {
      expect(stdoutOf(() => ours.notice(text, at))).toBe(stdoutOf(() => core.notice(text, at)))
      expect(stdoutOf(() => ours.warning(text, at))).toBe(stdoutOf(() => core.warning(text, at)))
      expect(stdoutOf(() => ours.error(text, at))).toBe(stdoutOf(() => core.error(text, at)))
    }
  })
})

describe('file commands', () => {
  let dir: string
  const saved = { ...process.env }
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'workflow-commands-'))
  })
  afterEach(() => {
    process.env = { ...saved }
    rmSync(dir, { recursive: true, force: true })
  })

  const delimiters = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_<uuid>')

  function fileOf(kind: 'OUTPUT' | 'STATE', write: () => void): string {
    const file = path.join(dir, `${kind}-${Math.random()}`)
    writeFileSync(file, '')
    process.env[`GITHUB_${kind}`] = file
    write()
    return delimiters(readFileSync(file, 'utf8'))
  }

  it.each(tricky)('setOutput and saveState write %j to the runner files as @actions/core does', (value) => {
    expect(fileOf('OUTPUT', () => ours.setOutput('tags', value))).toBe(
      fileOf('OUTPUT', () => core.setOutput('tags', value))
    )
    expect(fileOf('STATE', () => ours.saveState('state', value))).toBe(
      fileOf('STATE', () => core.saveState('state', value))
    )
  })

  it('refuses an output or state file the runner named but that is missing, with @actions/core’s words', () => {
    for (const [kind, write] of [
      ['OUTPUT', () => ours.setOutput('digest', 'sha256:1')],
      ['STATE', () => ours.saveState('cleanup', '{}')]
    ] as const) {
      const file = path.join(dir, 'gone', kind)
      process.env[`GITHUB_${kind}`] = file
      expect(write).toThrow(new Error(`Missing file at path: ${file}`))
      expect(existsSync(file)).toBe(false)
    }
  })

  it('falls back to the stdout form without the runner files, as @actions/core does', () => {
    delete process.env.GITHUB_OUTPUT
    delete process.env.GITHUB_STATE
    expect(stdoutOf(() => ours.setOutput('digest', 'sha256:1\n2'))).toBe(
      stdoutOf(() => core.setOutput('digest', 'sha256:1\n2'))
    )
    expect(stdoutOf(() => ours.saveState('k', 'v'))).toBe(stdoutOf(() => core.saveState('k', 'v')))
  })

  it('reads state the runner hands the post step', () => {
    process.env.STATE_cleanup = '{"registries":[]}'
    expect(ours.getState('cleanup')).toBe(core.getState('cleanup'))
    expect(ours.getState('missing')).toBe('')
  })

  it('appends to the job summary as core.summary.addRaw(markdown, true).write() does', async () => {
    const mine = path.join(dir, 'ours.md')
    const theirs = path.join(dir, 'core.md')
    writeFileSync(mine, '# before\n')
    writeFileSync(theirs, '# before\n')
    process.env.GITHUB_STEP_SUMMARY = mine
    ours.appendSummary('| a | b |\n| - | - |')
    process.env.GITHUB_STEP_SUMMARY = theirs
    await core.summary.addRaw('| a | b |\n| - | - |', true).write()
    expect(readFileSync(mine, 'utf8')).toBe(readFileSync(theirs, 'utf8'))
  })

  it('refuses a summary file it cannot open with the words @actions/core uses', () => {
    // core.summary keeps the first path it saw, so its words are written out here (lib/summary.js).
    const file = path.join(dir, 'missing', 'summary.md')
    process.env.GITHUB_STEP_SUMMARY = file
    expect(() => ours.appendSummary('x')).toThrow(
      `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`
    )
  })

  it('refuses a summary when the runner gives no summary file', () => {
    delete process.env.GITHUB_STEP_SUMMARY
    expect(() => ours.appendSummary('x')).toThrow(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY.'
    )
  })
})

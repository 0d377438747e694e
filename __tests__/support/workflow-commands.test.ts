import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { root, runStep } from './run-action.mjs'
import { scratchDir } from './scratch.mjs'
import {
  SecretMasker,
  StepOutput,
  maskVariations,
  parseWorkflowCommand,
  renderLog
} from './workflow-commands.mjs'

/** Feeds whole text to a fresh step and returns it. */
function step(text: string, options: ConstructorParameters<typeof StepOutput>[0] = {}) {
  const output = new StepOutput(options)
  output.write('stdout', text)
  output.end()
  return output
}

describe('parseWorkflowCommand', () => {
  it.each([
    ['::warning::hello', { command: 'warning', properties: {}, data: 'hello' }],
    [
      '  ::WARNING::leading white space, any case',
      { command: 'warning', properties: {}, data: 'leading white space, any case' }
    ],
    [
      '::error file=src/a%2Cb.ts,line=3,col=7,title=T%3A1::one%0Atwo%25 %3A stays',
      {
        command: 'error',
        properties: { file: 'src/a,b.ts', line: '3', col: '7', title: 'T:1' },
        data: 'one\ntwo% %3A stays'
      }
    ],
    [
      '::notice title=,line=2::an empty value is dropped',
      { command: 'notice', properties: { line: '2' }, data: 'an empty value is dropped' }
    ],
    [
      '##[warning file=Dockerfile;line=4]legacy form%3B%5D',
      { command: 'warning', properties: { file: 'Dockerfile', line: '4' }, data: 'legacy form;]' }
    ],
    [
      'progress ##[group]anywhere in the line',
      { command: 'group', properties: {}, data: 'anywhere in the line' }
    ]
  ])('%s', (line, parsed) => {
    expect(parseWorkflowCommand(line)).toEqual(parsed)
  })

  it.each([
    'not a command',
    '::unknown::text',
    ':: warning::a space before the name',
    'text ::warning::not at the start',
    '::warning no closing separator'
  ])('%s is plain text', (line) => {
    expect(parseWorkflowCommand(line)).toBeUndefined()
  })
})

describe('add-mask', () => {
  it('is consumed, and its value is *** in every later line, not in earlier ones', () => {
    const output = step(
      'before s3cr3t-value\n::add-mask::s3cr3t-value\nafter s3cr3t-value and s3cr3t-value\n'
    )
    expect(output.log).toBe('before s3cr3t-value\nafter *** and ***')
    expect(output.annotations).toEqual([])
  })

  it('masks a multi-line value line by line, trimmed, as the runner does', () => {
    const output = step('::add-mask::first-line%0A  second-line  %0A\nfirst-line\nthe second-line here\n')
    expect(output.log).toBe('***\nthe *** here')
  })

  it('masks the encodings the runner derives: base64 at each alignment, JSON and URI escapes', () => {
    const secret = 'p@ss "word"/+'
    const masker = new SecretMasker()
    masker.addMask(secret)
    const base64 = Buffer.from(`AWS:${secret}`).toString('base64')
    for (const text of [
      Buffer.from(secret).toString('base64'),
      base64.slice(4),
      JSON.stringify(secret),
      encodeURIComponent(secret)
    ]) {
      expect(masker.mask(text)).toContain('***')
    }
    expect(maskVariations('a&b')).not.toContain('a&')
  })

  it('warns on an empty or white-space value, by .NET rules (U+FEFF is not white space)', () => {
    const output = step('::add-mask::%0A\n::add-mask:: \t\n::add-mask::\ufeff\nx\ufeffy\n')
    expect(output.annotations.map((annotation) => annotation.message)).toEqual([
      "Can't add secret mask for empty string in ##[add-mask] command.",
      "Can't add secret mask for empty string in ##[add-mask] command."
    ])
    expect(output.entries.at(-1)).toEqual({ kind: 'output', text: 'x***y' })
  })

  it('lasts for the job: a later step with the same masker masks it too', () => {
    const masker = new SecretMasker()
    step('::add-mask::from-main\n', { masker })
    expect(step('post sees from-main\n', { masker }).log).toBe('post sees ***')
  })
})

describe('debug, annotations and groups', () => {
  const text = [
    '::group::Build',
    '::debug::only with RUNNER_DEBUG=1',
    'inside',
    '::warning file=/work/ws/Dockerfile,line=12,col=5,title=pin it::Unpinned base%0ASecond line',
    '::endgroup::',
    '::error::no file',
    '::notice line=3::a line, no file',
    'outside'
  ].join('\n')

  it('hides debug by default and shows annotations with their file and line', () => {
    const output = step(text, { workspace: '/work/ws' })
    expect(output.log).toBe(
      [
        '▸ Build',
        '  inside',
        '  Warning: Dockerfile:12:5: pin it: Unpinned base',
        '    Second line',
        'Error: no file',
        'Notice: line 3: a line, no file',
        'outside'
      ].join('\n')
    )
    expect(output.annotations).toEqual([
      {
        level: 'warning',
        message: 'Unpinned base\nSecond line',
        file: 'Dockerfile',
        line: '12',
        col: '5',
        title: 'pin it'
      },
      { level: 'error', message: 'no file' },
      { level: 'notice', message: 'a line, no file', line: '3' }
    ])
  })

  it('shows debug lines with RUNNER_DEBUG=1, and echoes processed commands as step debug does', () => {
    const output = step(text, { workspace: '/work/ws', debug: true })
    expect(output.log.split('\n').slice(0, 4)).toEqual([
      '::group::Build',
      '▸ Build',
      '  Debug: only with RUNNER_DEBUG=1',
      '  inside'
    ])
  })

  it('masks what an annotation says, and keeps at most 10 of each level for the job', () => {
    const lines = ['::add-mask::hunter2', ...Array.from({ length: 12 }, (_, n) => `::warning::${n} hunter2`)]
    const output = step(lines.join('\n'))
    expect(output.annotations).toHaveLength(10)
    expect(output.annotations[0].message).toBe('0 ***')
    expect(output.log.split('\n')).toHaveLength(12)
  })

  it('fails the step on a disabled command, as the runner does', () => {
    const output = step('::set-env name=A::b\n')
    expect(output.failed).toBe(true)
    expect(output.annotations[0]).toEqual({
      level: 'error',
      message: "Unable to process command '::set-env name=A::b' successfully."
    })
  })
})

describe('stop-commands', () => {
  it('turns every command into plain text until its token, including injection attempts', () => {
    const token = 'b7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5'
    const output = step(
      [
        `::stop-commands::${token}`,
        '::add-mask::attacker-chosen',
        '::error file=Dockerfile,line=1::a build pretending to be the action',
        '##[warning]legacy form too',
        '::endgroup::',
        '::stop-commands::another-token',
        '::not-the-token::',
        `::${token}x::`,
        'attacker-chosen is visible',
        `::${token}::`,
        '::add-mask::real-secret',
        '::warning::commands work again, real-secret'
      ].join('\n')
    )
    expect(output.log).toBe(
      [
        `::stop-commands::${token}`,
        '::add-mask::attacker-chosen',
        '::error file=Dockerfile,line=1::a build pretending to be the action',
        '##[warning]legacy form too',
        '::endgroup::',
        '::stop-commands::another-token',
        '::not-the-token::',
        `::${token}x::`,
        'attacker-chosen is visible',
        `::${token}::`,
        'Warning: commands work again, ***'
      ].join('\n')
    )
    expect(output.annotations).toEqual([{ level: 'warning', message: 'commands work again, ***' }])
  })

  it('resumes on the token in any case, and forgets it afterwards', () => {
    const output = step('::stop-commands::abc\n::ABC::\n::abc::\n::warning::on\n')
    expect(output.log).toBe('::stop-commands::abc\n::ABC::\n::abc::\nWarning: on')
  })
})

describe('line splitting, as the runner reads a stream', () => {
  it('splits at a lone \\r, so a command after a progress update is still a command', () => {
    const output = step('layer 1: 50%\r::add-mask::s3cret\r\nlayer 1: done s3cret\n')
    expect(output.entries).toEqual([
      { kind: 'output', text: 'layer 1: 50%' },
      { kind: 'output', text: 'layer 1: done ***' }
    ])
  })

  it('keeps \\r\\n one break across chunks, empty lines, and a last line without a newline', () => {
    const output = new StepOutput()
    for (const chunk of ['a\r', '\nb\n', '\n::warn', 'ing::split across chunks\nlast'])
      output.write('stdout', chunk)
    output.end()
    expect(renderLog(output.entries)).toBe('a\nb\n\nWarning: split across chunks\nlast')
  })

  it('keeps each stream its own partial line', () => {
    const output = new StepOutput()
    output.write('stdout', 'out-')
    output.write('stderr', 'err-')
    output.write('stdout', 'line\n')
    output.write('stderr', 'line\n')
    expect(output.log).toBe('out-line\nerr-line')
  })
})

describe('runStep on a real process', () => {
  it("reads @actions/core's own encoding on both streams", async () => {
    const dir = scratchDir('workflow-commands-')
    const script = path.join(dir, 'step.mjs')
    const core = path.join(root, 'node_modules/@actions/core/lib/core.js')
    writeFileSync(
      script,
      [
        `import * as core from ${JSON.stringify(core)}`,
        "core.setSecret('multi%\\nline-secret')",
        "process.stderr.write('stderr: multi% and line-secret\\n')",
        "core.warning('50% done: a, b', { file: 'dir/a,b:c.ts', startLine: 4, title: 'T: x' })",
        "core.startGroup('Group')",
        "core.debug('hidden')",
        "core.info('in the group, line-secret')",
        'core.endGroup()',
        "process.stdout.write('no newline at the end')"
      ].join('\n')
    )
    const result = await runStep(process.execPath, script, { ...process.env, RUNNER_DEBUG: '' }, dir, {
      masker: new SecretMasker()
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::add-mask::multi%25%0Aline-secret')
    // The two pipes race, as they do for the runner: the stderr line may come anywhere.
    const lines = result.log.split('\n')
    const fromStderr = (line: string) => line.trim() === 'stderr: *** and ***'
    expect(lines.filter(fromStderr)).toHaveLength(1)
    expect(lines.filter((line) => !fromStderr(line))).toEqual([
      'Warning: dir/a,b:c.ts:4: T: x: 50% done: a, b',
      '▸ Group',
      '  in the group, ***',
      'no newline at the end'
    ])
  })
})

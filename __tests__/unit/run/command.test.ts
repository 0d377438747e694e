import { describe, expect, it } from '@jest/globals'
import { formatCommand } from '../../src/run/command.js'
import { stderrTail } from '../../src/run/exec.js'

describe('formatCommand', () => {
  it.each([
    [{ tool: 'docker', args: ['logout', 'r.example'] }, '$ docker logout r.example'],
    [
      { tool: 'docker', args: ['login', '--password-stdin', 'r'], stdin: { text: 'pw', secret: true } },
      '$ docker login --password-stdin r <<< ***'
    ],
    [
      { tool: 'docker', args: ['build', '--label', 'a=two words', "it's"] },
      `$ docker build --label 'a=two words' 'it'\\''s'`
    ],
    [{ tool: 'docker', args: ['$(touch x)'] }, `$ docker '$(touch x)'`],
    [{ tool: 'docker', args: ['x'], env: { SECRET: 'hunter2' } }, '$ docker x']
  ])('%j', (command, line) => {
    expect(formatCommand(command)).toBe(line)
  })
})

describe('stderrTail', () => {
  it('keeps the last non-empty lines', () => {
    expect(stderrTail('a\n\nb\nc\n\n', 2)).toBe('b\nc')
  })
})

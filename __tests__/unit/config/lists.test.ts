import { describe, expect, it } from '@jest/globals'
import { parseList, splitKeyValue } from '../../src/config/list.js'

describe('parseList', () => {
  it.each([
    ['', {}, []],
    ['a,b\nc', {}, ['a', 'b', 'c']],
    [
      'type=sha,prefix=staging-\ntype=ref,event=branch',
      { perLine: true },
      ['type=sha,prefix=staging-', 'type=ref,event=branch']
    ],
    ['# comment\nA=1\n\n  B=two words  ', { perLine: true }, ['A=1', 'B=two words']],
    ['"a,b",c', {}, ['a,b', 'c']],
    ['URL=http://x/#frag', { perLine: true }, ['URL=http://x/#frag']]
  ])('%j %j', (text, options, expected) => {
    expect(parseList(text, options)).toEqual(expected)
  })
})

describe('splitKeyValue', () => {
  it.each([
    ['A=1', ['A', '1']],
    ['A==b=c', ['A', '=b=c']],
    ['=x', undefined],
    ['noequals', undefined]
  ])('%s', (item, expected) => {
    expect(splitKeyValue(item)).toEqual(expected)
  })
})

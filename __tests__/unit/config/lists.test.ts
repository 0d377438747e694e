import { describe, expect, it } from '@jest/globals'
import { parseList } from '../../../src/config/lists.js'
import { ConfigurationError } from '../../../src/errors.js'

describe('parseList', () => {
  it.each([
    ['', {}, []],
    ['  \n ', {}, []],
    ['a,b\nc', {}, ['a', 'b', 'c']],
    [
      'type=sha,prefix=staging-\ntype=ref,event=branch',
      { perLine: true },
      ['type=sha,prefix=staging-', 'type=ref,event=branch']
    ],
    ['# comment\nA=1\n\n  B=two words  ', { perLine: true }, ['A=1', 'B=two words']],
    ['"a,b",c', {}, ['a,b', 'c']],
    ['URL=http://x/#frag', { perLine: true }, ['URL=http://x/#frag']],
    ['a, ,b,', {}, ['a', 'b']],
    ['say "hi" twice,b', {}, ['say "hi" twice', 'b']],
    ['a , b', {}, ['a', 'b']],
    ['MSG=hello , world', { perLine: true }, ['MSG=hello , world']],
    ['X="a , b"', { perLine: true }, ['X="a , b"']]
  ])('%j %j', (text, options, expected) => {
    expect(parseList(text, "Input 'x'", options)).toEqual(expected)
  })

  it.each([
    ['"unclosed', "Input 'platforms'"],
    ['a,"b', "Input 'platforms'"],
    ['"a"b', "Line 3 of 'secrets'"]
  ])('refuses a stray quote in %j, naming where without showing the text', (text, where) => {
    expect(() => parseList(text, where)).toThrow(
      new ConfigurationError(
        `${where} has a '"' that does not close a quoted item: quotes go around a whole item (e.g. "a,b") to protect its commas.`
      )
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  argument,
  bool,
  checkRawInput,
  maxInputLength,
  numberedLines,
  oneOf,
  readRawInputs,
  splitKeyValue,
  text
} from '../../../src/config/values.js'
import { ConfigurationError } from '../../../src/errors.js'

describe('readRawInputs', () => {
  it('reads INPUT_* as the runner sets them: upper-cased names, hyphens kept', () => {
    expect(
      readRawInputs({
        INPUT_REPOSITORY: 'shop/web',
        'INPUT_BUILD-ARGS': 'A=1',
        INPUT_EMPTY: '',
        GITHUB_SHA: 'abc',
        input_lower: 'x'
      })
    ).toEqual({ repository: 'shop/web', 'build-args': 'A=1', empty: '' })
  })
})

describe('checkRawInput', () => {
  it.each([
    ['undefined', undefined],
    ['plain text', 'shop/web'],
    ['tabs and line breaks', 'a\tb\r\nc\n'],
    ['unicode', 'ünïcødé-日本-🚀'],
    ['exactly the limit', 'x'.repeat(maxInputLength)]
  ])('accepts %s', (_name, value) => {
    expect(() => checkRawInput('labels', value)).not.toThrow()
  })

  it.each([
    ['escape', 'a\u001bb', "Input 'labels' contains the control character U+001B at position 2"],
    ['NUL', '\u0000', "Input 'labels' contains the control character U+0000 at position 1"],
    ['DEL', 'ab\u007f', "Input 'labels' contains the control character U+007F at position 3"],
    ['vertical tab', 'a\u000bb', "Input 'labels' contains the control character U+000B at position 2"],
    [
      'one character over the limit',
      'x'.repeat(maxInputLength + 1),
      "Input 'labels' is 65537 characters long: at most 65536 are accepted."
    ]
  ])('refuses %s, naming the input and never showing the value', (_name, value, message) => {
    const attempt = () => checkRawInput('labels', value)
    expect(attempt).toThrow(ConfigurationError)
    expect(attempt).toThrow(message)
  })
})

describe('text', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['  shop/web \n', 'shop/web'],
    ['\n::error::x', '::error::x']
  ])('%j → %j', (value, expected) => {
    expect(text({ name: value }, 'name')).toBe(expected)
  })

  it('refuses a value with a line break inside', () => {
    expect(() => text({ name: 'a\n::error::x' }, 'name')).toThrow(
      new ConfigurationError("Input 'name' has more than one line: expected a single value.")
    )
    expect(() => text({ name: 'a\rb' }, 'name')).toThrow(ConfigurationError)
  })
})

describe('argument', () => {
  it('passes a value that cannot be read as a flag', () => {
    expect(argument({ builder: ' mine ' }, 'builder', 'a builder name')).toBe('mine')
    expect(argument({}, 'builder', 'a builder name')).toBe('')
  })

  it.each(['-x', '--output=/etc/passwd'])('refuses %j', (value) => {
    expect(() => argument({ builder: value }, 'builder', 'a builder name')).toThrow(
      new ConfigurationError(
        `Input 'builder' is '${value}': expected a builder name, not something starting with '-'.`
      )
    )
  })
})

describe('bool', () => {
  it.each<[string | undefined, boolean, boolean]>([
    [undefined, true, true],
    ['', false, false],
    ['  ', true, true],
    ['true', false, true],
    ['FALSE', true, false],
    [' True ', false, true]
  ])('%j with fallback %s → %s', (value, fallback, expected) => {
    expect(bool({ push: value }, 'push', fallback)).toBe(expected)
  })

  it.each(['yes', '1', 'on', 'truthy'])('refuses %j', (value) => {
    expect(() => bool({ push: value }, 'push', true)).toThrow(
      new ConfigurationError(`Input 'push' is '${value}': expected 'true' or 'false'.`)
    )
  })
})

describe('oneOf', () => {
  const drivers = ['docker-container', 'docker'] as const
  it.each([
    ['', 'docker-container'],
    ['Docker', 'docker'],
    ['DOCKER-CONTAINER', 'docker-container']
  ])('%j → %j', (value, expected) => {
    expect(oneOf({ driver: value }, 'driver', drivers, 'docker-container')).toBe(expected)
  })

  it('refuses anything else, listing the choices', () => {
    expect(() => oneOf({ driver: 'kubernetes' }, 'driver', drivers, 'docker')).toThrow(
      new ConfigurationError("Input 'driver' is 'kubernetes': expected one of 'docker-container', 'docker'.")
    )
  })
})

describe('numberedLines', () => {
  it('keeps the 1-based line numbers of the non-empty lines, trimmed', () => {
    expect(numberedLines({ tags: '\n a \r\n\n# c\n b' }, 'tags')).toEqual([
      { line: 2, text: 'a' },
      { line: 4, text: '# c' },
      { line: 5, text: 'b' }
    ])
    expect(numberedLines({}, 'tags')).toEqual([])
  })
})

describe('splitKeyValue', () => {
  it.each([
    ['A=1', ['A', '1']],
    ['A==b=c', ['A', '=b=c']],
    [' A =  b', ['A', '  b']],
    ['A=', ['A', '']],
    ['=x', undefined],
    ['noequals', undefined]
  ])('%s', (item, expected) => {
    expect(splitKeyValue(item)).toEqual(expected)
  })
})

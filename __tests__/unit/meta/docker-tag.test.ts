import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { dockerTagPattern, sanitizeTag } from '../../../src/meta/docker-tag.js'

describe('sanitizeTag', () => {
  it.each([
    ['feature/Login_form', 'feature-Login_form'],
    ['v1.2.3+build.7', 'v1.2.3-build.7'],
    ['a  //  b', 'a-b'],
    ['.hidden', 'hidden'],
    ['--x', 'x'],
    ['..', ''],
    ['日本語', ''],
    ['x'.repeat(128), 'x'.repeat(128)],
    ['x'.repeat(129), `${'x'.repeat(120)}-0ec9eb3`]
  ])('%j', (value, tag) => {
    expect(sanitizeTag(value)).toEqual(tag)
  })

  it('always gives a valid tag or nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (value) => {
        const tag = sanitizeTag(value)
        expect(tag === '' || dockerTagPattern.test(tag)).toBe(true)
      })
    )
  })
})

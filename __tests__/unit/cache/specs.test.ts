import { describe, expect, it } from '@jest/globals'
import { attributesOf, isFullReference, typeOf, withIgnoreError } from '../../../src/cache/specs.js'

describe('cache specs', () => {
  it.each([
    ['buildcache-web', false],
    ['cache:web', true],
    ['r.example/cache:web', true]
  ])('isFullReference(%j) is %s', (ref, expected) => {
    expect(isFullReference(ref)).toBe(expected)
  })

  it('reads attributes with their keys lower-cased, skipping items that are not key=value', () => {
    expect(attributesOf('TYPE=gha, Scope=a=b,junk,=x')).toEqual([
      ['type', 'gha'],
      ['scope', 'a=b']
    ])
  })

  it.each([
    ['type=gha,scope=x', 'gha'],
    ['user/app:cache', 'registry'],
    ['scope=x', ''],
    ['Type=Inline', 'Inline']
  ])('typeOf(%j) is %j', (spec, type) => {
    expect(typeOf(spec)).toBe(type)
  })

  it.each([
    ['type=gha,scope=x', 'type=gha,scope=x,ignore-error=true'],
    ['type=registry,ref=a/b:c,ignore-error=false', 'type=registry,ref=a/b:c,ignore-error=false'],
    ['type=inline', 'type=inline'],
    ['user/app:cache', 'user/app:cache,ignore-error=true'],
    ['type=s3,bucket=b', 'type=s3,bucket=b,ignore-error=true'],
    ['type=azblob,name=n', 'type=azblob,name=n,ignore-error=true']
  ])('withIgnoreError(%j)', (spec, expected) => {
    expect(withIgnoreError(spec)).toBe(expected)
  })
})

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { ConfigurationError } from '../../../src/errors.js'
import { parseTagRules } from '../../../src/meta/tag-rules.js'
import { parseTemplate, versionPlaceholders } from '../../../src/meta/tag-template.js'
import { matchValue, pep440Value } from '../../../src/meta/versions.js'

const pattern = (text: string) => ({ pattern: parseTemplate(text, versionPlaceholders) })

/** PEP 440's spellings of pre-release kinds and the normal form of each. */
const preKinds: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc'
}

const pep440Version = fc.record({
  v: fc.constantFrom('', 'v'),
  release: fc.array(fc.nat({ max: 2030 }), { minLength: 1, maxLength: 4 }),
  pre: fc.option(fc.tuple(fc.constantFrom(...Object.keys(preKinds)), fc.nat({ max: 99 }))),
  post: fc.option(fc.nat({ max: 99 })),
  dev: fc.option(fc.nat({ max: 99 }))
})
type Pep440Parts = typeof pep440Version extends fc.Arbitrary<infer T> ? T : never

function written(parts: Pep440Parts): string {
  const pre = parts.pre ? `${parts.pre[0]}${parts.pre[1]}` : ''
  const post = parts.post === null ? '' : `.post${parts.post}`
  const dev = parts.dev === null ? '' : `.dev${parts.dev}`
  return `${parts.v}${parts.release.join('.')}${pre}${post}${dev}`
}

function normalForm(parts: Pep440Parts): string {
  const pre = parts.pre ? `${preKinds[parts.pre[0]]}${parts.pre[1]}` : ''
  const post = parts.post === null ? '' : `.post${parts.post}`
  const dev = parts.dev === null ? '' : `.dev${parts.dev}`
  return `${parts.release.join('.')}${pre}${post}${dev}`
}

describe('type=pep440 (property)', () => {
  it('{{version}} is the normal form; only final releases get other patterns and latest', () => {
    fc.assert(
      fc.property(pep440Version, (parts) => {
        const source = written(parts)
        const final = parts.pre === null && parts.post === null && parts.dev === null
        const [major, minor = 0, patch = 0] = parts.release
        expect(pep440Value(pattern('{{version}}'), source)).toEqual({
          value: normalForm(parts),
          latestOnAuto: final
        })
        expect(pep440Value(pattern('{{major}}.{{minor}}.{{patch}}'), source)).toEqual({
          value: final ? `${major}.${minor}.${patch}` : normalForm(parts),
          latestOnAuto: final
        })
        expect(pep440Value(pattern('{{raw}}'), source)).toEqual({ value: source, latestOnAuto: final })
      })
    )
  })

  it('the normal form reads back as itself', () => {
    fc.assert(
      fc.property(pep440Version, (parts) => {
        const normal = normalForm(parts)
        expect(pep440Value(pattern('{{version}}'), normal)).toMatchObject({ value: normal })
      })
    )
  })

  it('anything else is refused with a reason, never thrown', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = pep440Value(pattern('{{version}}'), text)
        if ('reason' in result) expect(result.reason).toContain('is not a PEP 440 version')
        else expect(result.value).not.toEqual('')
      })
    )
  })
})

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const piece = fc.string({ unit: fc.constantFrom(...'av19.-_/'), minLength: 1, maxLength: 6 })

describe('type=match (property)', () => {
  it('a literal prefix and a group give back what follows the prefix; group 0 the whole match', () => {
    fc.assert(
      fc.property(piece, fc.string({ maxLength: 20 }), (prefix, rest) => {
        const rule = { pattern: new RegExp(`^${escape(prefix)}(.*)$`, 's'), group: 1 }
        expect(matchValue(rule, `${prefix}${rest}`)).toEqual({ value: rest, latestOnAuto: true })
        expect(matchValue({ ...rule, group: 0 }, `${prefix}${rest}`)).toEqual({
          value: `${prefix}${rest}`,
          latestOnAuto: true
        })
      })
    )
  })

  it('a source the pattern does not match gives a reason, not a tag', () => {
    fc.assert(
      fc.property(piece, fc.string({ maxLength: 20 }), (prefix, source) => {
        fc.pre(!source.startsWith(prefix))
        expect(matchValue({ pattern: new RegExp(`^${escape(prefix)}`), group: 0 }, source)).toEqual({
          reason: expect.stringContaining(`does not match '${source}'`)
        })
      })
    )
  })

  it('group= is accepted up to the number of capturing groups the pattern has, and refused past it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.boolean()), { minLength: 1, maxLength: 5 }), (pieces) => {
        const source = pieces.map(([text, group]) => (group ? `(${escape(text)})` : escape(text))).join('')
        const groups = pieces.filter(([, group]) => group).length
        const rule = (group: number) => `type=match,"pattern=v${source}",group=${group}`
        expect(parseTagRules([rule(groups)])).toMatchObject([{ type: 'match', group: groups }])
        expect(() => parseTagRules([rule(groups + 1)])).toThrow(ConfigurationError)
      })
    )
  })
})

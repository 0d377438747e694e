import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import { parseFlavor } from '../../../src/meta/flavor.js'

const expressions =
  "{{branch}}, {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}}, {{date 'YYYYMMDD'}}, {{commit_date 'YYYYMMDD'}}"
const accepted =
  'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]'

describe('parseFlavor', () => {
  it.each([
    [[], { latest: 'auto', prefix: [], prefixOnLatest: false, suffix: [], suffixOnLatest: false }],
    [
      ['latest=false'],
      { latest: 'false', prefix: [], prefixOnLatest: false, suffix: [], suffixOnLatest: false }
    ],
    [
      ['latest=true', 'prefix=app-,onlatest=true', 'suffix=-{{sha}}'],
      {
        latest: 'true',
        prefix: [{ kind: 'text', text: 'app-' }],
        prefixOnLatest: true,
        suffix: [
          { kind: 'text', text: '-' },
          { kind: 'expression', name: 'sha', args: [], options: {} }
        ],
        suffixOnLatest: false
      }
    ],
    [
      ['suffix=-slim,onlatest=true'],
      {
        latest: 'auto',
        prefix: [],
        prefixOnLatest: false,
        suffix: [{ kind: 'text', text: '-slim' }],
        suffixOnLatest: true
      }
    ]
  ])('%j', (lines, flavor) => {
    expect(parseFlavor(lines)).toEqual(flavor)
  })

  it.each([
    [
      'latest=maybe',
      `Input 'flavor' has the entry 'latest=maybe': latest=maybe is not known. Accepted: ${accepted}.`
    ],
    [
      'onlatest=true',
      `Input 'flavor' has the entry 'onlatest=true': onlatest=true must be true or false and follow prefix= or suffix=. Accepted: ${accepted}.`
    ],
    [
      'labelprefix=x',
      `Input 'flavor' has the entry 'labelprefix=x': unknown key 'labelprefix'. Accepted: ${accepted}.`
    ],
    ['slim', `Input 'flavor' has the entry 'slim': 'slim' is not key=value. Accepted: ${accepted}.`],
    [
      '"prefix=dev-,onlatest=true',
      `Input 'flavor' has the entry '"prefix=dev-,onlatest=true': a '"' does not close a quoted field. Accepted: a whole field in double quotes, e.g. "pattern=a,b".`
    ],
    [
      'prefix=a b',
      `Input 'flavor' has the entry 'prefix=a b': prefix=a b contains characters a Docker tag cannot hold. Accepted: letters, digits, _ . - and the expressions ${expressions}.`
    ],
    [
      'suffix=-{{version}}',
      `Input 'flavor' has the entry 'suffix=-{{version}}': suffix=-{{version}}: unknown expression '{{version}}'. Accepted: ${expressions}.`
    ]
  ])('rejects %s', (line, message) => {
    expect(() => parseFlavor([line])).toThrow(new ConfigurationError(message))
  })
})

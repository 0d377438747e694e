import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../src/errors.js'
import { parseFlavor, parseTagRules } from '../../src/meta/tag-rules.js'

const expressions = "{{branch}}, {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}}, {{date 'YYYYMMDD'}}"
const placeholders = '{{version}}, {{major}}, {{minor}}, {{patch}}, {{raw}}'

describe('parseTagRules', () => {
  it.each([
    [
      'type=sha',
      {
        type: 'sha',
        format: 'short',
        text: 'type=sha',
        enable: 'true',
        priority: 100,
        prefix: 'sha-',
        suffix: undefined
      }
    ],
    [
      'type=sha,prefix=staging-,format=long',
      {
        type: 'sha',
        format: 'long',
        text: 'type=sha,prefix=staging-,format=long',
        enable: 'true',
        priority: 100,
        prefix: 'staging-',
        suffix: undefined
      }
    ],
    [
      'type=ref,event=pr',
      {
        type: 'ref',
        event: 'pr',
        text: 'type=ref,event=pr',
        enable: 'true',
        priority: 600,
        prefix: 'pr-',
        suffix: undefined
      }
    ],
    [
      'Type=REF, Event=Branch, priority=650, suffix=-x',
      {
        type: 'ref',
        event: 'branch',
        text: 'Type=REF, Event=Branch, priority=650, suffix=-x',
        enable: 'true',
        priority: 650,
        prefix: undefined,
        suffix: '-x'
      }
    ],
    [
      'type=semver,pattern={{major}}.{{minor}},value={{tag}},match=v(.*)',
      {
        type: 'semver',
        pattern: '{{major}}.{{minor}}',
        value: '{{tag}}',
        match: 'v(.*)',
        text: 'type=semver,pattern={{major}}.{{minor}},value={{tag}},match=v(.*)',
        enable: 'true',
        priority: 900,
        prefix: undefined,
        suffix: undefined
      }
    ],
    [
      'type=raw,value=latest,enable={{is_default_branch}}',
      {
        type: 'raw',
        value: 'latest',
        text: 'type=raw,value=latest,enable={{is_default_branch}}',
        enable: '{{is_default_branch}}',
        priority: 200,
        prefix: undefined,
        suffix: undefined
      }
    ],
    [
      'nightly',
      {
        type: 'raw',
        value: 'nightly',
        text: 'nightly',
        enable: 'true',
        priority: 200,
        prefix: undefined,
        suffix: undefined
      }
    ],
    [
      "type=raw,value=nightly-{{date 'YYYYMMDD' tz='Europe/Paris'}},enable=FALSE",
      {
        type: 'raw',
        value: "nightly-{{date 'YYYYMMDD' tz='Europe/Paris'}}",
        text: "type=raw,value=nightly-{{date 'YYYYMMDD' tz='Europe/Paris'}},enable=FALSE",
        enable: 'false',
        priority: 200,
        prefix: undefined,
        suffix: undefined
      }
    ]
  ])('%s', (line, rule) => {
    expect(parseTagRules([line])).toEqual([rule])
  })

  it('skips blank and comment lines', () => {
    expect(parseTagRules(['', '  ', '# environment tags', 'type=sha'])).toHaveLength(1)
  })

  it('keeps commas inside a double-quoted field', () => {
    const [rule] = parseTagRules(['type=semver,pattern={{version}},"match=^v(\\d{1,3}\\..*)$"'])
    expect(rule).toMatchObject({ type: 'semver', match: '^v(\\d{1,3}\\..*)$' })
  })

  it.each([
    [
      'type=edge',
      "Input 'tags' has the rule 'type=edge': unknown type 'edge' (docker/metadata-action's type=edge is not supported here). Accepted: type=sha, type=ref, type=semver, type=raw."
    ],
    [
      'type=foo',
      "Input 'tags' has the rule 'type=foo': unknown type 'foo'. Accepted: type=sha, type=ref, type=semver, type=raw."
    ],
    [
      'type=sha,value=x',
      "Input 'tags' has the rule 'type=sha,value=x': unknown key 'value' for type=sha. Accepted: format=, enable=, priority=, prefix=, suffix=."
    ],
    [
      'type=sha,format=medium',
      "Input 'tags' has the rule 'type=sha,format=medium': format=medium is not known. Accepted: format=short, format=long."
    ],
    [
      'type=ref',
      "Input 'tags' has the rule 'type=ref': event= is missing. Accepted: event=branch, event=tag, event=pr."
    ],
    [
      'type=ref,event=push',
      "Input 'tags' has the rule 'type=ref,event=push': event=push is not known. Accepted: event=branch, event=tag, event=pr."
    ],
    [
      'type=sha,priority=high',
      "Input 'tags' has the rule 'type=sha,priority=high': priority=high is not a whole number from 0 up. Accepted: priority=<0 or more>, e.g. priority=1000."
    ],
    [
      'type=raw',
      `Input 'tags' has the rule 'type=raw': value= is missing. Accepted: type=raw,value=<tag> with letters, digits, _ . - and the expressions ${expressions}.`
    ],
    [
      'type=raw,value=$(touch x)',
      `Input 'tags' has the rule 'type=raw,value=$(touch x)': value=$(touch x) contains characters a Docker tag cannot hold. Accepted: letters, digits, _ . - and the expressions ${expressions}.`
    ],
    [
      'type=raw,value=-rc',
      "Input 'tags' has the rule 'type=raw,value=-rc': '-rc' is not a valid Docker tag. Accepted: up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -."
    ],
    [
      'type=sha,prefix=team/',
      `Input 'tags' has the rule 'type=sha,prefix=team/': prefix=team/ contains characters a Docker tag cannot hold. Accepted: letters, digits, _ . - and the expressions ${expressions}.`
    ],
    [
      'type=semver',
      `Input 'tags' has the rule 'type=semver': pattern= is missing. Accepted: pattern= built from ${placeholders} and letters, digits, _ . -.`
    ],
    [
      'type=semver,pattern={{version}}.{{build}}',
      `Input 'tags' has the rule 'type=semver,pattern={{version}}.{{build}}': pattern={{version}}.{{build}}: unknown expression '{{build}}'. Accepted: ${placeholders}.`
    ],
    [
      'type=semver,pattern=stable',
      `Input 'tags' has the rule 'type=semver,pattern=stable': pattern=stable has no placeholder. Accepted: pattern= built from ${placeholders} and letters, digits, _ . -.`
    ],
    [
      'type=semver,pattern={{version}},match=(',
      "Input 'tags' has the rule 'type=semver,pattern={{version}},match=(': match=( is not a regular expression. Accepted: match=<JavaScript regular expression>, group 1 is the version, e.g. match=v(\\d.*)."
    ],
    [
      'type=raw,value={{date}}',
      `Input 'tags' has the rule 'type=raw,value={{date}}': value={{date}}: '{{date}}' needs one quoted format, e.g. {{date 'YYYYMMDD'}}. Accepted: ${expressions}.`
    ],
    [
      "type=raw,value={{date 'YYYY' tz='Mars/Base'}}",
      `Input 'tags' has the rule 'type=raw,value={{date 'YYYY' tz='Mars/Base'}}': value={{date 'YYYY' tz='Mars/Base'}}: '{{date 'YYYY' tz='Mars/Base'}}' names the unknown time zone 'Mars/Base'. Accepted: ${expressions}.`
    ],
    [
      'type=raw,value=v{{branch',
      `Input 'tags' has the rule 'type=raw,value=v{{branch': value=v{{branch: '{{' without a closing '}}'. Accepted: ${expressions}.`
    ],
    [
      'type=raw,value={{commit_date}}',
      `Input 'tags' has the rule 'type=raw,value={{commit_date}}': value={{commit_date}}: unknown expression '{{commit_date}}'. Accepted: ${expressions}.`
    ],
    [
      'type=raw,value=x,enable=yes',
      "Input 'tags' has the rule 'type=raw,value=x,enable=yes': enable=yes is neither true nor false. Accepted: enable=true, enable=false, enable={{is_default_branch}}."
    ]
  ])('rejects %s', (line, message) => {
    expect(() => parseTagRules(['type=sha', line])).toThrow(new ConfigurationError(message))
  })
})

describe('parseFlavor', () => {
  const accepted =
    'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]'

  it.each([
    [[], { latest: 'auto', prefix: '', prefixOnLatest: false, suffix: '', suffixOnLatest: false }],
    [
      ['latest=false'],
      { latest: 'false', prefix: '', prefixOnLatest: false, suffix: '', suffixOnLatest: false }
    ],
    [
      ['latest=true', 'prefix=app-,onlatest=true', 'suffix=-{{sha}}'],
      { latest: 'true', prefix: 'app-', prefixOnLatest: true, suffix: '-{{sha}}', suffixOnLatest: false }
    ],
    [
      ['suffix=-slim,onlatest=true'],
      { latest: 'auto', prefix: '', prefixOnLatest: false, suffix: '-slim', suffixOnLatest: true }
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
      'prefix=a b',
      `Input 'flavor' has the entry 'prefix=a b': prefix=a b contains characters a Docker tag cannot hold. Accepted: letters, digits, _ . - and the expressions ${expressions}.`
    ]
  ])('rejects %s', (line, message) => {
    expect(() => parseFlavor([line])).toThrow(new ConfigurationError(message))
  })
})

import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import { parseTagRules } from '../../../src/meta/tag-rules.js'
import type { Expression, TemplatePart } from '../../../src/meta/tag-template.js'

const expressions =
  "{{branch}}, {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}}, {{date 'YYYYMMDD'}}, {{commit_date 'YYYYMMDD'}}"
const placeholders = '{{version}}, {{major}}, {{minor}}, {{patch}}, {{raw}}'

const text = (value: string): TemplatePart => ({ kind: 'text', text: value })
const expression = (name: string, args: string[] = [], options: Record<string, string> = {}): Expression => ({
  kind: 'expression',
  name,
  args,
  options
})

describe('parseTagRules', () => {
  it.each([
    [
      'type=sha',
      { type: 'sha', format: 'short', text: 'type=sha', enable: true, priority: 100, prefix: [text('sha-')] }
    ],
    [
      'type=sha,prefix=staging-,format=long',
      {
        type: 'sha',
        format: 'long',
        text: 'type=sha,prefix=staging-,format=long',
        enable: true,
        priority: 100,
        prefix: [text('staging-')]
      }
    ],
    [
      'type=ref,event=pr',
      {
        type: 'ref',
        event: 'pr',
        text: 'type=ref,event=pr',
        enable: true,
        priority: 600,
        prefix: [text('pr-')]
      }
    ],
    [
      'Type=REF, Event=Branch, priority=650, suffix=-x, prefix=',
      {
        type: 'ref',
        event: 'branch',
        text: 'Type=REF, Event=Branch, priority=650, suffix=-x, prefix=',
        enable: true,
        priority: 650,
        prefix: [],
        suffix: [text('-x')]
      }
    ],
    [
      'type=semver,pattern={{major}}.{{minor}},value={{tag}},match=v(.*)',
      {
        type: 'semver',
        pattern: [expression('major'), text('.'), expression('minor')],
        value: [expression('tag')],
        match: /v(.*)/,
        text: 'type=semver,pattern={{major}}.{{minor}},value={{tag}},match=v(.*)',
        enable: true,
        priority: 900
      }
    ],
    [
      'type=pep440,pattern=v{{major}}',
      {
        type: 'pep440',
        pattern: [text('v'), expression('major')],
        text: 'type=pep440,pattern=v{{major}}',
        enable: true,
        priority: 900
      }
    ],
    [
      'type=match,pattern=app/v(\\d.\\d.\\d),group=1',
      {
        type: 'match',
        pattern: /app\/v(\d.\d.\d)/,
        group: 1,
        text: 'type=match,pattern=app/v(\\d.\\d.\\d),group=1',
        enable: true,
        priority: 800
      }
    ],
    [
      'type=match,"pattern=/^V(\\d+)$/i",value={{branch}},priority=1200',
      {
        type: 'match',
        pattern: /^V(\d+)$/i,
        group: 0,
        value: [expression('branch')],
        text: 'type=match,"pattern=/^V(\\d+)$/i",value={{branch}},priority=1200',
        enable: true,
        priority: 1200
      }
    ],
    ['type=edge', { type: 'edge', text: 'type=edge', enable: true, priority: 700 }],
    [
      'type=edge,branch=develop,suffix=-{{sha}}',
      {
        type: 'edge',
        branch: 'develop',
        text: 'type=edge,branch=develop,suffix=-{{sha}}',
        enable: true,
        priority: 700,
        suffix: [text('-'), expression('sha')]
      }
    ],
    [
      'type=schedule',
      { type: 'schedule', pattern: [text('nightly')], text: 'type=schedule', enable: true, priority: 1000 }
    ],
    [
      "type=schedule,pattern=nightly-{{date 'YYYYMMDD' tz='Asia/Tokyo'}}-{{commit_date 'HHmm'}}",
      {
        type: 'schedule',
        pattern: [
          text('nightly-'),
          expression('date', ['YYYYMMDD'], { tz: 'Asia/Tokyo' }),
          text('-'),
          expression('commit_date', ['HHmm'])
        ],
        text: "type=schedule,pattern=nightly-{{date 'YYYYMMDD' tz='Asia/Tokyo'}}-{{commit_date 'HHmm'}}",
        enable: true,
        priority: 1000
      }
    ],
    [
      'type=raw,value=latest,enable={{is_default_branch}}',
      {
        type: 'raw',
        value: [text('latest')],
        text: 'type=raw,value=latest,enable={{is_default_branch}}',
        enable: 'default-branch',
        priority: 200
      }
    ],
    ['nightly', { type: 'raw', value: [text('nightly')], text: 'nightly', enable: true, priority: 200 }],
    [
      "type=raw,value=src-{{commit_date 'YYYYMMDD' tz='Europe/Paris'}},enable=FALSE",
      {
        type: 'raw',
        value: [text('src-'), expression('commit_date', ['YYYYMMDD'], { tz: 'Europe/Paris' })],
        text: "type=raw,value=src-{{commit_date 'YYYYMMDD' tz='Europe/Paris'}},enable=FALSE",
        enable: false,
        priority: 200
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
    expect(rule).toMatchObject({ type: 'semver', match: /^v(\d{1,3}\..*)$/ })
  })

  const regex =
    'pattern=<JavaScript regular expression> or pattern=/<expression>/<flags>, e.g. pattern=v(\\d+\\.\\d+\\.\\d+)'

  it.each([
    [
      'type=match,"pattern=v(\\d+),group=1',
      `Input 'tags' has the rule 'type=match,"pattern=v(\\d+),group=1': a '"' does not close a quoted field. Accepted: a whole field in double quotes, e.g. "pattern=a,b".`
    ],
    [
      'type=foo',
      "Input 'tags' has the rule 'type=foo': unknown type 'foo'. Accepted: type=schedule, type=semver, type=pep440, type=match, type=edge, type=ref, type=raw, type=sha."
    ],
    [
      'type=sha,value=x',
      "Input 'tags' has the rule 'type=sha,value=x': unknown key 'value' for type=sha. Accepted: format=, enable=, priority=, prefix=, suffix=."
    ],
    [
      'type=edge,pattern=main',
      "Input 'tags' has the rule 'type=edge,pattern=main': unknown key 'pattern' for type=edge. Accepted: branch=, enable=, priority=, prefix=, suffix=."
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
      'type=semver,pattern={{version}},value=banana',
      "Input 'tags' has the rule 'type=semver,pattern={{version}},value=banana': value=banana: 'banana' is not a semantic version (https://semver.org). Accepted: value=<a semantic version, e.g. v1.2.3>, or an expression such as {{tag}}."
    ],
    [
      'type=pep440',
      `Input 'tags' has the rule 'type=pep440': pattern= is missing. Accepted: pattern= built from ${placeholders} and letters, digits, _ . -.`
    ],
    [
      'type=pep440,pattern={{major}}.{{minor}},value=2024.05.03-nightly',
      "Input 'tags' has the rule 'type=pep440,pattern={{major}}.{{minor}},value=2024.05.03-nightly': value=2024.05.03-nightly: '2024.05.03-nightly' is not a PEP 440 version (https://peps.python.org/pep-0440/). Accepted: value=<a PEP 440 version, e.g. 1.2.3rc1>, or an expression such as {{tag}}."
    ],
    [
      'type=pep440,pattern=py{{python}}',
      `Input 'tags' has the rule 'type=pep440,pattern=py{{python}}': pattern=py{{python}}: unknown expression '{{python}}'. Accepted: ${placeholders}.`
    ],
    ['type=match', `Input 'tags' has the rule 'type=match': pattern= is missing. Accepted: ${regex}.`],
    [
      'type=match,pattern=v(\\d+',
      `Input 'tags' has the rule 'type=match,pattern=v(\\d+': pattern=v(\\d+ is not a regular expression. Accepted: ${regex}.`
    ],
    [
      'type=match,"pattern=/v(.*)/g",group=1',
      `Input 'tags' has the rule 'type=match,"pattern=/v(.*)/g",group=1': pattern=/v(.*)/g has the flags 'g': one match is read, so only i, m, s and u apply. Accepted: ${regex}.`
    ],
    [
      'type=match,pattern=app/v(\\d.\\d.\\d),group=2',
      "Input 'tags' has the rule 'type=match,pattern=app/v(\\d.\\d.\\d),group=2': group=2 but the pattern has 1 capturing group. Accepted: group=0 (the whole match) up to group=1."
    ],
    [
      'type=match,pattern=\\d+,group=1',
      "Input 'tags' has the rule 'type=match,pattern=\\d+,group=1': group=1 but the pattern has no capturing group. Accepted: group=0 (the whole match)."
    ],
    [
      'type=match,pattern=(\\d+)-(rc\\d+),group=last',
      "Input 'tags' has the rule 'type=match,pattern=(\\d+)-(rc\\d+),group=last': group=last is not a whole number. Accepted: group=0 (the whole match) up to group=2."
    ],
    [
      'type=match,pattern=^app/v(.*)$,group=1,value=v1.2.3',
      "Input 'tags' has the rule 'type=match,pattern=^app/v(.*)$,group=1,value=v1.2.3': value=v1.2.3: pattern=^app\\/v(.*)$ does not match 'v1.2.3'. Accepted: value=<text the pattern matches>, or an expression such as {{tag}}."
    ],
    [
      'type=schedule,pattern=',
      "Input 'tags' has the rule 'type=schedule,pattern=': pattern= is empty. Accepted: pattern=nightly (the default), or letters, digits, _ . - and the expressions {{date 'YYYYMMDD'}}, {{commit_date 'YYYYMMDD'}}."
    ],
    [
      'type=schedule,pattern=nightly-{{branch}}',
      "Input 'tags' has the rule 'type=schedule,pattern=nightly-{{branch}}': pattern=nightly-{{branch}}: unknown expression '{{branch}}'. Accepted: {{date 'YYYYMMDD'}}, {{commit_date 'YYYYMMDD'}}."
    ],
    [
      'type=schedule,pattern=nightly build',
      "Input 'tags' has the rule 'type=schedule,pattern=nightly build': pattern=nightly build contains characters a Docker tag cannot hold. Accepted: letters, digits, _ . - and the expressions {{date 'YYYYMMDD'}}, {{commit_date 'YYYYMMDD'}}."
    ],
    [
      'type=schedule,pattern=.nightly',
      "Input 'tags' has the rule 'type=schedule,pattern=.nightly': '.nightly' is not a valid Docker tag. Accepted: up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -."
    ],
    [
      'type=raw,value={{date}}',
      `Input 'tags' has the rule 'type=raw,value={{date}}': value={{date}}: '{{date}}' needs one quoted format, e.g. {{date 'YYYYMMDD'}}. Accepted: ${expressions}.`
    ],
    [
      'type=raw,value=src-{{commit_date}}',
      `Input 'tags' has the rule 'type=raw,value=src-{{commit_date}}': value=src-{{commit_date}}: '{{commit_date}}' needs one quoted format, e.g. {{commit_date 'YYYYMMDD'}}. Accepted: ${expressions}.`
    ],
    [
      "type=raw,value={{commit_date 'YYYY' zone='UTC'}}",
      `Input 'tags' has the rule 'type=raw,value={{commit_date 'YYYY' zone='UTC'}}': value={{commit_date 'YYYY' zone='UTC'}}: '{{commit_date 'YYYY' zone='UTC'}}' has the unknown option 'zone' (only tz=). Accepted: ${expressions}.`
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
      'type=raw,value={{build_number}}',
      `Input 'tags' has the rule 'type=raw,value={{build_number}}': value={{build_number}}: unknown expression '{{build_number}}'. Accepted: ${expressions}.`
    ],
    [
      'type=raw,value=x,enable=yes',
      "Input 'tags' has the rule 'type=raw,value=x,enable=yes': enable=yes is neither true nor false. Accepted: enable=true, enable=false, enable={{is_default_branch}}."
    ]
  ])('rejects %s', (line, message) => {
    expect(() => parseTagRules(['type=sha', line])).toThrow(new ConfigurationError(message))
  })
})

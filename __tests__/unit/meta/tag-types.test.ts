import { beforeAll, describe, expect, it } from '@jest/globals'
import { loadDates } from '../../../src/meta/dates.js'
import { computeMeta, parseFlavor, parseTagRules, type MetaInput } from '../../../src/meta/meta.js'
import { contextFor, type RunName } from '../../fixtures/events/runs.js'

// Late in the UTC day, so a Tokyo date is already the next one.
const now = new Date('2024-05-03T22:15:00.000Z')

function metaFor(name: RunName, tags: string[], flavor: string[] = [], extra: Partial<MetaInput> = {}) {
  const input = {
    rules: parseTagRules(tags),
    flavor: parseFlavor(flavor),
    userLabels: [],
    shaSource: 'head' as const
  }
  return computeMeta({ ...input, ...extra }, contextFor(name), now)
}

// `{{date}}` and `{{commit_date}}` need moment-timezone, which a run loads only for rules that render a date.
beforeAll(() => loadDates())

describe('type=schedule', () => {
  const scheduleBlock = ['type=schedule', 'type=ref,event=branch', 'type=sha']

  it.each<[RunName, string[]]>([
    ['schedule', ['nightly', 'main', 'sha-4f2c9ab']],
    ['push_default_branch', ['main', 'sha-4f2c9ab']],
    ['push_branch', ['feature-Login_form', 'sha-4f2c9ab']],
    ['push_tag', ['sha-4f2c9ab']],
    ['pull_request', ['sha-4f2c9ab']],
    ['workflow_dispatch', ['main', 'sha-4f2c9ab']],
    ['release', ['sha-4f2c9ab']],
    ['merge_group', ['sha-7c3e5d1']]
  ])('%s: nightly on schedules only, first by its priority 1000, never latest', (name, tags) => {
    const meta = metaFor(name, scheduleBlock)
    expect(meta.tags).toEqual(tags)
    expect(meta.version).toEqual(tags[0])
  })

  const datedBlock = [
    "type=schedule,pattern=nightly-{{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
    "type=schedule,pattern={{date 'YYYYMMDD-HHmm'}},suffix=-utc",
    'type=raw,value=edge,enable={{is_default_branch}}'
  ]

  it.each<[RunName, string[]]>([
    ['schedule', ['nightly-20240504', '20240503-2215-utc', 'edge']],
    ['push_default_branch', ['edge']],
    ['workflow_dispatch', ['edge']],
    ['push_branch', []],
    ['push_tag', []],
    ['pull_request', []]
  ])('%s: the pattern renders dates, in a time zone with tz=', (name, tags) => {
    expect(metaFor(name, datedBlock).tags).toEqual(tags)
  })

  it.each<[string, string[], string[]]>([
    ['flavor prefix and suffix wrap it', ['prefix=app-', 'suffix=-slim'], ['app-nightly-slim']],
    ['latest=true adds latest', ['latest=true'], ['nightly', 'latest']],
    ['latest=auto does not', ['latest=auto'], ['nightly']]
  ])('%s', (_, flavor, tags) => {
    expect(metaFor('schedule', ['type=schedule'], flavor).tags).toEqual(tags)
  })

  it('enable=false and priority behave as for any rule', () => {
    expect(metaFor('schedule', ['type=schedule,enable=false', 'type=sha']).tags).toEqual(['sha-4f2c9ab'])
    expect(metaFor('schedule', ['type=schedule', 'type=sha,priority=2000']).tags).toEqual([
      'sha-4f2c9ab',
      'nightly'
    ])
  })
})

describe('type=edge', () => {
  it.each<[RunName, string[]]>([
    ['push_default_branch', ['edge', 'main']],
    ['workflow_dispatch', ['edge', 'main']],
    ['schedule', ['edge', 'main']],
    ['push_branch', ['feature-Login_form']],
    ['push_tag', []],
    ['pull_request', []],
    ['pull_request_target', []],
    ['release', []],
    ['merge_group', []]
  ])('%s: edge for the default branch, before the branch by its priority 700', (name, tags) => {
    expect(metaFor(name, ['type=edge', 'type=ref,event=branch']).tags).toEqual(tags)
  })

  it.each<[RunName, string[]]>([
    ['push_branch', ['edge', 'sha-4f2c9ab']],
    ['push_default_branch', ['sha-4f2c9ab']]
  ])('%s: branch= names another branch', (name, tags) => {
    expect(metaFor(name, ['type=edge,branch=feature/Login_form', 'type=sha']).tags).toEqual(tags)
  })

  it('takes the default branch from the API when the payload has none, and warns when neither says', () => {
    const context = contextFor('push_default_branch', { payload: {} })
    const input = {
      rules: parseTagRules(['type=edge,suffix=-amd64']),
      flavor: parseFlavor([]),
      userLabels: [],
      shaSource: 'head' as const
    }
    const repositoryMetadata = {
      name: 'shop-api',
      description: '',
      htmlUrl: '',
      defaultBranch: 'main',
      license: ''
    }
    expect(computeMeta({ ...input, repositoryMetadata }, context, now).tags).toEqual(['edge-amd64'])
    const unknown = computeMeta(input, context, now)
    expect(unknown.tags).toEqual([])
    expect(unknown.warnings).toEqual([
      'type=edge,suffix=-amd64: the default branch is not known (the event payload names no repository and the GitHub API was not read), so the rule gives no tag; name the branch with branch=.'
    ])
  })
})

describe('type=match', () => {
  const monorepoBlock = [
    'type=match,pattern=app/v(\\d.\\d.\\d),group=1',
    'type=match,pattern=app/v(\\d.\\d),group=1',
    'type=sha'
  ]

  it.each<[RunName, string[]]>([
    ['push_tag_monorepo', ['1.2.3', '1.2', 'sha-4f2c9ab', 'latest']],
    ['push_tag', ['sha-4f2c9ab']],
    ['push_tag_prerelease', ['sha-4f2c9ab']],
    ['release', ['sha-4f2c9ab']],
    ['push_branch', ['sha-4f2c9ab']],
    ['schedule', ['sha-4f2c9ab']],
    ['pull_request', ['sha-4f2c9ab']]
  ])('%s: monorepo release tags', (name, tags) => {
    expect(metaFor(name, monorepoBlock).tags).toEqual(tags)
  })

  const versionBlock = ['type=match,pattern=v(.*),group=1', 'type=match,"pattern=^v(\\d+)\\.\\d+",group=1']

  it.each<[RunName, string[]]>([
    ['push_tag', ['1.2.3', '1', 'latest']],
    ['push_tag_prerelease', ['2.0.0-rc.1', '2', 'latest']],
    ['release', ['1.2.3', '1', 'latest']],
    ['release_prerelease', ['2.0.0-rc.1', '2', 'latest']],
    ['push_tag_pep440_prerelease', ['1.2.3rc2', '1', 'latest']],
    ['push_tag_monorepo', ['1.2.3', 'latest']],
    ['push_tag_pep440_post', []],
    ['push_default_branch', []],
    ['pull_request', []],
    ['workflow_dispatch', []]
  ])('%s: v-prefixed tags; any match is latest on auto, as in metadata-action', (name, tags) => {
    expect(metaFor(name, versionBlock).tags).toEqual(tags)
  })

  it('warns for each rule that applied to the tag and did not match', () => {
    expect(metaFor('push_tag_monorepo', versionBlock).warnings).toEqual([
      'type=match,"pattern=^v(\\d+)\\.\\d+",group=1: pattern=^v(\\d+)\\.\\d+ does not match \'app/v1.2.3\', so the rule gives no tag.'
    ])
    expect(metaFor('push_branch', versionBlock).warnings).toEqual([])
  })

  it.each<[string, RunName, string[], string[], string[]]>([
    [
      'value= on a branch push',
      'push_branch',
      ['type=match,"pattern=^feature/(.*)$",group=1,value={{branch}}'],
      [],
      ['Login_form', 'latest']
    ],
    [
      'group 0 is the whole match, sanitized',
      'push_tag_monorepo',
      ['type=match,pattern=app/v\\d+'],
      [],
      ['app-v1', 'latest']
    ],
    [
      'flags from /pattern/flags',
      'push_tag_monorepo',
      ['type=match,"pattern=/^APP\\/V(\\d+)/i",group=1'],
      [],
      ['1', 'latest']
    ],
    [
      'a group that took no part gives no tag',
      'push_tag',
      ['type=match,pattern=v(\\d+)\\.(\\d+)\\.(\\d+)(-rc)?,group=4', 'type=sha'],
      [],
      ['sha-4f2c9ab']
    ],
    [
      'prefix, suffix and latest=false',
      'push_tag_monorepo',
      ['type=match,pattern=app/v(.*),group=1,prefix=app-,suffix=-alpine'],
      ['latest=false'],
      ['app-1.2.3-alpine']
    ]
  ])('%s', (_, name, tags, flavor, expected) => {
    expect(metaFor(name, tags, flavor).tags).toEqual(expected)
  })
})

describe('type=pep440', () => {
  const pythonBlock = [
    'type=pep440,pattern={{version}}',
    'type=pep440,pattern={{major}}.{{minor}}',
    'type=pep440,pattern={{major}}',
    'type=pep440,pattern={{raw}}'
  ]

  it.each<[RunName, string[]]>([
    ['push_tag', ['1.2.3', '1.2', '1', 'v1.2.3', 'latest']],
    ['release', ['1.2.3', '1.2', '1', 'v1.2.3', 'latest']],
    ['push_tag_prerelease', ['2.0.0rc1', 'v2.0.0-rc.1']],
    ['release_prerelease', ['2.0.0rc1', 'v2.0.0-rc.1']],
    ['push_tag_pep440_prerelease', ['1.2.3rc2', 'v1.2.3rc2']],
    ['push_tag_pep440_post', ['1.2.3.post1']],
    ['push_tag_monorepo', []],
    ['push_branch', []],
    ['push_default_branch', []],
    ['pull_request', []],
    ['schedule', []],
    ['workflow_dispatch', []]
  ])('%s: pre, post and dev releases get the normalized version only, and no latest', (name, tags) => {
    expect(metaFor(name, pythonBlock).tags).toEqual(tags)
  })

  it('warns once per rule for a tag that is not PEP 440', () => {
    expect(metaFor('push_tag_monorepo', pythonBlock.slice(0, 2)).warnings).toEqual([
      "type=pep440,pattern={{version}}: 'app-v1.2.3' is not a PEP 440 version (https://peps.python.org/pep-0440/), so the rule gives no tag.",
      "type=pep440,pattern={{major}}.{{minor}}: 'app-v1.2.3' is not a PEP 440 version (https://peps.python.org/pep-0440/), so the rule gives no tag."
    ])
  })

  it.each<[string, RunName, string[], string[], string[]]>([
    [
      'value= with a dev release',
      'push_branch',
      ['type=pep440,pattern={{major}}.{{minor}},value=1.0dev4'],
      [],
      ['1.0.dev4']
    ],
    [
      'value= from an expression, with a v prefix pattern',
      'push_tag',
      ['type=pep440,pattern=v{{major}}.{{minor}},value={{tag}}'],
      [],
      ['v1.2', 'latest']
    ],
    [
      'a 2-part release has patch 0',
      'push_branch',
      ['type=pep440,pattern={{major}}.{{minor}}.{{patch}},value=2024.5'],
      [],
      ['2024.5.0', 'latest']
    ],
    [
      'a tag rule before it on a tag that is not PEP 440',
      'push_tag_monorepo',
      ['type=ref,event=tag', 'type=pep440,pattern={{version}}'],
      ['latest=false'],
      ['app-v1.2.3']
    ],
    [
      'flavor suffix on latest',
      'push_tag',
      ['type=pep440,pattern={{version}}'],
      ['suffix=-py3,onlatest=true'],
      ['1.2.3-py3', 'latest-py3']
    ]
  ])('%s', (_, name, tags, flavor, expected) => {
    expect(metaFor(name, tags, flavor).tags).toEqual(expected)
  })
})

describe('{{commit_date}}', () => {
  const dated = [
    "type=raw,value=src-{{commit_date 'YYYYMMDD-HHmmss'}}",
    "type=raw,value=jst-{{commit_date 'YYYYMMDD' tz='Asia/Tokyo'}}"
  ]
  const fromGit = new Date('2024-05-01T23:59:59Z')

  it.each<[RunName, string[]]>([
    ['push_branch', ['src-20240503-084120', 'jst-20240503']],
    ['push_default_branch', ['src-20240503-084120', 'jst-20240503']],
    ['push_tag', ['src-20240503-084120', 'jst-20240503']],
    ['push_tag_monorepo', ['src-20240502-223000', 'jst-20240503']],
    ['merge_group', ['src-20240503-084510', 'jst-20240503']],
    ['schedule', ['src-20240501-235959', 'jst-20240502']],
    ['pull_request', ['src-20240501-235959', 'jst-20240502']],
    ['workflow_dispatch', ['src-20240501-235959', 'jst-20240502']],
    ['release', ['src-20240501-235959', 'jst-20240502']]
  ])('%s: the payload says when the commit was made, else the workspace git', (name, tags) => {
    const meta = metaFor(name, dated, [], { commitDate: fromGit })
    expect(meta.tags).toEqual(tags)
    expect(meta.warnings).toEqual([])
  })

  it('the payload wins over git for the commit it describes', () => {
    expect(metaFor('push_tag', dated, [], { commitDate: fromGit }).tags).toEqual([
      'src-20240503-084120',
      'jst-20240503'
    ])
  })

  it('falls back to the build time with one warning when neither knows', () => {
    const meta = metaFor('schedule', dated)
    expect(meta.tags).toEqual(['src-20240503-221500', 'jst-20240504'])
    expect(meta.warnings).toEqual([
      "{{commit_date}}: the time of commit 4f2c9ab is neither in the event payload nor in the workspace's git, so the build time is used instead (as docker/metadata-action does)."
    ])
  })

  it('works in a schedule pattern, a prefix and the flavor', () => {
    const meta = metaFor(
      'schedule',
      [
        "type=schedule,pattern=nightly-{{commit_date 'YYYYMMDD'}}",
        "type=sha,prefix={{commit_date 'YYYYMMDD'}}-"
      ],
      ["suffix=-{{commit_date 'HHmm' tz='Europe/Paris'}}"],
      { commitDate: fromGit }
    )
    expect(meta.tags).toEqual(['nightly-20240501-0159', '20240501-4f2c9ab-0159'])
  })
})

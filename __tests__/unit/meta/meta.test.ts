import { beforeAll, describe, expect, it } from '@jest/globals'
import { loadDates } from '../../../src/meta/dates.js'
import fc from 'fast-check'
import {
  baseBranchTag,
  computeMeta,
  fullReferences,
  parseFlavor,
  parseTagRules,
  stableTags,
  type MetaInput
} from '../../../src/meta/meta.js'
import {
  baseSha,
  contextFor,
  mergeSha,
  queueSha,
  runNames,
  sha,
  type RunName
} from '../../fixtures/events/runs.js'

const now = new Date('2024-05-03T08:41:27.000Z')

function inputOf(tags: string[] = [], flavor: string[] = [], extra: Partial<MetaInput> = {}): MetaInput {
  return {
    rules: parseTagRules(tags),
    flavor: parseFlavor(flavor),
    userLabels: [],
    shaSource: 'head',
    ...extra
  }
}

function tagsFor(
  name: RunName,
  tags: string[] = [],
  flavor: string[] = [],
  extra: Partial<MetaInput> = {}
): string[] {
  return computeMeta(inputOf(tags, flavor, extra), contextFor(name), now).tags
}

const teamBlock = [
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=sha,prefix=staging-',
  'type=raw,value=latest,enable={{is_default_branch}}',
  "type=raw,value=nightly-{{date 'YYYYMMDD'}}"
]

// `{{date}}` and `{{commit_date}}` need moment-timezone, which a run loads only for rules that render a date.
beforeAll(() => loadDates())

describe('default tags (tags input empty)', () => {
  it.each<[RunName, string[], string]>([
    ['push_branch', ['feature-login_form', '4f2c9ab'], 'feature-login_form'],
    ['push_default_branch', ['main', '4f2c9ab', 'latest'], 'main'],
    ['push_tag', ['1.2.3', '1.2', 'v1.2.3', '4f2c9ab'], '1.2.3'],
    ['push_tag_prerelease', ['2.0.0-rc.1', 'v2.0.0-rc.1', '4f2c9ab'], '2.0.0-rc.1'],
    ['push_tag_monorepo', ['app-v1.2.3', '4f2c9ab'], 'app-v1.2.3'],
    ['push_tag_pep440_prerelease', ['v1.2.3rc2', '4f2c9ab'], 'v1.2.3rc2'],
    ['push_tag_pep440_post', ['1.2.3.post1', '4f2c9ab'], '1.2.3.post1'],
    ['pull_request', ['pr-42', '4f2c9ab'], 'pr-42'],
    ['pull_request_target', ['pr-42', '4f2c9ab'], 'pr-42'],
    ['workflow_dispatch', ['main', '4f2c9ab'], 'main'],
    ['schedule', ['main', '4f2c9ab'], 'main'],
    ['release', ['1.2.3', '1.2', 'v1.2.3', '4f2c9ab'], '1.2.3'],
    ['release_prerelease', ['2.0.0-rc.1', 'v2.0.0-rc.1', '4f2c9ab'], '2.0.0-rc.1'],
    ['merge_group', ['7c3e5d1'], '7c3e5d1']
  ])('%s', (name, tags, version) => {
    const meta = computeMeta(inputOf(), contextFor(name), now)
    expect(meta.tags).toEqual(tags)
    expect(meta.version).toEqual(version)
    expect(meta.warnings).toEqual([])
  })

  it.each<[string, string, string[]]>([
    ['a tag that is not semver', 'refs/tags/Release-2024.05', ['release-2024.05', '4f2c9ab']],
    ['a release whose GITHUB_REF is not a tag', 'refs/heads/main', ['1.2.3', '1.2', 'v1.2.3', '4f2c9ab']]
  ])('%s', (_, ref, tags) => {
    const name: RunName = ref.startsWith('refs/tags/') ? 'push_tag' : 'release'
    expect(computeMeta(inputOf(), contextFor(name, { ref }), now).tags).toEqual(tags)
  })

  it('a workflow_dispatch on a tag gets the version tags and no latest', () => {
    const context = contextFor('workflow_dispatch', { ref: 'refs/tags/v1.2.3' })
    expect(computeMeta(inputOf(), context, now).tags).toEqual(['1.2.3', '1.2', 'v1.2.3', '4f2c9ab'])
  })
})

describe('a docker/metadata-action tags block', () => {
  it.each<[RunName, string[], string]>([
    ['push_branch', ['feature-Login_form', 'nightly-20240503', 'staging-4f2c9ab'], 'feature-Login_form'],
    ['push_default_branch', ['main', 'latest', 'nightly-20240503', 'staging-4f2c9ab'], 'main'],
    ['push_tag', ['1.2.3', '1.2', 'nightly-20240503', 'staging-4f2c9ab', 'latest'], '1.2.3'],
    ['push_tag_prerelease', ['2.0.0-rc.1', 'nightly-20240503', 'staging-4f2c9ab'], '2.0.0-rc.1'],
    ['push_tag_monorepo', ['nightly-20240503', 'staging-4f2c9ab'], 'nightly-20240503'],
    ['push_tag_pep440_prerelease', ['nightly-20240503', 'staging-4f2c9ab'], 'nightly-20240503'],
    ['push_tag_pep440_post', ['nightly-20240503', 'staging-4f2c9ab'], 'nightly-20240503'],
    ['pull_request', ['pr-42', 'nightly-20240503', 'staging-4f2c9ab'], 'pr-42'],
    ['pull_request_target', ['pr-42', 'nightly-20240503', 'staging-4f2c9ab'], 'pr-42'],
    ['workflow_dispatch', ['main', 'latest', 'nightly-20240503', 'staging-4f2c9ab'], 'main'],
    ['schedule', ['main', 'latest', 'nightly-20240503', 'staging-4f2c9ab'], 'main'],
    ['release', ['1.2.3', '1.2', 'nightly-20240503', 'staging-4f2c9ab', 'latest'], '1.2.3'],
    ['release_prerelease', ['2.0.0-rc.1', 'nightly-20240503', 'staging-4f2c9ab'], '2.0.0-rc.1'],
    ['merge_group', ['nightly-20240503', 'staging-7c3e5d1'], 'nightly-20240503']
  ])('%s', (name, tags, version) => {
    const meta = computeMeta(inputOf(teamBlock), contextFor(name), now)
    expect(meta.tags).toEqual(tags)
    expect(meta.version).toEqual(version)
  })

  it.each<[string, RunName, string[], string[]]>([
    [
      'sha: short, long, prefix, suffix',
      'push_branch',
      ['type=sha', 'type=sha,format=long,prefix=,suffix=-amd64'],
      ['sha-4f2c9ab', `${sha}-amd64`]
    ],
    ['ref event=tag gives the tag and latest', 'push_tag', ['type=ref,event=tag'], ['v1.2.3', 'latest']],
    ['ref event=branch on a tag push gives nothing', 'push_tag', ['type=ref,event=branch'], []],
    ['ref event=pr prefix', 'pull_request', ['type=ref,event=pr,prefix=review-'], ['review-42']],
    [
      'semver placeholders',
      'push_tag',
      [
        'type=semver,pattern={{major}}',
        'type=semver,pattern={{major}}.{{minor}}.{{patch}}',
        'type=semver,pattern={{raw}}'
      ],
      ['1', '1.2.3', 'v1.2.3', 'latest']
    ],
    [
      'a pre-release keeps only its full version, or raw',
      'push_tag_prerelease',
      ['type=semver,pattern={{major}}', 'type=semver,pattern={{raw}}'],
      ['2.0.0-rc.1', 'v2.0.0-rc.1']
    ],
    [
      'semver from value on a branch',
      'push_branch',
      ['type=semver,pattern={{major}}.{{minor}},value=v3.4.5'],
      ['3.4', 'latest']
    ],
    [
      'semver on a branch without value gives nothing',
      'push_branch',
      ['type=semver,pattern={{version}}'],
      []
    ],
    [
      'raw without type, and value as a bare word',
      'push_branch',
      ['stable', 'type=raw,edge'],
      ['stable', 'edge']
    ],
    [
      'priority orders tags and picks the version',
      'push_tag',
      ['type=semver,pattern={{version}}', 'type=sha,priority=1000'],
      ['sha-4f2c9ab', '1.2.3']
    ],
    [
      'enable=false',
      'push_branch',
      ['type=ref,event=branch,enable=false', 'type=sha,enable=true'],
      ['sha-4f2c9ab']
    ],
    [
      'expressions in values, prefix and suffix',
      'pull_request',
      ['type=raw,value={{base_ref}}-{{sha}}', 'type=ref,event=pr,prefix={{base_ref}}-pr-,suffix=-{{sha}}'],
      ['main-pr-42-4f2c9ab', 'main-4f2c9ab']
    ],
    [
      '{{tag}} and {{base_ref}} on a tag push',
      'push_tag',
      ['type=raw,value={{tag}}-on-{{base_ref}}', 'type=raw,value=b{{branch}}'],
      ['v1.2.3-on-main', 'b']
    ],
    [
      '{{date}} with a time zone',
      'push_branch',
      ["type=raw,value={{date 'YYYYMMDD-HHmm' tz='Asia/Tokyo'}}"],
      ['20240503-1741']
    ],
    [
      'an empty value gives no tag even with a prefix',
      'push_tag',
      ['type=raw,value={{branch}},prefix=br-', 'type=ref,event=tag'],
      ['v1.2.3', 'latest']
    ],
    [
      'duplicates are removed',
      'push_default_branch',
      ['type=raw,value=main', 'type=ref,event=branch', 'type=raw,value=latest'],
      ['main', 'latest']
    ],
    ['no rule applies: no tags at all', 'pull_request', ['type=ref,event=branch'], []]
  ])('%s', (_, name, tags, expected) => {
    expect(tagsFor(name, tags)).toEqual(expected)
  })

  it('semver match= picks the version out of a prefixed tag', () => {
    const context = contextFor('push_tag', { ref: 'refs/tags/api/v1.2.3' })
    const input = inputOf([
      'type=semver,pattern={{version}},match=^api/v(.*)$',
      'type=semver,pattern={{major}},match=api/v(\\d+)'
    ])
    expect(computeMeta(input, context, now).tags).toEqual(['1.2.3', 'latest'])
  })

  it('a semver rule that cannot read the tag warns and gives no tag', () => {
    const context = contextFor('push_tag', { ref: 'refs/tags/release-7' })
    const meta = computeMeta(
      inputOf(['type=semver,pattern={{version}}', 'type=semver,pattern={{version}},match=^v(.*)$']),
      context,
      now
    )
    expect(meta.tags).toEqual([])
    expect(meta.version).toEqual('')
    expect(meta.warnings).toEqual([
      "type=semver,pattern={{version}}: 'release-7' is not a semantic version (https://semver.org), so the rule gives no tag.",
      "type=semver,pattern={{version}},match=^v(.*)$: match=^v(.*)$ does not match 'release-7', so the rule gives no tag."
    ])
  })
})

describe('flavor', () => {
  it.each<[string, RunName, string[], string[], string[]]>([
    [
      'latest=false',
      'push_tag',
      teamBlock,
      ['latest=false'],
      ['1.2.3', '1.2', 'nightly-20240503', 'staging-4f2c9ab']
    ],
    [
      'latest=true',
      'push_branch',
      ['type=ref,event=branch'],
      ['latest=true'],
      ['feature-Login_form', 'latest']
    ],
    ['latest=true and nothing else produced', 'push_branch', ['type=ref,event=tag'], ['latest=true'], []],
    [
      'prefix onlatest, suffix not',
      'push_tag',
      ['type=semver,pattern={{version}}', 'type=sha,prefix=staging-', 'type=ref,event=tag,suffix='],
      ['prefix=app-,onlatest=true', 'suffix=-alpine'],
      ['app-1.2.3-alpine', 'app-v1.2.3', 'staging-4f2c9ab-alpine', 'app-latest']
    ],
    [
      'suffix onlatest',
      'push_tag',
      ['type=semver,pattern={{version}}'],
      ['suffix=-slim,onlatest=true'],
      ['1.2.3-slim', 'latest-slim']
    ],
    [
      'expressions in the flavor',
      'push_branch',
      ['type=raw,value={{sha}}', 'type=sha,prefix='],
      ['prefix={{branch}}-'],
      ['feature-Login_form-4f2c9ab', '4f2c9ab']
    ],
    [
      'defaults take the flavor prefix',
      'push_default_branch',
      [],
      ['prefix=api-'],
      ['api-main', 'api-4f2c9ab', 'latest']
    ],
    ['defaults: pr with flavor prefix', 'pull_request', [], ['prefix=api-'], ['api-pr-42', 'api-4f2c9ab']],
    ['defaults: latest=false', 'push_default_branch', [], ['latest=false'], ['main', '4f2c9ab']],
    [
      'defaults: latest=true',
      'push_tag',
      [],
      ['latest=true'],
      ['1.2.3', '1.2', 'v1.2.3', '4f2c9ab', 'latest']
    ]
  ])('%s', (_, name, tags, flavor, expected) => {
    expect(tagsFor(name, tags, flavor)).toEqual(expected)
  })
})

describe('sha-source', () => {
  it.each<[RunName, 'merge' | 'head', string[], string]>([
    ['pull_request', 'head', ['pr-42', '4f2c9ab'], sha],
    ['pull_request', 'merge', ['pr-42', '1e9249f'], mergeSha],
    ['pull_request_target', 'head', ['pr-42', '4f2c9ab'], sha],
    ['pull_request_target', 'merge', ['pr-42', '0d1a26e'], baseSha],
    ['push_branch', 'merge', ['feature-login_form', '4f2c9ab'], sha],
    ['merge_group', 'head', ['7c3e5d1'], queueSha]
  ])('%s with %s', (name, shaSource, tags, revision) => {
    const meta = computeMeta(inputOf([], [], { shaSource }), contextFor(name), now)
    expect(meta.tags).toEqual(tags)
    expect(meta.labels['org.opencontainers.image.revision']).toEqual(revision)
  })

  it('{{sha}} follows the sha source', () => {
    const input = inputOf(['type=raw,value=build-{{sha}}'], [], { shaSource: 'merge' })
    expect(computeMeta(input, contextFor('pull_request'), now).tags).toEqual(['build-1e9249f'])
  })
})

describe('sanitizing', () => {
  it.each<[string, string, string[]]>([
    ['runs of other characters become one -', 'refs/heads/feat/ä ö!!x', ['feat-x', '4f2c9ab']],
    ['no leading . or -', 'refs/heads/-.-hotfix', ['hotfix', '4f2c9ab']],
    ['nothing usable left', 'refs/heads/---', ['4f2c9ab']],
    ['uppercase is lowered in default tags', 'refs/heads/JIRA-123_Fix', ['jira-123_fix', '4f2c9ab']]
  ])('%s', (_, ref, tags) => {
    expect(computeMeta(inputOf(), contextFor('push_branch', { ref }), now).tags).toEqual(tags)
  })

  it('long refs are shortened with a hash, and stay distinct', () => {
    const long = 'x'.repeat(200)
    const first = computeMeta(inputOf(), contextFor('push_branch', { ref: `refs/heads/${long}a` }), now)
      .tags[0]
    const second = computeMeta(inputOf(), contextFor('push_branch', { ref: `refs/heads/${long}b` }), now)
      .tags[0]
    expect(first).toMatch(/^x{120}-[0-9a-f]{7}$/)
    expect(second).toMatch(/^x{120}-[0-9a-f]{7}$/)
    expect(first).not.toEqual(second)
  })

  const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
  const refName = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }))
  const events = fc.constantFrom<RunName>(...runNames)
  const blocks = fc.constantFrom(
    [],
    teamBlock,
    [
      'type=ref,event=tag,prefix={{branch}}',
      'type=raw,value={{base_ref}}-{{tag}}',
      'type=semver,pattern={{raw}},match=v(.*)',
      'type=semver,pattern={{major}},value={{branch}}'
    ],
    [
      'type=schedule,prefix={{branch}}',
      'type=edge,branch={{branch}}',
      'type=match,pattern=(.*)/(.*),group=2',
      'type=match,pattern=.+,value={{base_ref}}',
      'type=pep440,pattern={{raw}}',
      'type=pep440,pattern={{major}}.{{minor}},value={{branch}}'
    ]
  )

  it('every tag is a valid Docker tag and no ref makes the rules throw', () => {
    fc.assert(
      fc.property(events, refName, fc.boolean(), blocks, (name, refName, isTag, tags) => {
        const ref = `refs/${isTag ? 'tags' : 'heads'}/${refName}`
        const meta = computeMeta(inputOf(tags, ['prefix={{branch}}']), contextFor(name, { ref }), now)
        for (const tag of meta.tags) expect(tag).toMatch(tagPattern)
      })
    )
  })

  it('every pull request tag is valid whatever the base branch is called', () => {
    fc.assert(
      fc.property(refName, (base) => {
        const context = contextFor('pull_request')
        context.payload.pull_request.base.ref = base
        const meta = computeMeta(
          inputOf(['type=raw,value={{base_ref}},prefix=base-', 'type=ref,event=pr']),
          context,
          now
        )
        for (const tag of meta.tags) expect(tag).toMatch(tagPattern)
      })
    )
  })
})

describe('labels and annotations', () => {
  const pushTagLabels = {
    'org.opencontainers.image.created': '2024-05-03T08:41:27.000Z',
    'org.opencontainers.image.description': 'Orders and payments API of the shop',
    'org.opencontainers.image.licenses': 'MIT',
    'org.opencontainers.image.revision': sha,
    'org.opencontainers.image.source': 'https://github.com/octo-org/shop-api',
    'org.opencontainers.image.title': 'shop-api',
    'org.opencontainers.image.url': 'https://github.com/octo-org/shop-api',
    'org.opencontainers.image.version': '1.2.3'
  }

  it('come from the event payload', () => {
    const meta = computeMeta(inputOf(), contextFor('push_tag'), now)
    expect(meta.labels).toEqual(pushTagLabels)
    expect(meta.annotations).toEqual([
      'manifest:org.opencontainers.image.created=2024-05-03T08:41:27.000Z',
      'manifest:org.opencontainers.image.description=Orders and payments API of the shop',
      'manifest:org.opencontainers.image.licenses=MIT',
      `manifest:org.opencontainers.image.revision=${sha}`,
      'manifest:org.opencontainers.image.source=https://github.com/octo-org/shop-api',
      'manifest:org.opencontainers.image.title=shop-api',
      'manifest:org.opencontainers.image.url=https://github.com/octo-org/shop-api',
      'manifest:org.opencontainers.image.version=1.2.3'
    ])
    expect(meta.json).toEqual({
      tags: meta.tags,
      labels: pushTagLabels,
      annotations: meta.annotations,
      version: '1.2.3'
    })
  })

  it('are in code-unit order, the same on every runner whatever its locale', () => {
    const input = inputOf([], [], {
      userLabels: [
        { key: 'com.example.team', value: 'shop' },
        { key: 'Maintainer', value: 'platform@example.com' },
        { key: 'com.example.Owner', value: 'octo-org' }
      ]
    })
    const keys = computeMeta(input, contextFor('push_tag'), now).annotations.map((annotation) =>
      annotation.slice('manifest:'.length, annotation.indexOf('='))
    )
    expect(keys.slice(0, 3)).toEqual(['Maintainer', 'com.example.Owner', 'com.example.team'])
  })

  it('prefer the repository metadata, and user labels override by key', () => {
    const input = inputOf([], [], {
      repositoryMetadata: {
        name: 'shop-api',
        description: 'Shop API (from the API)',
        htmlUrl: 'https://github.example.com/octo-org/shop-api',
        defaultBranch: 'main',
        license: 'Apache-2.0'
      },
      userLabels: [
        { key: 'org.opencontainers.image.title', value: 'Shop API' },
        { key: 'maintainer', value: 'platform@example.com' },
        { key: 'org.opencontainers.image.licenses', value: '' }
      ],
      annotationLevels: ['index']
    })
    const meta = computeMeta(input, contextFor('pull_request'), now)
    expect(meta.labels).toEqual({
      maintainer: 'platform@example.com',
      'org.opencontainers.image.created': '2024-05-03T08:41:27.000Z',
      'org.opencontainers.image.description': 'Shop API (from the API)',
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.source': 'https://github.example.com/octo-org/shop-api',
      'org.opencontainers.image.title': 'Shop API',
      'org.opencontainers.image.url': 'https://github.example.com/octo-org/shop-api',
      'org.opencontainers.image.version': 'pr-42'
    })
    expect(meta.annotations[0]).toEqual('index:maintainer=platform@example.com')
  })

  it('without a payload fall back to the run context', () => {
    const meta = computeMeta(inputOf(), contextFor('push_branch', { payload: {} }), now)
    expect(meta.labels).toEqual({
      'org.opencontainers.image.created': '2024-05-03T08:41:27.000Z',
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.source': 'https://github.com/octo-org/shop-api',
      'org.opencontainers.image.title': 'shop-api',
      'org.opencontainers.image.url': 'https://github.com/octo-org/shop-api',
      'org.opencontainers.image.version': 'feature-login_form'
    })
  })
})

describe('fullReferences', () => {
  it('puts the image before each tag', () => {
    const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'
    expect(fullReferences(image, ['1.2.3', 'latest'])).toEqual([`${image}:1.2.3`, `${image}:latest`])
  })
})

describe('stableTags: what an earlier run of the same ref left', () => {
  it.each<[string, RunName, string[], string[]]>([
    [
      'no tag that names the commit or its date',
      'schedule',
      ['type=schedule', "type=raw,value=src-{{commit_date 'YYYYMMDD'}}", 'type=sha', 'type=edge'],
      ['nightly', 'edge']
    ],
    ['a pull request head is a commit too', 'pull_request', ['type=ref,event=pr', 'type=sha'], ['pr-42']]
  ])('%s', (_, name, tags, expected) => {
    expect(stableTags(inputOf(tags), contextFor(name), now)).toEqual(expected)
  })
})

describe('baseBranchTag: where a pull request finds its base image', () => {
  it.each<[string, string[], string[], string | undefined]>([
    ['the default rules', [], [], 'main'],
    ['a flavor prefix', [], ['prefix=dev-'], 'dev-main'],
    ['a branch rule with a suffix', ['type=ref,event=branch,suffix=-web', 'type=sha'], [], 'main-web'],
    ['only commit tags', ['type=sha', 'type=sha,prefix=staging-'], [], undefined],
    [
      'latest alone names the default branch',
      ['type=sha', 'type=raw,value=latest,enable={{is_default_branch}}'],
      [],
      'latest'
    ]
  ])('%s', (_name, tags, flavor, expected) => {
    expect(baseBranchTag(inputOf(tags, flavor), contextFor('pull_request'), 'main', now)).toBe(expected)
  })
})

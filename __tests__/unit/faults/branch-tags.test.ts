import { describe, expect, it } from '@jest/globals'
import type { RunContext } from '../../../src/github/context.js'
import { branchTagValue, collidingBranches, reservedMeaning } from '../../../src/meta/branch-tags.js'
import { parseFlavor } from '../../../src/meta/flavor.js'
import { runMeta } from '../../../src/meta/run-tags.js'
import { parseTagRules } from '../../../src/meta/tag-rules.js'

describe('reservedMeaning', () => {
  it.each([
    ['latest', "the default branch's newest image"],
    ['Latest', "the default branch's newest image"],
    ['edge', "the default branch's image (type=edge)"],
    ['nightly', 'the scheduled build (type=schedule)'],
    ['pr-7', "a pull request's image"],
    ['4f2c9ab', "a commit's image (type=sha)"],
    ['sha-4f2c9ab', "a commit's image (type=sha)"],
    ['4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6', "a commit's image (type=sha)"],
    ['1', 'a release (type=semver or pep440)'],
    ['v2', 'a release (type=semver or pep440)'],
    ['1.2', 'a release (type=semver or pep440)'],
    ['1.2.3', 'a release (type=semver or pep440)'],
    ['3.11', 'a release (type=semver or pep440)'],
    ['v1.2.3-rc.1', 'a release (type=semver or pep440)'],
    ['1.2.3rc1', 'a release (type=semver or pep440)'],
    ['buildcache', 'the registry build cache'],
    ['buildcache-production', 'the registry build cache']
  ])('%s is %s', (tag, meaning) => {
    expect(reservedMeaning(tag)).toBe(meaning)
  })

  it.each([
    'main',
    'feature-login',
    'pr-x',
    'release-1.2',
    '2024-cleanup',
    '1.x',
    'buildcachex',
    'latest-ui',
    'cafe'
  ])('%s is an ordinary name', (tag) => {
    expect(reservedMeaning(tag)).toBeUndefined()
  })
})

describe('branchTagValue', () => {
  it('keeps an ordinary branch as it is', () => {
    expect(branchTagValue('feature-login')).toEqual({ value: 'feature-login' })
  })

  it('puts branch- before a name of another meaning, and says why', () => {
    const result = branchTagValue('latest')
    expect(result.value).toBe('branch-latest')
    expect(result.warning).toBe(
      "Branch 'latest' would be tagged 'latest', the name of the default branch's newest image: it is tagged 'branch-latest' instead, so that a branch never overwrites that tag. Rename the branch, or give branch tags a prefix of their own ('type=ref,event=branch,prefix=br-')."
    )
  })
})

describe('collidingBranches', () => {
  const tagOf = (branch: string) => [branch.replace(/[^A-Za-z0-9_.-]+/g, '-').toLowerCase()]

  it('names the other branches that get the same tag', () => {
    expect(collidingBranches('feat/a', ['feat/a', 'feat-a', 'feat/b', 'Feat/A'], tagOf)).toEqual([
      { tag: 'feat-a', branches: ['feat-a', 'Feat/A'] }
    ])
  })

  it('is empty when no other branch shares a tag', () => {
    expect(collidingBranches('feat/a', ['feat/a', 'feat/b'], tagOf)).toEqual([])
  })
})

describe('branch tags of a run', () => {
  const now = new Date('2026-03-01T12:00:00Z')
  const sha = '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6'
  const push = (branch: string): RunContext => ({
    eventName: 'push',
    sha,
    ref: `refs/heads/${branch}`,
    repository: 'octo-org/shop',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    runId: '1',
    runAttempt: '1',
    workspace: '/w',
    payload: { repository: { name: 'shop', default_branch: 'main' } }
  })
  const meta = (branch: string, tags: string[] = [], otherBranches?: string[]) =>
    runMeta({
      tags: { rules: parseTagRules(tags), flavor: parseFlavor([]), shaSource: 'head' },
      labels: [],
      context: push(branch),
      now,
      needsTag: true,
      ...(otherBranches ? { otherBranches } : {})
    })

  it.each([
    ['latest', ['branch-latest', '4f2c9ab']],
    ['pr-7', ['branch-pr-7', '4f2c9ab']],
    ['1.2.3', ['branch-1.2.3', '4f2c9ab']],
    ['v1.2', ['branch-v1.2', '4f2c9ab']],
    ['buildcache-production', ['branch-buildcache-production', '4f2c9ab']],
    ['Latest', ['branch-latest', '4f2c9ab']],
    ['feature/login', ['feature-login', '4f2c9ab']],
    ['main', ['main', '4f2c9ab', 'latest']]
  ])('a push to %s is tagged %j by the default rules', (branch, expected) => {
    expect(meta(branch).tags).toEqual(expected)
  })

  it('warns when it puts branch- in front', () => {
    expect(meta('latest').warnings).toEqual([
      "Branch 'latest' would be tagged 'latest', the name of the default branch's newest image: it is tagged 'branch-latest' instead, so that a branch never overwrites that tag. Rename the branch, or give branch tags a prefix of their own ('type=ref,event=branch,prefix=br-')."
    ])
    expect(meta('feature/login').warnings).toEqual([])
  })

  it('applies to a type=ref,event=branch rule, with the flavor around it, but not to one with its own prefix', () => {
    expect(meta('1.2.3', ['type=ref,event=branch']).tags).toEqual(['branch-1.2.3'])
    expect(
      runMeta({
        tags: {
          rules: parseTagRules(['type=ref,event=branch', 'type=semver,pattern={{version}},value=1.2.3']),
          flavor: parseFlavor(['suffix=-alpine']),
          shaSource: 'head'
        },
        labels: [],
        context: push('1.2.3'),
        now,
        needsTag: true
      }).tags
    ).toEqual(['1.2.3-alpine', 'branch-1.2.3-alpine', 'latest'])
    const own = meta('latest', ['type=ref,event=branch,prefix=br-'])
    expect(own.tags).toEqual(['br-latest'])
    expect(own.warnings).toEqual([])
  })

  it('warns when another branch gets the same tag', () => {
    expect(meta('feat/a', [], ['feat-a', 'feat/b', 'feature']).warnings).toEqual([
      "Branch 'feat/a' gets the tag 'feat-a', and so does 'feat-a': a push to either overwrites the other's image. Rename one, or tell them apart with a tag of your own rules."
    ])
    expect(meta('feat/a', [], ['feat/b', 'feature']).warnings).toEqual([])
  })
})

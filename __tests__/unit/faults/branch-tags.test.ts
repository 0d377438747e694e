import { describe, expect, it } from '@jest/globals'
import { branchTagValue, collidingBranches, reservedMeaning } from '../../../src/meta/branch-tags.js'

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

  it.each(['main', 'feature-login', 'pr-x', 'release-1.2', '2024-cleanup', '1.x', 'buildcachex', 'latest-ui', 'cafe'])(
    '%s is an ordinary name',
    (tag) => {
      expect(reservedMeaning(tag)).toBeUndefined()
    }
  )
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

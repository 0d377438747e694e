import { describe, expect, it } from '@jest/globals'
import { comparisonTarget, type Comparison } from '../../../src/scan/comparison.js'
import { findingKey } from '../../../src/scan/findings.js'
import { markPresent } from '../../../src/scan/gate.js'
import type { Finding } from '../../../src/scan/findings.js'
import { evaluateGate } from '../../../src/scan/policy.js'

const libidn: Finding = {
  id: 'CVE-2019-18224',
  pkgName: 'libidn2-0',
  installedVersion: '2.0.5-1',
  fixedVersion: '2.0.5-1+deb10u1',
  severity: 'CRITICAL',
  target: 'shop/web:pr-7 (debian 10.1)',
  class: 'os-pkgs',
  layerDiffId: 'sha256:aaa'
}
const lodash: Finding = {
  id: 'CVE-2021-23337',
  pkgName: 'lodash',
  installedVersion: '4.17.20',
  pkgPath: 'app/node_modules/lodash/package.json',
  severity: 'HIGH',
  target: 'Node.js',
  class: 'lang-pkgs'
}
const secret: Finding = {
  id: 'aws-access-key-id',
  pkgName: '/app/.env',
  installedVersion: 'line 3',
  severity: 'CRITICAL',
  target: '/app/.env',
  class: 'secret'
}

describe('findingKey: the same finding in two images', () => {
  it.each([
    [
      'the same package version, in another layer and another image',
      libidn,
      { ...libidn, layerDiffId: 'sha256:bbb', target: 'shop/web:main (debian 10.1)' },
      true
    ],
    [
      'another severity or fix the DB now gives',
      libidn,
      { ...libidn, severity: 'HIGH' as const, fixedVersion: undefined },
      true
    ],
    ['another installed version', libidn, { ...libidn, installedVersion: '2.0.5-1+deb10u1' }, false],
    ['another package with the same vulnerability', libidn, { ...libidn, pkgName: 'libidn2-dev' }, false],
    ['another vulnerability in the same package', libidn, { ...libidn, id: 'CVE-2019-12290' }, false],
    ['the same package path', lodash, { ...lodash }, true],
    [
      'a second copy at another path',
      lodash,
      { ...lodash, pkgPath: 'app/vendor/lodash/package.json' },
      false
    ],
    ['a path on one side only', lodash, { ...lodash, pkgPath: undefined }, false],
    ['a secret that moved within its file', secret, { ...secret, installedVersion: 'line 9' }, true],
    ['a secret in another file', secret, { ...secret, pkgName: '/app/.env.production' }, false]
  ])('%s: %s', (_title, current, base, same) => {
    expect(findingKey(current) === findingKey(base as Finding)).toBe(same)
  })
})

const comparison = (platforms: Comparison['platforms'], image = 'registry/shop/web:main'): Comparison => ({
  kind: 'base-branch',
  ref: 'main',
  tag: 'main',
  image,
  digest: 'sha256:base',
  platforms
})

describe('markPresent', () => {
  it('marks what the comparison image has on the same platform, and leaves the rest new', () => {
    const marked = markPresent(
      [libidn, lodash],
      comparison([{ platform: 'linux/amd64', findings: [libidn] }]),
      'linux/amd64'
    )
    expect(marked).toEqual([{ ...libidn, alreadyPresent: true }, lodash])
  })

  it('compares platform by platform: a finding the base has on amd64 only is new on arm64', () => {
    const amd64 = { ...libidn, platform: 'linux/amd64' }
    const arm64 = { ...libidn, platform: 'linux/arm64' }
    const marked = markPresent(
      [amd64, arm64],
      comparison([
        { platform: 'linux/amd64', findings: [amd64] },
        { platform: 'linux/arm64', findings: [] }
      ]),
      'linux/arm64'
    )
    expect(marked.map((finding) => finding.alreadyPresent)).toEqual([true, undefined])
  })

  it('leaves every finding new on a platform the comparison image scanned with no findings', () => {
    const arm64 = { ...libidn, platform: 'linux/arm64/v8' }
    const marked = markPresent([arm64], comparison([{ platform: 'linux/arm64' }]), 'linux/arm64/v8')
    expect(marked[0].alreadyPresent).toBeUndefined()
  })

  it('leaves every finding new on a platform the comparison image lacks', () => {
    const marked = markPresent(
      [libidn],
      comparison([{ platform: 'linux/amd64', findings: [libidn] }]),
      'linux/arm64'
    )
    expect(marked).toEqual([libidn])
  })

  it('matches linux/arm64 and linux/arm64/v8 as one platform', () => {
    const marked = markPresent(
      [libidn],
      comparison([{ platform: 'linux/arm64', findings: [libidn] }]),
      'linux/arm64/v8'
    )
    expect(marked[0].alreadyPresent).toBe(true)
  })

  it('changes nothing without a comparison image', () => {
    expect(markPresent([libidn], undefined, 'linux/amd64')).toEqual([libidn])
    const none = { ...comparison([{ platform: 'linux/amd64', findings: [libidn] }]), image: undefined }
    expect(markPresent([libidn], none, 'linux/amd64')).toEqual([libidn])
  })
})

describe('comparisonTarget', () => {
  const pullRequest = { payload: { pull_request: { number: 7, base: { ref: 'main' } } } }
  const push = { payload: { ref: 'refs/heads/main' } }
  const meta = { baseTag: 'main', previousTags: ['main', 'latest'] }

  it.each([
    [
      'a pull request with fail-on-new: its base branch',
      pullRequest,
      meta,
      true,
      false,
      { kind: 'base-branch', ref: 'main', tag: 'main' }
    ],
    [
      'a pull request with only the comment',
      pullRequest,
      meta,
      false,
      true,
      { kind: 'base-branch', ref: 'main', tag: 'main' }
    ],
    ['a pull request with neither', pullRequest, meta, false, false, undefined],
    [
      'a pull request whose base has no tag under the rules',
      pullRequest,
      { previousTags: [] },
      true,
      false,
      { kind: 'base-branch', ref: 'main' }
    ],
    [
      'a push with fail-on-new: the ref’s own tag before this run',
      push,
      meta,
      true,
      false,
      { kind: 'previous-tag', ref: 'main', tag: 'main' }
    ],
    ['a push without fail-on-new', push, meta, false, true, undefined],
    [
      'a push whose rules give no stable tag',
      push,
      { previousTags: [] },
      true,
      false,
      { kind: 'previous-tag', ref: '' }
    ]
  ])('%s', (_title, context, runMeta, failOnNew, commenting, expected) => {
    expect(comparisonTarget({ context, meta: runMeta, failOnNew, commenting })).toEqual(expected)
  })
})

describe('evaluateGate with fail-on-new', () => {
  const present = { ...libidn, alreadyPresent: true }
  const added = {
    ...libidn,
    id: 'CVE-2019-5481',
    pkgName: 'libcurl4',
    installedVersion: '7.64.0-4',
    fixedVersion: undefined
  }

  it('does not block on what the comparison image already has', () => {
    expect(evaluateGate([present], 'CRITICAL', { image: 'registry/shop/web:main' })).toEqual({ blocked: [] })
  })

  it('blocks on what is new, naming only that and the comparison', () => {
    const result = evaluateGate([present, added], 'CRITICAL', { image: 'registry/shop/web:main' })
    expect(result.blocked).toEqual([added])
    expect(result.message).toBe(
      [
        'The image was not tagged: 1 new finding blocks it (fail-on: CRITICAL blocks CRITICAL and above; fail-on-new: findings already in registry/shop/web:main do not block):',
        '  CVE-2019-5481 in libcurl4 7.64.0-4 → no fixed version (CRITICAL)',
        "Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'."
      ].join('\n')
    )
  })

  it('counts every finding as new without a comparison image, and says why', () => {
    const result = evaluateGate([libidn], 'CRITICAL', { note: 'registry/shop/web:main does not exist' })
    expect(result.blocked).toEqual([libidn])
    expect(result.message?.split('\n')[0]).toBe(
      'The image was not tagged: 1 new finding blocks it (fail-on: CRITICAL blocks CRITICAL and above; fail-on-new: registry/shop/web:main does not exist, so every finding counts as new):'
    )
  })

  it('says there is no image to compare with when nothing says why', () => {
    expect(evaluateGate([libidn, added], 'CRITICAL', {}).message?.split('\n')[0]).toBe(
      'The image was not tagged: 2 new findings block it (fail-on: CRITICAL blocks CRITICAL and above; fail-on-new: there is no image to compare with, so every finding counts as new):'
    )
  })

  it('still blocks a present finding without fail-on-new', () => {
    expect(evaluateGate([present], 'CRITICAL').blocked).toEqual([present])
  })
})

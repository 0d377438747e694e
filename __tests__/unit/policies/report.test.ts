import { describe, expect, it } from '@jest/globals'
import type { Log } from 'sarif'
import { comparisonLine, suppressedTable } from '../../../src/report/compared.js'
import { markBaseline } from '../../../src/report/sarif-baseline.js'
import { blocksPush, summaryMarkdown, verdictLine, type TargetReport } from '../../../src/report/summary.js'
import type { MappedFinding } from '../../../src/scan/layer-map.js'

const origin = {
  line: 4,
  instruction: 'FROM ${BASE_IMAGE} AS base',
  stage: 'base',
  fromBase: true,
  mapped: true
}
const present: MappedFinding = {
  id: 'CVE-2019-18224',
  pkgName: 'libidn2-0',
  installedVersion: '2.0.5-1',
  fixedVersion: '2.0.5-1+deb10u1',
  severity: 'CRITICAL',
  primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-18224',
  target: 'img (debian 10.1)',
  class: 'os-pkgs',
  alreadyPresent: true,
  origin
}
const added: MappedFinding = {
  ...present,
  id: 'CVE-2019-5481',
  pkgName: 'libcurl4',
  installedVersion: '7.64.0-4',
  primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-5481',
  alreadyPresent: undefined
}

const report = (overrides: Partial<TargetReport> = {}): TargetReport => ({
  target: 'production',
  repository: 'shop/web',
  image: 'registry/shop/web',
  digest: 'sha256:abc',
  tags: ['registry/shop/web:main', 'registry/shop/web:4f2c9ab', 'registry/shop/web:latest'],
  pushed: true,
  failedTags: [],
  verdict: { kind: 'passed' },
  failOn: 'CRITICAL',
  scanner: 'Trivy 0.75.0',
  findings: [present],
  dockerfile: 'Dockerfile',
  ...overrides
})

describe('fail-on-new in the summary', () => {
  it('a finding already present does not block with fail-on-new, and does without', () => {
    expect(blocksPush(report({ failOnNew: true }), present)).toBe(false)
    expect(blocksPush(report({ failOnNew: true }), added)).toBe(true)
    expect(blocksPush(report(), present)).toBe(true)
  })

  it('says the policy in the verdict, counting only what blocks', () => {
    expect(verdictLine(report({ failOnNew: true, findings: [present] }))).toBe(
      '**Gate: passed** — fail-on CRITICAL (new findings only), 0 blocking findings'
    )
    expect(
      verdictLine(
        report({ failOnNew: true, findings: [present, added], verdict: { kind: 'blocked', reason: 'x' } })
      )
    ).toBe('**Gate: blocked** by 1 CRITICAL — fail-on CRITICAL (new findings only)')
  })

  it('marks findings already present and says what they were compared with', () => {
    const markdown = summaryMarkdown(
      report({
        failOnNew: true,
        findings: [present, added],
        comparedWith: { kind: 'base-branch', ref: 'main', image: 'registry/shop/web:main' }
      })
    )
    expect(markdown).toContain(
      'Compared with `registry/shop/web:main`: 1 new, 1 already present (fail-on-new: only new findings block).'
    )
    expect(markdown).toMatch(
      /^\| CRITICAL \| \[CVE-2019-18224\]\(https:\/\/avd\.aquasec\.com\/nvd\/cve-2019-18224\) \(already present\) \| libidn2-0 \| .* \| {2}\|$/m
    )
    expect(markdown).toMatch(/^\| CRITICAL \| \[CVE-2019-5481\]\([^)]+\) \| libcurl4 \| .* \| ⛔ \|$/m)
  })
})

describe('comparisonLine', () => {
  it.each([
    ['nothing compared', undefined, false, []],
    [
      'no image, fail-on-new',
      { kind: 'previous-tag' as const, ref: 'main', note: 'registry/shop/web:main does not exist' },
      true,
      ['', '_No image to compare with (registry/shop/web:main does not exist): every finding counts as new._']
    ],
    ['no image, the comment alone says it', { kind: 'base-branch' as const, ref: 'main' }, false, []],
    [
      'an image lacking a platform',
      { kind: 'base-branch' as const, ref: 'main', image: 'r/s:main', note: 'r/s:main has no linux/arm64' },
      false,
      [
        '',
        'Compared with `r/s:main` (r/s:main has no linux/arm64: its findings there count as new): 1 new, 1 already present.'
      ]
    ]
  ])('%s', (_title, comparedWith, failOnNew, expected) => {
    expect(comparisonLine(comparedWith, [present, added], failOnNew)).toEqual(expected)
  })
})

describe('suppressedTable', () => {
  it('lists what VEX silenced, once per package version, with the justification; ignore files stay out', () => {
    const vex = {
      finding: present,
      status: 'not_affected',
      statement: 'vulnerable_code_not_in_execute_path',
      source: 'OpenVEX'
    }
    expect(
      suppressedTable([
        vex,
        { ...vex, finding: { ...present, platform: 'linux/arm64' } },
        { finding: added, status: 'fixed', statement: '', source: 'CSAF VEX' },
        { finding: added, status: 'ignored', statement: '', source: '/tmp/trivy/trivyignore' }
      ])
    ).toEqual([
      '',
      '**Not blocking: stated in VEX**',
      '',
      '| Severity | ID | Package | Status | Justification | Source |',
      '| --- | --- | --- | --- | --- | --- |',
      '| CRITICAL | [CVE-2019-18224](https://avd.aquasec.com/nvd/cve-2019-18224) | libidn2-0 2.0.5-1 | not affected (VEX) | vulnerable\\_code\\_not\\_in\\_execute\\_path | OpenVEX |',
      '| CRITICAL | [CVE-2019-5481](https://avd.aquasec.com/nvd/cve-2019-5481) | libcurl4 7.64.0-4 | fixed (VEX) | — | CSAF VEX |'
    ])
    expect(suppressedTable([{ finding: added, status: 'ignored', statement: '', source: 'x' }])).toEqual([])
    expect(suppressedTable(undefined)).toEqual([])
  })
})

describe('the Push row on a re-run', () => {
  it.each([
    [[], '| Push | ✅ 3 tags written |'],
    [['registry/shop/web:main'], '| Push | ✅ 2 tags written, 1 already there: `registry/shop/web:main` |'],
    [
      ['registry/shop/web:main', 'registry/shop/web:4f2c9ab', 'registry/shop/web:latest'],
      '| Push | ✅ 3 tags already there (nothing moved) |'
    ]
  ])('%j', (alreadyThere, row) => {
    expect(summaryMarkdown(report({ alreadyThere })).split('\n')).toContain(row)
  })
})

describe('markBaseline', () => {
  const result = (ruleId: string, pkg: string, version: string) => ({
    ruleId,
    message: {
      text: `Package: ${pkg}\nInstalled Version: ${version}\nVulnerability ${ruleId}\nIntroduced at line 4`
    }
  })
  const sarif: Log = {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Trivy' } },
        results: [
          result('CVE-2019-18224', 'libidn2-0', '2.0.5-1'),
          result('CVE-2019-5481', 'libcurl4', '7.64.0-4'),
          result('CVE-2019-18224', 'libidn2-0', '2.0.6-1'),
          { ruleId: 'DS002', message: { text: 'Image user should not be root' } }
        ]
      }
    ]
  }

  it('sets baselineState from the findings: unchanged for what the comparison image has, new otherwise', () => {
    const states = markBaseline(sarif, [present, added]).runs[0].results?.map((entry) => entry.baselineState)
    expect(states).toEqual(['unchanged', 'new', undefined, undefined])
  })

  it('calls a result new when one of the findings behind it is', () => {
    const elsewhere = { ...present, pkgPath: 'other', alreadyPresent: undefined }
    expect(markBaseline(sarif, [present, elsewhere]).runs[0].results?.[0].baselineState).toBe('new')
  })
})

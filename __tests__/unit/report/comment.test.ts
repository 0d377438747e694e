import { describe, expect, it } from '@jest/globals'
import type { Finding } from '../../../src/scan/findings.js'
import type { MappedFinding, Origin } from '../../../src/scan/layer-map.js'
import {
  commentBody,
  commentLimitBytes,
  commentMarker,
  diffFindings,
  pullRequestOf,
  sizeChange
} from '../../../src/report/comment.js'
import type { TargetReport } from '../../../src/report/summary.js'

const base: Origin = {
  line: 2,
  instruction: 'FROM ${BASE_IMAGE} AS base',
  stage: 'base',
  fromBase: true,
  mapped: true,
  baseImage: 'debian:bookworm-slim'
}
const run: Origin = {
  line: 19,
  instruction: 'RUN apt-get install -y curl',
  stage: 'production',
  fromBase: false,
  mapped: true
}

function finding(id: string, pkgName: string, severity: Finding['severity'], origin: Origin): MappedFinding {
  return {
    id,
    pkgName,
    installedVersion: '1.0',
    fixedVersion: '1.1',
    severity,
    primaryUrl: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    target: 'app (debian 12.5)',
    class: 'os-pkgs',
    origin
  }
}

const curl = finding('CVE-2024-2398', 'curl', 'HIGH', run)
const libcurl = finding('CVE-2024-2398', 'libcurl4', 'HIGH', run)
const zlib = finding('CVE-2023-45853', 'zlib1g', 'CRITICAL', base)
const perl = finding('CVE-2023-31484', 'perl-base', 'HIGH', base)
const tar = finding('CVE-2005-2541', 'tar', 'LOW', base)

const report: TargetReport = {
  target: 'production',
  repository: 'shop/web',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web',
  digest: 'sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd',
  tags: [],
  pushed: true,
  failedTags: [],
  verdict: { kind: 'blocked', reason: '1 finding blocks it' },
  layers: [
    {
      digest: 'sha256:e1a7',
      size: 29_000_000,
      line: 2,
      instruction: 'FROM ${BASE_IMAGE} AS base',
      fromBase: true
    },
    { digest: 'sha256:1774', size: 4_000_000, line: 19, instruction: 'RUN apt-get install -y curl' }
  ],
  findings: [zlib, curl, libcurl, perl, tar],
  failOn: 'CRITICAL',
  dockerfile: 'Dockerfile'
}

describe('commentMarker and pullRequestOf', () => {
  it('marks the comment per repository and target', () => {
    expect(commentMarker('shop/web', 'production')).toBe('<!-- ecr-build-push:shop/web:production -->')
  })

  it.each([
    [{ pull_request: { number: 42, base: { ref: 'main' } } }, { number: 42, baseRef: 'main' }],
    [{ pull_request: { number: 7 } }, { number: 7, baseRef: '' }],
    [{ ref: 'refs/heads/main' }, undefined],
    [{ pull_request: { number: '42' } }, undefined],
    [{}, undefined]
  ])('%j', (payload, expected) => {
    expect(pullRequestOf({ payload })).toEqual(expected)
  })
})

describe('diffFindings', () => {
  it.each([
    [
      'new, fixed and unchanged by id and package',
      [zlib, curl, libcurl],
      [zlib, perl],
      [[curl, libcurl], [perl], [zlib]]
    ],
    [
      // As the gate's fail-on-new matches them: the comment never calls unchanged what the gate blocks as new.
      'another installed version is a new finding, and the old one fixed',
      [curl],
      [{ ...curl, installedVersion: '0.9' }],
      [[curl], [{ ...curl, installedVersion: '0.9' }], []]
    ],
    ['the same version in the base is unchanged', [curl], [{ ...curl }], [[], [], [curl]]],
    [
      'one per package when every platform reports it',
      [curl, { ...curl, platform: 'linux/arm64' }],
      [],
      [[curl], [], []]
    ],
    ['no base findings: everything is new', [zlib], [], [[zlib], [], []]]
  ])('%s', (_title, current, baseFindings, [added, fixed, unchanged]) => {
    expect(diffFindings(current, baseFindings)).toEqual({ new: added, fixed, unchanged })
  })
})

describe('sizeChange', () => {
  it.each([
    [33_000_000, 32_000_000, '+1 MB (+3.1%)'],
    [30_000_000, 33_000_000, '-3 MB (-9.1%)'],
    [1_000, 1_000, 'no change'],
    [5_000, 0, '+5 kB']
  ])('%d against %d', (current, baseSize, expected) => {
    expect(sizeChange(current, baseSize)).toBe(expected)
  })
})

describe('commentBody', () => {
  it('starts with the marker, then the summary and the difference against the base branch', () => {
    const body = commentBody(report, {
      ref: 'main',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:main',
      findings: [zlib, perl, finding('CVE-2023-4039', 'gcc-12-base', 'MEDIUM', base)],
      size: 32_000_000
    })
    expect(body.split('\n').slice(0, 2)).toEqual([
      '<!-- ecr-build-push:shop/web:production -->',
      '## `production` → `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web`'
    ])
    expect(body.slice(body.indexOf('### Compared with'))).toBe(
      [
        '### Compared with `main`',
        '',
        '| | |',
        '| --- | --- |',
        '| Base image | `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:main` |',
        '| Size | 33 MB, +1 MB (+3.1%) against 32 MB |',
        '| Findings | 3 new, 1 fixed, 2 already on `main` |',
        '',
        '**New in this pull request**',
        '',
        '| Severity | ID | Package | Introduced by | Blocks push |',
        '| --- | --- | --- | --- | :---: |',
        '| HIGH | [CVE-2024-2398](https://avd.aquasec.com/nvd/cve-2024-2398) | curl | line 19 `RUN apt-get install -y curl` |  |',
        '| HIGH | [CVE-2024-2398](https://avd.aquasec.com/nvd/cve-2024-2398) | libcurl4 | line 19 `RUN apt-get install -y curl` |  |',
        '| LOW | [CVE-2005-2541](https://avd.aquasec.com/nvd/cve-2005-2541) | tar | line 2 `FROM ${BASE_IMAGE} AS base` (base image) |  |',
        '',
        '**Fixed by this pull request**: CVE-2023-4039 (gcc-12-base)',
        ''
      ].join('\n')
    )
  })

  it.each([
    [
      'no image for the base branch yet',
      { ref: 'main' },
      '### Compared with `main`\n\nNo image for `main` in the registry yet: nothing to compare with.\n'
    ],
    [
      'the base image was not scanned',
      { ref: 'main', image: 'r/shop/web:main', size: 33_000_000 },
      '| Base image | `r/shop/web:main` |\n| Size | 33 MB, no change against 33 MB |\n| Findings | not compared: one side was not scanned |\n'
    ]
  ])('%s', (_title, comparison, expected) => {
    expect(commentBody(report, comparison).endsWith(expected)).toBe(true)
  })

  it('has no comparison outside pull requests and stays under GitHub’s comment limit', () => {
    expect(commentBody(report)).not.toContain('Compared with')
    const many = Array.from({ length: 3000 }, (_, index) =>
      finding(`CVE-2024-${10000 + index}`, `package-with-a-long-name-${index}`, 'HIGH', run)
    )
    const body = commentBody(
      { ...report, findings: many },
      { ref: 'main', image: 'r/shop/web:main', findings: [] }
    )
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(commentLimitBytes)
    expect(body).toContain('| Findings | 3000 new, 0 fixed, 0 already on `main` |')
    expect(body).toContain('_…and 2980 more._')
  })

  it('marks a new finding that blocks the push, and says the gate’s verdict first', () => {
    const body = commentBody(report, {
      ref: 'main',
      image: 'r/shop/web:main',
      findings: [curl, libcurl, tar],
      size: 33_000_000
    })
    expect(body.split('\n')[3]).toBe('**Gate: blocked** by 1 CRITICAL — fail-on CRITICAL')
    expect(body).toContain(
      '| CRITICAL | [CVE-2023-45853](https://avd.aquasec.com/nvd/cve-2023-45853) | zlib1g | line 2 `FROM ${BASE_IMAGE} AS base` (base image) | ⛔ |'
    )
    expect(body).toContain('| Findings | 2 new, 0 fixed, 3 already on `main` |')
    expect(body.match(/<!-- ecr-build-push:/g)).toHaveLength(1)
  })
})

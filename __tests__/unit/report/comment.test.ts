import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi } from '../../support/stand-ins/github-api.mjs'
import type { Finding } from '../../../src/scan/findings.js'
import type { MappedFinding, Origin } from '../../../src/scan/layer-map.js'
import {
  commentBody,
  commentLimitBytes,
  commentMarker,
  diffFindings,
  pullRequestOf,
  sizeChange,
  upsertStickyComment
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
  tags: ['pr-42'],
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
  failSeverity: 'CRITICAL',
  pushed: false,
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
      'another installed version is the same finding',
      [curl],
      [{ ...curl, installedVersion: '0.9' }],
      [[], [], [curl]]
    ],
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
})

describe('upsertStickyComment over HTTP (GitHub API stand-in)', () => {
  type GitHubApi = Awaited<ReturnType<typeof startGitHubApi>>
  let github: GitHubApi
  const marker = commentMarker('shop/web', 'production')
  const warnings: string[] = []
  const log = { warning: (message: string) => warnings.push(message) }

  beforeEach(async () => {
    warnings.length = 0
    github = await startGitHubApi({
      comments: {
        'acme/shop#42': [
          'Looks good to me',
          `${commentMarker('shop/web', 'worker')}\nworker report`,
          `> ${marker}\n> quoted by a reviewer`
        ]
      }
    })
  })
  afterEach(async () => {
    await github.close()
  })

  function request(body: string, issueNumber = 42) {
    return {
      token: 'ghs_test',
      context: { apiUrl: github.url, repository: 'acme/shop' },
      issueNumber,
      marker,
      body
    }
  }

  function bodies(): string[] {
    return (github.comments.get('acme/shop#42') ?? []).map((comment) => comment.body)
  }

  it('posts once, then updates the same comment in place on every later run', async () => {
    const first = await upsertStickyComment(request(`${marker}\nrun 1`), log)
    expect(first).toEqual({
      action: 'created',
      id: 1003,
      url: 'https://github.com/acme/shop/pull/42#issuecomment-1003'
    })
    const second = await upsertStickyComment(request(`${marker}\nrun 2`), log)
    const third = await upsertStickyComment(request(`${marker}\nrun 2`), log)
    expect([second.action, second.id, third.action, third.id]).toEqual(['updated', 1003, 'unchanged', 1003])
    expect(bodies()).toEqual([
      'Looks good to me',
      `${commentMarker('shop/web', 'worker')}\nworker report`,
      `> ${marker}\n> quoted by a reviewer`,
      `${marker}\nrun 2`
    ])
    expect(github.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/issues/42/comments',
      'GET /repos/acme/shop/issues/42/comments',
      'PATCH /repos/acme/shop/issues/comments/1003',
      'GET /repos/acme/shop/issues/42/comments'
    ])
    expect(github.requests[0].query).toEqual({ per_page: '100' })
    expect(github.requests[0].headers.authorization).toBe('token ghs_test')
    expect(warnings).toEqual([])
  })

  it.each([
    ['POST', /\/issues\/42\/comments$/, 403, { message: 'Resource not accessible by integration' }],
    ['GET', /\/issues\/42\/comments$/, 404, { message: 'Not Found' }]
  ])(
    '%s answered %d: warns that pull-requests: write is needed and goes on',
    async (method, path, status, body) => {
      github.respond(method, path, status, body)
      await expect(upsertStickyComment(request(`${marker}\nrun 1`), log)).resolves.toEqual({
        action: 'skipped'
      })
      expect(warnings).toEqual([
        "Skipped the pull request comment on #42: the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report."
      ])
      expect(bodies()).toHaveLength(3)
    }
  )

  it('warns with the status for other API errors', async () => {
    github.respond('GET', /\/issues\/42\/comments$/, 502, { message: 'Server Error' })
    await expect(upsertStickyComment(request(`${marker}\nrun 1`), log)).resolves.toEqual({
      action: 'skipped'
    })
    expect(warnings).toEqual([
      'Skipped the pull request comment on #42: GitHub answered HTTP 502: Server Error'
    ])
  })
})

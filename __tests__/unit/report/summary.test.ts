import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { Finding, Severity } from '../../../src/scan/findings.js'
import { describeLayers, mapFindings, mapLayers, type ImageConfig } from '../../../src/scan/layer-map.js'
import { checkSizeBudget } from '../../../src/scan/size.js'
import {
  code,
  emitAnnotations,
  formatDuration,
  limitMarkdown,
  planAnnotations,
  relativeToWorkspace,
  summaryMarkdown,
  type AnnotationPlan,
  type TargetReport
} from '../../../src/report/summary.js'

const dir = '__tests__/fixtures/images/multistage-production'
const map = mapLayers({
  config: JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as ImageConfig,
  dockerfile: readFileSync(`${dir}/Dockerfile`, 'utf8'),
  target: 'production',
  buildArgs: ['APP_VERSION=1.4.0']
})
const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as {
  layers: { digest: string; size: number }[]
}
const layer = {
  base: 'sha256:d9c1d5f895d5fbeeeabb7028c43a34b73cdb4c66feb9cf6320a4005e6bcab51f',
  copy: 'sha256:5db95998d43b696b9ffc4ee0aa647060c152df2b445c29f76ad7be0a75208563',
  run: 'sha256:46e8f99aab9d26e1024005d99a0dd5e078f6a369b4e457a88b325cc75c23f899'
}
const findings: Finding[] = [
  {
    id: 'CVE-2019-14697',
    pkgName: 'musl',
    installedVersion: '1.1.20-r4',
    fixedVersion: '1.1.20-r5',
    severity: 'CRITICAL',
    title: 'musl libc through 1.1.23 has an x87 floating-point stack adjustment imbalance',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-14697',
    target: 'app (alpine 3.9.4)',
    class: 'os-pkgs',
    layerDiffId: layer.base
  },
  {
    id: 'CVE-2019-14697',
    pkgName: 'musl-utils',
    installedVersion: '1.1.20-r4',
    fixedVersion: '1.1.20-r5',
    severity: 'CRITICAL',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-14697',
    target: 'app (alpine 3.9.4)',
    class: 'os-pkgs',
    layerDiffId: layer.base
  },
  {
    id: 'CVE-2019-18276',
    pkgName: 'bash',
    installedVersion: '5.0-4',
    severity: 'HIGH',
    title: 'bash: when effective UID is not equal to its real UID the saved UID is not dropped',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-18276',
    target: 'app (debian 10.1)',
    class: 'os-pkgs',
    layerDiffId: layer.run
  },
  {
    id: 'CVE-2019-1549',
    pkgName: 'libssl1.1',
    installedVersion: '1.1.1c-r0',
    fixedVersion: '1.1.1d-r0',
    severity: 'MEDIUM',
    title: 'openssl: information disclosure in fork()',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-1549',
    target: 'app (alpine 3.10.2)',
    class: 'os-pkgs',
    layerDiffId: layer.copy
  },
  {
    id: 'CVE-2019-18224',
    pkgName: 'libidn2-0',
    installedVersion: '2.0.5-1',
    fixedVersion: '2.0.5-1+deb10u1',
    severity: 'LOW',
    target: 'app (debian 10.1)',
    class: 'os-pkgs'
  }
]
const mapped = mapFindings(findings, map)
const report: TargetReport = {
  target: 'production',
  repository: 'shop/web',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web',
  digest: 'sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd',
  tags: ['pr-42', 'sha-1a2b3c4'],
  layers: describeLayers(manifest.layers, map),
  sizeCheck: checkSizeBudget(describeLayers(manifest.layers, map), 200_000_000),
  buildSeconds: 83.4,
  cachedSteps: '7 of 9 steps cached',
  findings: mapped,
  failSeverity: 'CRITICAL',
  pushed: false,
  dockerfile: 'services/web/Dockerfile',
  blobUrl: 'https://github.com/acme/shop/blob/1a2b3c4d'
}

const file = 'services/web/Dockerfile'
const link = (line: number) =>
  `[line ${line}](https://github.com/acme/shop/blob/1a2b3c4d/services/web/Dockerfile#L${line})`
const baseLine = `${link(2)} \`FROM \${BASE_IMAGE} AS base\` (base image)`
const runLine = `${link(19)} \`RUN --mount=type=cache,target=/var/cache/app,sharing=locked echo "$APP_VERSION" > /app/built && dd …\``

const musl: AnnotationPlan = {
  level: 'error',
  file,
  line: 2,
  title: 'CVE-2019-14697: musl (CRITICAL)',
  message:
    'musl 1.1.20-r4 → 1.1.20-r5 (CRITICAL): musl libc through 1.1.23 has an x87 floating-point stack adjustment imbalance\nIt comes with the base image busybox:local that this FROM picks.\nhttps://avd.aquasec.com/nvd/cve-2019-14697'
}
const muslUtils: AnnotationPlan = {
  level: 'error',
  file,
  line: 2,
  title: 'CVE-2019-14697: musl-utils (CRITICAL)',
  message:
    'musl-utils 1.1.20-r4 → 1.1.20-r5 (CRITICAL)\nIt comes with the base image busybox:local that this FROM picks.\nhttps://avd.aquasec.com/nvd/cve-2019-14697'
}
const bash: AnnotationPlan = {
  level: 'error',
  file,
  line: 19,
  title: 'CVE-2019-18276: bash (HIGH)',
  message:
    'bash 5.0-4 → no fix yet (HIGH): bash: when effective UID is not equal to its real UID the saved UID is not dropped\nThis instruction added it (stage production).\nhttps://avd.aquasec.com/nvd/cve-2019-18276'
}
const libssl: AnnotationPlan = {
  level: 'warning',
  file,
  line: 17,
  title: 'CVE-2019-1549: libssl1.1 (MEDIUM)',
  message:
    'libssl1.1 1.1.1c-r0 → 1.1.1d-r0 (MEDIUM): openssl: information disclosure in fork()\nThis instruction added it (stage production).\nhttps://avd.aquasec.com/nvd/cve-2019-1549'
}
const libidn: AnnotationPlan = {
  level: 'warning',
  file,
  line: 13,
  title: 'CVE-2019-18224: libidn2-0 (LOW)',
  message:
    "libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1 (LOW)\nCould not tell which instruction added this layer: shown at the built stage's FROM."
}

describe('planAnnotations', () => {
  it.each<[string, Severity, number, number, AnnotationPlan[]]>([
    ['HIGH (the default) annotates CRITICAL and HIGH as errors', 'HIGH', 10, 10, [musl, muslUtils, bash]],
    ['CRITICAL only', 'CRITICAL', 10, 10, [musl, muslUtils]],
    [
      'LOW: MEDIUM and LOW as warnings, the unmapped one at the FROM',
      'LOW',
      10,
      10,
      [musl, muslUtils, bash, libssl, libidn]
    ],
    [
      'errors overflow: the summary takes the last error slot and covers warnings that did not fit',
      'LOW',
      2,
      1,
      [
        musl,
        {
          level: 'error',
          file,
          line: 2,
          title: '3 more findings not annotated',
          message:
            '1 CRITICAL, 1 HIGH, 1 LOW: CVE-2019-14697 (musl-utils, line 2), CVE-2019-18276 (bash, line 19), CVE-2019-18224 (libidn2-0, line 13). The job summary lists them by severity.'
        },
        libssl
      ]
    ],
    [
      'only warnings overflow: a summarizing warning',
      'LOW',
      10,
      1,
      [
        musl,
        muslUtils,
        bash,
        {
          level: 'warning',
          file,
          line: 17,
          title: '2 more findings not annotated',
          message:
            '1 MEDIUM, 1 LOW: CVE-2019-1549 (libssl1.1, line 17), CVE-2019-18224 (libidn2-0, line 13). The job summary lists them by severity.'
        }
      ]
    ]
  ])('%s', (_title, annotateSeverity, maxErrors, maxWarnings, expected) => {
    expect(planAnnotations(mapped, { file, annotateSeverity, maxErrors, maxWarnings })).toEqual(expected)
  })

  it('annotates a package once when every platform reports it', () => {
    const perPlatform = mapFindings(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({ ...findings[2], platform })),
      map
    )
    expect(planAnnotations(perPlatform, { file, annotateSeverity: 'HIGH' })).toEqual([
      { ...bash, title: 'CVE-2019-18276: bash (HIGH) [linux/amd64]' }
    ])
  })

  it('stays within 10 errors and 10 warnings', () => {
    const many = Array.from({ length: 30 }, (_, index): Finding => ({
      ...findings[index % 2 === 0 ? 2 : 3],
      id: `CVE-2024-${1000 + index}`
    }))
    const plans = planAnnotations(mapFindings(many, map), { file, annotateSeverity: 'LOW' })
    expect([
      plans.filter((plan) => plan.level === 'error').length,
      plans.filter((plan) => plan.level === 'warning').length
    ]).toEqual([10, 10])
    expect(plans[9]).toMatchObject({ level: 'error', title: '11 more findings not annotated' })
    expect(plans[9].message).toMatch(/^6 HIGH, 5 MEDIUM: CVE-2024-1018 \(bash, line 19\), /)
  })
})

describe('emitAnnotations', () => {
  it('sends each plan to core.error / core.warning with its file, line and title', () => {
    const calls: unknown[] = []
    emitAnnotations([musl, libssl], {
      error: (message, properties) => calls.push(['error', message, properties]),
      warning: (message, properties) => calls.push(['warning', message, properties])
    })
    expect(calls).toEqual([
      ['error', musl.message, { file, startLine: 2, title: musl.title }],
      ['warning', libssl.message, { file, startLine: 17, title: libssl.title }]
    ])
  })
})

describe('relativeToWorkspace', () => {
  it.each([
    ['services/web/Dockerfile', '/home/runner/work/shop/shop', 'services/web/Dockerfile'],
    ['./Dockerfile', '/home/runner/work/shop/shop', 'Dockerfile'],
    ['/home/runner/work/shop/shop/docker/Dockerfile', '/home/runner/work/shop/shop', 'docker/Dockerfile']
  ])('%s', (path, workspace, expected) => {
    expect(relativeToWorkspace(path, workspace)).toBe(expected)
  })
})

describe('summaryMarkdown', () => {
  it('lists the image, size, layers, build, cache, findings and what blocked the push', () => {
    expect(summaryMarkdown(report)).toBe(
      [
        '### `production` → `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web`',
        '',
        '| | |',
        '| --- | --- |',
        '| Image | `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd` |',
        '| Tags | `pr-42`, `sha-1a2b3c4` |',
        '| Size | 1.58 MB compressed, 6 layers (budget 200 MB) |',
        '| Build time | 1m 23s |',
        '| Cache | 7 of 9 steps cached |',
        '| Push | ⛔ blocked by 2 findings at or above CRITICAL |',
        '',
        '**Biggest layers**',
        '',
        '| Size | Made by |',
        '| ---: | --- |',
        `| 1.07 MB | ${baseLine} |`,
        `| 513 kB | ${runLine} |`,
        `| 176 B | ${link(4)} \`RUN mkdir -p /app && echo base > /app/base.txt\` |`,
        `| 173 B | ${link(18)} \`COPY --from=builder --chown=nobody /src/app.sh /app/app.sh\` |`,
        `| 138 B | ${link(17)} \`COPY --from=builder /src/version /app/version\` |`,
        '',
        '**Vulnerabilities**',
        '',
        '| Critical | High | Medium | Low | Unknown |',
        '| ---: | ---: | ---: | ---: | ---: |',
        '| 2 | 1 | 1 | 1 | 0 |',
        '',
        '**Top findings**',
        '',
        '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
        '| --- | --- | --- | --- | --- | :---: |',
        `| CRITICAL | [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl | 1.1.20-r4 → 1.1.20-r5 | ${baseLine} | ⛔ |`,
        `| CRITICAL | [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl-utils | 1.1.20-r4 → 1.1.20-r5 | ${baseLine} | ⛔ |`,
        `| HIGH | [CVE-2019-18276](https://avd.aquasec.com/nvd/cve-2019-18276) | bash | 5.0-4 → no fix yet | ${runLine} |  |`,
        `| MEDIUM | [CVE-2019-1549](https://avd.aquasec.com/nvd/cve-2019-1549) | libssl1.1 | 1.1.1c-r0 → 1.1.1d-r0 | ${link(17)} \`COPY --from=builder /src/version /app/version\` |  |`,
        `| LOW | CVE-2019-18224 | libidn2-0 | 2.0.5-1 → 2.0.5-1+deb10u1 | ${link(13)} (not mapped: built stage's FROM) |  |`,
        ''
      ].join('\n')
    )
  })

  it('says when the scan did not run, nothing was found, or the size budget blocked the push', () => {
    const small = checkSizeBudget(report.layers ?? [], 1_000_000)
    expect(
      summaryMarkdown(
        {
          ...report,
          findings: undefined,
          failSeverity: undefined,
          sizeCheck: small,
          blobUrl: undefined,
          layers: report.layers?.slice(0, 1)
        },
        { headingLevel: 2 }
      )
    ).toBe(
      [
        '## `production` → `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web`',
        '',
        '| | |',
        '| --- | --- |',
        '| Image | `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd` |',
        '| Tags | `pr-42`, `sha-1a2b3c4` |',
        '| Size | 1.07 MB compressed, 1 layers — ⛔ over the 1 MB budget |',
        '| Build time | 1m 23s |',
        '| Cache | 7 of 9 steps cached |',
        '| Push | ⛔ blocked by the size budget |',
        '',
        '**Biggest layers**',
        '',
        '| Size | Made by |',
        '| ---: | --- |',
        '| 1.07 MB | line 2 `FROM ${BASE_IMAGE} AS base` (base image) |',
        '',
        '_Not scanned._',
        ''
      ].join('\n')
    )
    expect(
      summaryMarkdown({
        ...report,
        findings: [],
        layers: undefined,
        sizeCheck: undefined,
        pushed: true,
        tags: []
      })
    ).toContain(
      '| Tags | none |\n| Build time | 1m 23s |\n| Cache | 7 of 9 steps cached |\n| Push | ✅ pushed |\n\n**Vulnerabilities**: none found.\n'
    )
  })

  it('lists the top findings only and stays under its byte cap', () => {
    const many = Array.from({ length: 5000 }, (_, index): Finding => ({
      ...findings[3],
      id: `CVE-2024-${10000 + index}`
    }))
    const markdown = summaryMarkdown({ ...report, findings: mapFindings(many, map) }, { topFindings: 3 })
    expect(markdown.match(/^\| MEDIUM \|/gm)?.length).toBe(3)
    expect(markdown).toContain('\n_…and 4997 more in the Trivy report._\n')
    const capped = summaryMarkdown(
      { ...report, findings: mapFindings(many, map) },
      { topFindings: 5000, maxBytes: 10_000 }
    )
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(10_000)
    expect(capped).toMatch(
      /\|\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n$/
    )
  })
})

describe('limitMarkdown', () => {
  it.each([
    ['short', 100, 'short'],
    [
      'a\nb\nc\n'.repeat(40),
      120,
      'a\nb\nc\na\nb\nc\na\nb\nc\na\nb\nc\na\nb\nc\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n'
    ]
  ])('%j within %d bytes', (markdown, maxBytes, expected) => {
    expect(limitMarkdown(markdown, maxBytes)).toBe(expected)
  })
})

describe('formatDuration and code', () => {
  it.each([
    [formatDuration(4.6), '5s'],
    [formatDuration(83.4), '1m 23s'],
    [formatDuration(7322), '2h 2m'],
    [code('RUN echo `a|b`  \n x'), "`RUN echo 'a\\|b' x`"]
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected)
  })
})

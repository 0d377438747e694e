import { describe, expect, it } from '@jest/globals'
import {
  blocksPush,
  lineLink,
  originCell,
  summaryMarkdown,
  verdictLine,
  type TargetReport
} from '../../../src/report/summary.js'
import type { Finding } from '../../../src/scan/findings.js'
import { mapFindings } from '../../../src/scan/layer-map.js'
import { checkSizeBudget } from '../../../src/scan/size.js'
import { findings, layers, map, mapped, report } from './fixture.js'

const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'
const link = (line: number) =>
  `[line ${line}](https://github.com/acme/shop/blob/1a2b3c4d/services/web/Dockerfile#L${line})`
const baseLine = `${link(2)} \`FROM \${BASE_IMAGE} AS base\` (base image)`
const runLine = `${link(19)} \`RUN --mount=type=cache,target=/var/cache/app,sharing=locked echo "$APP_VERSION" > /app/built && dd …\``
const cleanup = `The blocked image was deleted from ECR (2 manifests of shop/web@sha256:4eb0), so it cannot be pulled by digest.`
const blocked: TargetReport = {
  ...report,
  tags: [],
  verdict: { kind: 'blocked', reason: '2 findings block it' },
  sizeCheck: checkSizeBudget(layers, 200_000_000),
  cleanup
}

const layerTable = [
  '',
  '**Biggest layers**',
  '',
  '| Size | Made by |',
  '| ---: | --- |',
  `| 1.07 MB | ${baseLine} |`,
  `| 513 kB | ${runLine} |`,
  `| 176 B | ${link(4)} \`RUN mkdir -p /app && echo base > /app/base.txt\` |`,
  `| 173 B | ${link(18)} \`COPY --from=builder --chown=nobody /src/app.sh /app/app.sh\` |`,
  `| 138 B | ${link(17)} \`COPY --from=builder /src/version /app/version\` |`
]
const findingRows = (blocking: boolean) => [
  `| CRITICAL | [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl | 1.1.20-r4 → 1.1.20-r5 | ${baseLine} | ${blocking ? '⛔' : ''} |`,
  `| CRITICAL | [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl-utils | 1.1.20-r4 → 1.1.20-r5 | ${baseLine} | ${blocking ? '⛔' : ''} |`,
  `| HIGH | [CVE-2019-18276](https://avd.aquasec.com/nvd/cve-2019-18276) | bash | 5.0-4 → no fix yet | ${runLine} |  |`,
  `| MEDIUM | [CVE-2019-1549](https://avd.aquasec.com/nvd/cve-2019-1549) | libssl1.1 | 1.1.1c-r0 → 1.1.1d-r0 | ${link(17)} \`COPY --from=builder /src/version /app/version\` |  |`,
  `| LOW | CVE-2019-18224 | libidn2-0 | 2.0.5-1 → 2.0.5-1+deb10u1 | ${link(13)} (not mapped: built stage's FROM) |  |`
]
const vulnerabilities = [
  '',
  '**Vulnerabilities** (Trivy 0.75.0)',
  '',
  '| Critical | High | Medium | Low | Unknown |',
  '| ---: | ---: | ---: | ---: | ---: |',
  '| 2 | 1 | 1 | 1 | 0 |',
  '',
  '**Top findings**',
  '',
  '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
  '| --- | --- | --- | --- | --- | :---: |'
]

describe('summaryMarkdown', () => {
  it('says the verdict first, then the image, size, layers, build, cache, what happened to it and the findings', () => {
    expect(summaryMarkdown(blocked)).toBe(
      [
        `### \`production\` → \`${image}\``,
        '',
        '**Gate: blocked** by 2 CRITICAL — fail-on CRITICAL',
        '',
        '| | |',
        '| --- | --- |',
        `| Image | \`${image}@sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd\` |`,
        '| Tags | none |',
        '| Size | 1.58 MB compressed, 6 layers (budget 200 MB) |',
        '| Build time | 1m 23s |',
        '| Cache | 7 of 9 build steps from cache |',
        // The cleanup note is this action's own Markdown: kept as written, only pipes and HTML escaped.
        '| Push | ⛔ not pushed — The blocked image was deleted from ECR (2 manifests of shop/web@sha256:4eb0), so it cannot be pulled by digest. |',
        ...layerTable,
        ...vulnerabilities,
        ...findingRows(true),
        ''
      ].join('\n')
    )
  })

  it('reports without blocking under fail-on: none, and names the tags written', () => {
    const passed: TargetReport = {
      ...report,
      failOn: 'none',
      tags: [`${image}:pr-42`, `${image}:4f2c9ab`],
      sizeCheck: checkSizeBudget(layers, 200_000_000)
    }
    expect(summaryMarkdown(passed, { headingLevel: 2 }).split('\n').slice(0, 12)).toEqual([
      `## \`production\` → \`${image}\``,
      '',
      '**Gate: passed** — fail-on none (report only), 0 blocking findings, within the size budget',
      '',
      '| | |',
      '| --- | --- |',
      `| Image | \`${image}@sha256:4eb05531f7ef2dd5236abe82c60026dc614b86d23c49ccf331062e85962b7afd\` |`,
      `| Tags | \`${image}:pr-42\`, \`${image}:4f2c9ab\` |`,
      '| Size | 1.58 MB compressed, 6 layers (budget 200 MB) |',
      '| Build time | 1m 23s |',
      '| Cache | 7 of 9 build steps from cache |',
      '| Push | ✅ 2 tags written |'
    ])
    expect(summaryMarkdown(passed)).toContain(findingRows(false).join('\n'))
  })

  it('says when the scan did not run, and when the size budget blocked the push (daemon sizes)', () => {
    expect(
      summaryMarkdown({
        ...report,
        tags: [],
        digest: undefined,
        verdict: { kind: 'blocked', reason: 'too big' },
        findings: [],
        layers: layers.slice(0, 1),
        sizesCompressed: false,
        sizeCheck: checkSizeBudget(layers.slice(0, 1), 1_000_000, false),
        blobUrl: undefined,
        buildSeconds: undefined,
        cachedSteps: undefined
      })
    ).toBe(
      [
        `### \`production\` → \`${image}\``,
        '',
        '**Gate: blocked** by the size budget — fail-on CRITICAL',
        '',
        '| | |',
        '| --- | --- |',
        `| Image | \`${image}\` |`,
        '| Tags | none |',
        '| Size | 1.07 MB uncompressed, 1 layer — ⛔ over the 1 MB budget |',
        '| Push | ⛔ not pushed |',
        '',
        '**Biggest layers**',
        '',
        '| Size | Made by |',
        '| ---: | --- |',
        '| 1.07 MB | line 2 `FROM ${BASE_IMAGE} AS base` (base image) |',
        '',
        '**Vulnerabilities** (Trivy 0.75.0): none found.',
        ''
      ].join('\n')
    )
    const notScanned = summaryMarkdown({
      ...report,
      verdict: { kind: 'not-scanned' },
      failOn: undefined,
      scanner: undefined,
      findings: undefined,
      layers: undefined
    })
    expect(notScanned.split('\n')[2]).toBe("**Gate: not scanned** — 'scan: false' pushes without a scan")
    expect(notScanned.endsWith('| Push | ✅ 1 tag written |\n\n_Not scanned._\n')).toBe(true)
  })

  it('says exactly which tags were written and which failed, and a failed load apart', () => {
    const partial = summaryMarkdown({
      ...report,
      tags: [`${image}:pr-42`],
      failedTags: [
        { tag: `${image}:latest`, error: "ImageTagAlreadyExistsException: tag 'latest' | is immutable" }
      ]
    })
    expect(partial).toContain(
      `| Push | ⚠️ \`${image}:pr-42\` written; failed: \`${image}:latest\`: ImageTagAlreadyExistsException: tag 'latest' \\| is immutable |`
    )
    const none = summaryMarkdown({
      ...report,
      tags: [],
      failedTags: [{ tag: `${image}:main`, error: 'denied' }]
    })
    expect(none).toContain(`| Push | ⚠️ no tag written; failed: \`${image}:main\`: denied |`)
    const load = summaryMarkdown({ ...report, loadError: 'pull failed: <html>' })
    expect(load).toContain(
      '| Push | ✅ 1 tag written; loading them into the daemon failed: pull failed: &lt;html&gt; |'
    )
  })

  it('says where the tags are without a push: names in the Docker daemon only', () => {
    expect(summaryMarkdown({ ...report, pushed: false, tags: ['shop/web:pr-42'] })).toContain(
      "| Push | not pushed ('push: false'): kept in the Docker daemon as `shop/web:pr-42` |"
    )
    expect(summaryMarkdown({ ...report, pushed: false, tags: [] })).toContain(
      "| Push | not pushed ('push: false') |"
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

  it('counts a package once when every platform reports it', () => {
    const perPlatform = mapFindings(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({ ...findings[2], platform })),
      map
    )
    expect(summaryMarkdown({ ...report, findings: perPlatform })).toContain('| 0 | 1 | 0 | 0 | 0 |')
  })
})

describe('verdictLine', () => {
  it.each<[TargetReport['verdict'], Partial<TargetReport>, string]>([
    [
      { kind: 'passed' },
      { findings: [mapped[2], mapped[3]] },
      '**Gate: passed** — fail-on CRITICAL, 0 blocking findings'
    ],
    [
      { kind: 'passed' },
      { failOn: 'HIGH', findings: [mapped[3]], sizeCheck: checkSizeBudget(layers, 1e9) },
      '**Gate: passed** — fail-on HIGH, 0 blocking findings, within the size budget'
    ],
    [
      { kind: 'blocked', reason: '' },
      { failOn: 'HIGH' },
      '**Gate: blocked** by 2 CRITICAL, 1 HIGH — fail-on HIGH'
    ],
    [
      { kind: 'blocked', reason: '' },
      { findings: [mapped[0]], sizeCheck: checkSizeBudget(layers, 1) },
      '**Gate: blocked** by 1 CRITICAL and the size budget — fail-on CRITICAL'
    ],
    [
      { kind: 'blocked', reason: '' },
      { findings: [] },
      '**Gate: blocked** by an unverified scan — fail-on CRITICAL'
    ],
    [
      { kind: 'held-back', by: ['worker', 'api'] },
      {},
      "**Gate: passed, held back** — `worker`, `api` were blocked and 'gate: atomic' releases all targets or none"
    ],
    [{ kind: 'dry-run' }, {}, '**Dry run** — nothing was built, scanned or pushed']
  ])('%j', (verdict, change, line) => {
    expect(verdictLine({ ...report, ...change, verdict })).toBe(line)
  })
})

describe('lineLink, originCell and blocksPush', () => {
  it('links a line only when the blob URL is known', () => {
    expect(lineLink(report, 7)).toBe(link(7))
    expect(lineLink({ dockerfile: 'Dockerfile' }, 7)).toBe('line 7')
  })

  it('says how an origin was found', () => {
    expect(originCell(report, mapped[0].origin)).toBe(baseLine)
    expect(originCell(report, mapped[4].origin)).toBe(`${link(13)} (not mapped: built stage's FROM)`)
  })

  it('blocks at or above fail-on, never with none or without a scan', () => {
    expect([
      blocksPush({ failOn: 'HIGH' }, mapped[2]),
      blocksPush({ failOn: 'CRITICAL' }, mapped[2])
    ]).toEqual([true, false])
    expect([blocksPush({ failOn: 'none' }, mapped[0]), blocksPush({}, mapped[0])]).toEqual([false, false])
  })
})

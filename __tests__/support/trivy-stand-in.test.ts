// The Trivy stand-in the demo and end-to-end tests scan with: it must filter and convert the way Trivy does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { findingsOf, parseTrivyReport } from '../../src/scan/trivy-report.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')
const standIn = path.resolve('__tests__/support/stand-ins/trivy')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-stand-in-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function standInRun(args: string[], env: Record<string, string> = {}) {
  return spawnSync(standIn, args, {
    encoding: 'utf8',
    env: { ...process.env, STANDIN_TRIVY_FIXTURES: fixtures, ...env }
  })
}

function standInReport(
  args: string[],
  env: Record<string, string> = {}
): ReturnType<typeof parseTrivyReport> {
  const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}.json`)
  const result = standInRun(['image', '--format', 'json', '--output', output, ...args], env)
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return parseTrivyReport(readFileSync(output, 'utf8'))
}

const amd64 = ['--platform', 'linux/amd64']

describe('the trivy stand-in', () => {
  it('says it is not Trivy', () => {
    expect(standInRun(['--version']).stdout).toBe(
      'Version: 0.0.0-standin (ecr-build-push test stand-in, not Trivy)\n'
    )
  })

  it.each([
    [[], ['CVE-2019-18276', 'CVE-2019-18224']],
    [['--severity', 'CRITICAL,HIGH'], ['CVE-2019-18224']],
    [['--severity=LOW'], ['CVE-2019-18276']],
    [['--ignore-unfixed'], ['CVE-2019-18224']],
    [['--severity', 'MEDIUM'], []]
  ])('honours %j on debian-buster', (flags, ids) => {
    expect(
      findingsOf(standInReport([...amd64, ...flags, 'shop/web:1'])).map((finding) => finding.id)
    ).toEqual(ids)
  })

  it('filters debian-buster with --ignore-unfixed exactly into the debian-buster-ignore-unfixed golden report', () => {
    const report = standInReport([
      ...amd64,
      '--ignore-unfixed',
      'testdata/fixtures/images/debian-buster.tar.gz'
    ])
    expect({ ...report, Trivy: undefined }).toEqual({
      ...parseTrivyReport(readFileSync(`${fixtures}/debian-buster-ignore-unfixed.json.golden`, 'utf8')),
      Trivy: undefined
    })
  })

  it('reports the scanned reference as the artifact and target, and says it is a stand-in', () => {
    const report = standInReport([...amd64, '--image-src', 'remote', 'registry.local/shop/web@sha256:feed'], {
      STANDIN_TRIVY_REPORT: 'alpine-310'
    })
    expect(report.ArtifactName).toBe('registry.local/shop/web@sha256:feed')
    expect(report.Results.map((result) => result.Target)).toEqual([
      'registry.local/shop/web@sha256:feed (alpine 3.10.2)'
    ])
    expect(report.Trivy?.Version).toMatch(/standin/)
  })

  it('picks a report per platform and honours --ignorefile', () => {
    const env = { STANDIN_TRIVY_REPORT: 'debian-buster,linux/arm64=centos-7' }
    writeFileSync(path.join(dir, 'ignore'), '# accepted risk\nCVE-2019-1559\n')
    expect(
      findingsOf(standInReport(['--platform', 'linux/amd64', 'x'], env)).map((finding) => finding.id)
    ).toEqual(['CVE-2019-18276', 'CVE-2019-18224'])
    expect(
      findingsOf(
        standInReport(['--platform', 'linux/arm64', '--ignorefile', path.join(dir, 'ignore'), 'x'], env)
      ).map((finding) => finding.id)
    ).toEqual(['CVE-2019-18276', 'CVE-2018-0734'])
  })

  it('takes the flags ecr-build-push isolates Trivy with', () => {
    const config = path.join(dir, 'trivy.yaml')
    writeFileSync(config, '')
    const report = standInReport([
      '--config',
      config,
      '--cache-dir',
      path.join(dir, 'cache'),
      ...amd64,
      '--skip-db-update',
      'x'
    ])
    expect(findingsOf(report)).toHaveLength(2)
  })

  it('refuses a scan without --platform, as ecr-build-push never runs one', () => {
    const result = standInRun(['image', '--format', 'json', 'x'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('no --platform given')
  })

  it('converts a JSON report into exactly the SARIF Trivy wrote for it', () => {
    const output = path.join(dir, 'alpine.sarif')
    const result = standInRun([
      'convert',
      '--format',
      'sarif',
      '--output',
      output,
      `${fixtures}/alpine-310.json.golden`
    ])
    expect(result.status).toBe(0)
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(
      JSON.parse(readFileSync(`${fixtures}/alpine-310.sarif.golden`, 'utf8'))
    )
  })

  it('lists the packages the findings name with --list-all-pkgs, and converts them into a CycloneDX or SPDX SBOM', () => {
    const report = path.join(dir, 'with-packages.json')
    const scanned = standInRun([
      'image',
      '--format',
      'json',
      '--output',
      report,
      ...amd64,
      '--list-all-pkgs',
      '--severity',
      'CRITICAL',
      'shop/web:1'
    ])
    expect(scanned.status).toBe(0)
    const written = JSON.parse(readFileSync(report, 'utf8')) as {
      Results: Array<{ Packages: Array<{ ID: string; Identifier: { PURL: string } }> }>
    }
    // Both packages, though --severity CRITICAL leaves only one finding: packages are not filtered.
    expect(written.Results[0].Packages.map((pkg) => pkg.ID)).toEqual(['bash@5.0-4', 'libidn2-0@2.0.5-1'])
    const purls = written.Results[0].Packages.map((pkg) => pkg.Identifier.PURL)
    const cyclonedx = path.join(dir, 'sbom.cdx.json')
    expect(standInRun(['convert', '--format', 'cyclonedx', '--output', cyclonedx, report]).status).toBe(0)
    const bom = JSON.parse(readFileSync(cyclonedx, 'utf8'))
    expect([bom.bomFormat, bom.specVersion, bom.metadata.component.name]).toEqual([
      'CycloneDX',
      '1.6',
      'shop/web:1'
    ])
    expect(bom.components.filter((component: { type: string }) => component.type === 'library')).toEqual(
      purls.map((purl) => expect.objectContaining({ purl, 'bom-ref': purl }))
    )
    const spdx = path.join(dir, 'sbom.spdx.json')
    expect(standInRun(['convert', '--format', 'spdx-json', '--output', spdx, report]).status).toBe(0)
    const document = JSON.parse(readFileSync(spdx, 'utf8'))
    expect(document.spdxVersion).toBe('SPDX-2.3')
    expect(
      document.packages.flatMap((pkg: { externalRefs?: Array<{ referenceLocator: string }> }) =>
        (pkg.externalRefs ?? []).map((ref) => ref.referenceLocator)
      )
    ).toEqual(purls)
  })

  it.each([
    [['image', '--format', 'json', ...amd64, '--severity', 'CRITICAL', '--exit-code', '3', 'x'], 3],
    [['image', '--format', 'json', ...amd64, '--severity', 'MEDIUM', '--exit-code', '3', 'x'], 0],
    [['image', '--download-db-only'], 0],
    [['image', '--made-up-flag', 'x'], 1]
  ])('%j exits %i', (args, status) => {
    expect(standInRun(args).status).toBe(status)
  })

  it('fails the DB download the way a rate-limited registry does, when asked to', () => {
    const result = standInRun(['image', '--download-db-only'], { STANDIN_TRIVY_FAIL_DB: '1' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('TOOMANYREQUESTS')
  })
})

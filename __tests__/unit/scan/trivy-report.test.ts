import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { ConfigurationError } from '../../../src/errors.js'
import {
  countBySeverity,
  findingsOf,
  parseTrivyReport,
  readTrivyReport
} from '../../../src/scan/trivy-report.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')

function fixture(name: string): string {
  return readFileSync(`${fixtures}/${name}.json.golden`, 'utf8')
}

describe('findingsOf + countBySeverity on every fixture', () => {
  it.each([
    ['alpine-310', { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 }],
    ['alpine-39-high-critical', { critical: 2, high: 0, medium: 0, low: 0, unknown: 0 }],
    ['debian-buster', { critical: 1, high: 0, medium: 0, low: 1, unknown: 0 }],
    ['debian-buster-ignore-unfixed', { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 }],
    ['centos-7', { critical: 0, high: 0, medium: 1, low: 2, unknown: 0 }],
    ['busybox-with-lockfile', { critical: 0, high: 1, medium: 1, low: 0, unknown: 0 }],
    ['distroless-python27', { critical: 0, high: 0, medium: 2, low: 2, unknown: 0 }]
  ])('%s', (name, counts) => {
    expect(countBySeverity(findingsOf(parseTrivyReport(fixture(name))))).toEqual(counts)
  })
})

describe('findingsOf', () => {
  it('flattens debian-buster into findings with the layer that brought each package in', () => {
    expect(findingsOf(parseTrivyReport(fixture('debian-buster')))).toEqual([
      {
        id: 'CVE-2019-18276',
        pkgName: 'bash',
        installedVersion: '5.0-4',
        severity: 'LOW',
        title: 'bash: when effective UID is not equal to its real UID the saved UID is not dropped',
        primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-18276',
        target: 'testdata/fixtures/images/debian-buster.tar.gz (debian 10.1)',
        class: 'os-pkgs',
        layerDiffId: 'sha256:78c1b9419976227e05be9d243b7fa583bea44a5258e52018b2af4cdfe23d148d'
      },
      {
        id: 'CVE-2019-18224',
        pkgName: 'libidn2-0',
        installedVersion: '2.0.5-1',
        fixedVersion: '2.0.5-1+deb10u1',
        severity: 'CRITICAL',
        title: 'libidn2: heap-based buffer overflow in idn2_to_ascii_4i in lib/lookup.c',
        primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-18224',
        target: 'testdata/fixtures/images/debian-buster.tar.gz (debian 10.1)',
        class: 'os-pkgs',
        layerDiffId: 'sha256:78c1b9419976227e05be9d243b7fa583bea44a5258e52018b2af4cdfe23d148d'
      }
    ])
  })

  it('keeps the class and target of language packages and tags findings with the platform', () => {
    const findings = findingsOf(parseTrivyReport(fixture('busybox-with-lockfile')), 'linux/arm64')
    expect(
      findings.map(({ id, pkgName, fixedVersion, target, class: kind, platform }) => ({
        id,
        pkgName,
        fixedVersion,
        target,
        kind,
        platform
      }))
    ).toEqual([
      {
        id: 'CVE-2019-15542',
        pkgName: 'ammonia',
        fixedVersion: '>= 2.1.0',
        target: 'Cargo.lock',
        kind: 'lang-pkgs',
        platform: 'linux/arm64'
      },
      {
        id: 'CVE-2021-38193',
        pkgName: 'ammonia',
        fixedVersion: '>= 3.1.0, >= 2.1.3, < 3.0.0',
        target: 'Cargo.lock',
        kind: 'lang-pkgs',
        platform: 'linux/arm64'
      }
    ])
  })

  it('turns secrets and failed misconfigurations into findings, skips passed checks, maps unknown severities to UNKNOWN', () => {
    const report = parseTrivyReport(
      JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: 'shop/web:1',
        Metadata: {},
        Results: [
          {
            Target: '/app/.env',
            Class: 'secret',
            Secrets: [
              { RuleID: 'aws-access-key-id', Severity: 'CRITICAL', Title: 'AWS Access Key ID', StartLine: 3 }
            ]
          },
          {
            Target: 'Dockerfile',
            Class: 'config',
            Misconfigurations: [
              {
                ID: 'DS002',
                AVDID: 'AVD-DS-0002',
                Severity: 'HIGH',
                Title: 'Image user should not be root',
                Status: 'FAIL'
              },
              { ID: 'DS005', AVDID: 'AVD-DS-0005', Severity: 'LOW', Status: 'PASS' }
            ]
          },
          {
            Target: 'x',
            Class: 'os-pkgs',
            Vulnerabilities: [
              { VulnerabilityID: 'CVE-1', PkgName: 'p', InstalledVersion: '1', Severity: 'NEGLIGIBLE' }
            ]
          }
        ]
      })
    )
    expect(findingsOf(report)).toEqual([
      {
        id: 'aws-access-key-id',
        pkgName: '/app/.env',
        installedVersion: 'line 3',
        severity: 'CRITICAL',
        title: 'AWS Access Key ID',
        target: '/app/.env',
        class: 'secret'
      },
      {
        id: 'AVD-DS-0002',
        pkgName: 'Dockerfile',
        installedVersion: '',
        severity: 'HIGH',
        title: 'Image user should not be root',
        target: 'Dockerfile',
        class: 'config'
      },
      { id: 'CVE-1', pkgName: 'p', installedVersion: '1', severity: 'UNKNOWN', target: 'x', class: 'os-pkgs' }
    ])
  })
})

describe('parseTrivyReport', () => {
  it('types the image metadata needed to map layers to Dockerfile lines', async () => {
    const report = await readTrivyReport(`${fixtures}/debian-buster.json.golden`)
    expect(report.Metadata.ImageConfig?.rootfs?.diff_ids).toEqual([
      'sha256:78c1b9419976227e05be9d243b7fa583bea44a5258e52018b2af4cdfe23d148d'
    ])
    expect(report.Metadata.ImageConfig?.history?.map((entry) => entry.empty_layer ?? false)).toEqual([
      false,
      true
    ])
    expect(report.Metadata.Layers).toEqual([
      {
        Size: 119199744,
        Digest: 'sha256:4a56a430b2bac33260d6449e162017e2b23076c6411a17b46db67f5b84dde2bd',
        DiffID: 'sha256:78c1b9419976227e05be9d243b7fa583bea44a5258e52018b2af4cdfe23d148d'
      }
    ])
  })

  it('keeps every field Trivy wrote, so the vuln attestation carries the report unchanged', () => {
    const text = fixture('alpine-310')
    const written = JSON.parse(text) as Record<string, unknown>
    expect(parseTrivyReport(text)).toEqual(written)
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['CreatedAt', 'ReportID', 'ArtifactID']))
  })

  it('reads a report without Results (nothing found) as no findings', () => {
    const report = parseTrivyReport('{"SchemaVersion":2,"ArtifactName":"a","Metadata":{}}')
    expect(findingsOf(report)).toEqual([])
    expect(countBySeverity([])).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 })
  })

  it.each([
    [
      '{"SchemaVersion":1}',
      ConfigurationError,
      "report.json has SchemaVersion 1: expected 2 (Trivy 0.20 or later). Set 'trivy-version' to a current release."
    ],
    ['{not json', Error, /^report\.json is not JSON: /]
  ])('refuses %s', (text, type, message) => {
    expect(() => parseTrivyReport(text, 'report.json')).toThrow(type)
    expect(() => parseTrivyReport(text, 'report.json')).toThrow(message)
  })
})

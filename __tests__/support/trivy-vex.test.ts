// The Trivy stand-in applies an OpenVEX document the way Trivy does, so the VEX e2e test means something:
// a statement matches by vulnerability id (name, @id or alias) and by product PURL as go-vex's PurlMatches
// compares them, the latest matching statement decides, and only not_affected and fixed take a finding out.
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { root } from './run-action.mjs'

const standIn = path.join(root, '__tests__/support/stand-ins/trivy')
const dir = mkdtempSync(path.join(tmpdir(), 'trivy-vex-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const purl = 'pkg:deb/debian/libidn2-0@2.0.5-1?arch=amd64&distro=debian-10.1'

interface Statement {
  vulnerability: unknown
  products: unknown[]
  status: string
  justification?: string
}

/** Runs `trivy image` on debian-buster's report with one OpenVEX document; the ids left and those suppressed. */
function scanWith(statements: Statement[], extra: string[] = ['--show-suppressed']) {
  const vex = path.join(dir, `vex-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(vex, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements }))
  const output = path.join(dir, 'report.json')
  const result = spawnSync(
    standIn,
    [
      'image',
      '--format',
      'json',
      '--output',
      output,
      '--platform',
      'linux/amd64',
      '--vex',
      vex,
      ...extra,
      'none/such:image'
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, STANDIN_TRIVY_REPORT: 'debian-buster', DOCKER_HOST: 'unix:///nonexistent.sock' }
    }
  )
  expect(result.stderr).toBe('')
  const report = JSON.parse(readFileSync(output, 'utf8'))
  const [found] = report.Results
  return {
    left: (found.Vulnerabilities ?? []).map((entry: { VulnerabilityID: string }) => entry.VulnerabilityID),
    suppressed: (found.ExperimentalModifiedFindings ?? []).map(
      (entry: {
        Status: string
        Statement: string
        Source: string
        Finding: { VulnerabilityID: string }
      }) => [entry.Finding.VulnerabilityID, entry.Status, entry.Statement, entry.Source]
    )
  }
}

const notAffected = (
  products: unknown[],
  vulnerability: unknown = { name: 'CVE-2019-18224' }
): Statement => ({
  vulnerability,
  products,
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path'
})

describe('the Trivy stand-in with --vex', () => {
  it.each([
    ['the exact PURL', true, [{ '@id': purl }]],
    ['the PURL without qualifiers', true, [{ '@id': 'pkg:deb/debian/libidn2-0@2.0.5-1' }]],
    ['the PURL without a version', true, [{ '@id': 'pkg:deb/debian/libidn2-0' }]],
    ['a qualifier the package has', true, [{ '@id': 'pkg:deb/debian/libidn2-0@2.0.5-1?arch=amd64' }]],
    ['a plain string product (OpenVEX 0.0.x)', true, ['pkg:deb/debian/libidn2-0@2.0.5-1']],
    [
      'a subcomponent of a product',
      true,
      [{ '@id': 'pkg:oci/web', subcomponents: [{ '@id': 'pkg:deb/debian/libidn2-0' }] }]
    ],
    ['another version', false, [{ '@id': 'pkg:deb/debian/libidn2-0@2.0.6-1' }]],
    ['another qualifier value', false, [{ '@id': 'pkg:deb/debian/libidn2-0@2.0.5-1?arch=arm64' }]],
    ['another package', false, [{ '@id': 'pkg:deb/debian/libidn2-dev@2.0.5-1' }]],
    ['another namespace', false, [{ '@id': 'pkg:deb/ubuntu/libidn2-0@2.0.5-1' }]]
  ])('%s: suppressed %s', (_title, matches, products) => {
    const { left, suppressed } = scanWith([notAffected(products)])
    expect(left.includes('CVE-2019-18224')).toBe(!matches)
    expect(suppressed).toEqual(
      matches ? [['CVE-2019-18224', 'not_affected', 'vulnerable_code_not_in_execute_path', 'OpenVEX']] : []
    )
    expect(left).toContain('CVE-2019-18276')
  })

  it.each([
    ['an alias', true, { name: 'DSA-4613-1', aliases: ['CVE-2019-18224'] }],
    ['a plain string (OpenVEX 0.0.x)', true, 'CVE-2019-18224'],
    ['another id', false, { name: 'CVE-2019-12290' }]
  ])('the vulnerability by %s: suppressed %s', (_title, matches, vulnerability) => {
    expect(scanWith([notAffected([{ '@id': purl }], vulnerability)]).left.includes('CVE-2019-18224')).toBe(
      !matches
    )
  })

  it('takes the latest matching statement, and only not_affected or fixed suppress', () => {
    const later = (status: string): Statement => ({ ...notAffected([{ '@id': purl }]), status })
    expect(scanWith([notAffected([{ '@id': purl }]), later('affected')]).left).toContain('CVE-2019-18224')
    expect(scanWith([later('under_investigation')]).left).toContain('CVE-2019-18224')
    expect(scanWith([later('affected'), later('fixed')]).suppressed[0].slice(0, 2)).toEqual([
      'CVE-2019-18224',
      'fixed'
    ])
  })

  it('drops what it suppressed from the report without --show-suppressed', () => {
    expect(scanWith([notAffected([{ '@id': purl }])], [])).toEqual({
      left: ['CVE-2019-18276'],
      suppressed: []
    })
  })
})

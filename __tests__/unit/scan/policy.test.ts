import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import type { FailOn } from '../../../src/config/scan.js'
import type { Finding, Severity } from '../../../src/scan/findings.js'
import { describeFinding, describePolicy, evaluateGate, scanSeverities } from '../../../src/scan/policy.js'
import { findingsOf, parseTrivyReport } from '../../../src/scan/trivy-report.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')

function findings(name: string, platform?: string): Finding[] {
  return findingsOf(parseTrivyReport(readFileSync(`${fixtures}/${name}.json.golden`, 'utf8')), platform)
}

describe('scanSeverities', () => {
  it.each<[Severity[], FailOn, Severity[]]>([
    [
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
      'CRITICAL',
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']
    ],
    [['CRITICAL'], 'HIGH', ['CRITICAL', 'HIGH']],
    [['LOW'], 'MEDIUM', ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']],
    [['HIGH'], 'none', ['HIGH']],
    [['UNKNOWN', 'CRITICAL'], 'UNKNOWN', ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']]
  ])('severity %j + fail-on %s records %j', (severity, failOn, expected) => {
    expect(scanSeverities({ severity: [...severity], failOn })).toEqual(expected)
  })
})

describe('evaluateGate', () => {
  it('names each blocking finding and the policy', () => {
    expect(evaluateGate(findings('debian-buster'), 'CRITICAL')).toEqual({
      blocked: [expect.objectContaining({ id: 'CVE-2019-18224' })],
      message: [
        'The image was not tagged: 1 finding blocks it (fail-on: CRITICAL blocks CRITICAL and above):',
        '  CVE-2019-18224 in libidn2-0 2.0.5-1 → 2.0.5-1+deb10u1 (CRITICAL)',
        "Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'."
      ].join('\n')
    })
  })

  it('says when there is no fix and which platform a finding is on', () => {
    expect(evaluateGate(findings('centos-7', 'linux/arm64'), 'LOW').message).toBe(
      [
        'The image was not tagged: 3 findings block it (fail-on: LOW blocks LOW and above):',
        '  CVE-2019-18276 in bash 4.2.46-31.el7 → no fixed version (LOW, linux/arm64)',
        '  CVE-2019-1559 in openssl-libs 1:1.0.2k-16.el7 → 1:1.0.2k-19.el7 (MEDIUM, linux/arm64)',
        '  CVE-2018-0734 in openssl-libs 1:1.0.2k-16.el7 → 1:1.0.2k-19.el7 (LOW, linux/arm64)',
        "Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'."
      ].join('\n')
    )
  })

  it.each<[string, FailOn, number]>([
    ['alpine-310', 'HIGH', 0],
    ['alpine-310', 'MEDIUM', 4],
    ['busybox-with-lockfile', 'HIGH', 1],
    ['distroless-python27', 'UNKNOWN', 4],
    ['debian-buster', 'none', 0]
  ])('%s with fail-on %s blocks %i', (name, failOn, count) => {
    const result = evaluateGate(findings(name), failOn)
    expect(result.blocked).toHaveLength(count)
    expect(result.message === undefined).toBe(count === 0)
  })

  it('names secrets and misconfigurations by file and line', () => {
    const secret: Finding = {
      id: 'aws-access-key-id',
      pkgName: '/app/.env',
      installedVersion: 'line 3',
      severity: 'CRITICAL',
      target: '/app/.env',
      class: 'secret'
    }
    const config: Finding = {
      id: 'AVD-DS-0002',
      pkgName: 'Dockerfile',
      installedVersion: '',
      severity: 'HIGH',
      target: 'Dockerfile',
      class: 'config',
      platform: 'linux/arm64'
    }
    expect(evaluateGate([secret, config], 'UNKNOWN').message?.split('\n').slice(0, 3)).toEqual([
      'The image was not tagged: 2 findings block it (fail-on: UNKNOWN blocks every finding):',
      '  aws-access-key-id in /app/.env line 3 (CRITICAL)',
      '  AVD-DS-0002 in Dockerfile (HIGH, linux/arm64)'
    ])
    expect(describeFinding(config)).toBe('AVD-DS-0002 in Dockerfile (HIGH, linux/arm64)')
  })

  it.each<[FailOn, string]>([
    ['none', 'fail-on: none reports findings without blocking'],
    ['UNKNOWN', 'fail-on: UNKNOWN blocks every finding'],
    ['HIGH', 'fail-on: HIGH blocks HIGH and above']
  ])('describes fail-on %s', (failOn, text) => {
    expect(describePolicy(failOn)).toBe(text)
  })
})

import { describe, expect, it } from '@jest/globals'
import { bySeverity, uniqueBy, uniqueFindings } from '../../../src/report/findings.js'
import type { MappedFinding } from '../../../src/scan/layer-map.js'

const origin = (line: number) => ({ line, instruction: 'RUN x', stage: 's', fromBase: false, mapped: true })
const finding = (
  id: string,
  pkgName: string,
  severity: MappedFinding['severity'],
  line: number,
  extra: Partial<MappedFinding> = {}
): MappedFinding => ({
  id,
  pkgName,
  installedVersion: '1.0',
  severity,
  target: 't',
  class: 'os-pkgs',
  origin: origin(line),
  ...extra
})

describe('report findings', () => {
  it('keeps the first item of each key, in order', () => {
    expect(uniqueBy(['a1', 'b1', 'a2'], (item) => item[0])).toEqual(['a1', 'b1'])
  })

  it('keeps one finding per package version, whichever platforms report it', () => {
    const amd64 = finding('CVE-1', 'curl', 'HIGH', 3, { platform: 'linux/amd64' })
    const arm64 = finding('CVE-1', 'curl', 'HIGH', 3, { platform: 'linux/arm64' })
    const older = finding('CVE-1', 'curl', 'HIGH', 3, { installedVersion: '0.9' })
    expect(uniqueFindings([amd64, arm64, older])).toEqual([amd64, older])
  })

  it('orders by severity, then Dockerfile line, id and package, without changing its input', () => {
    const input = [
      finding('CVE-2', 'b', 'LOW', 1),
      finding('CVE-3', 'a', 'CRITICAL', 9),
      finding('CVE-1', 'z', 'CRITICAL', 9),
      finding('CVE-1', 'a', 'CRITICAL', 9),
      finding('CVE-9', 'a', 'CRITICAL', 2)
    ]
    const before = [...input]
    expect(
      bySeverity(input).map((item) => `${item.severity} ${item.origin.line} ${item.id} ${item.pkgName}`)
    ).toEqual([
      'CRITICAL 2 CVE-9 a',
      'CRITICAL 9 CVE-1 a',
      'CRITICAL 9 CVE-1 z',
      'CRITICAL 9 CVE-3 a',
      'LOW 1 CVE-2 b'
    ])
    expect(input).toEqual(before)
  })
})

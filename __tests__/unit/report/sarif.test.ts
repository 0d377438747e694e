import { describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Log, Result } from 'sarif'
import type { Severity } from '../../../src/scan/findings.js'
import {
  defaultCategory,
  describeOmitted,
  githubSarifLimits,
  platformCategory,
  prepareSarif
} from '../../../src/report/sarif.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')
const golden = JSON.parse(readFileSync(`${fixtures}/alpine-310.sarif.golden`, 'utf8')) as Log
const noLimits = { maxRuns: 20, maxResultsPerRun: 25_000, maxGzippedBytes: 10 * 1024 * 1024 }

/** A Trivy-shaped log: one rule per item (severity tag + security-severity), one result per item. */
function trivyLog(
  items: Array<[id: string, severity: Severity, score: string]>,
  message = () => 'finding'
): Log {
  const level = (severity: Severity) =>
    severity === 'CRITICAL' || severity === 'HIGH' ? 'error' : severity === 'MEDIUM' ? 'warning' : 'note'
  return {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            rules: items.map(([id, severity, score]) => ({
              id,
              properties: { 'security-severity': score, tags: ['vulnerability', 'security', severity] }
            }))
          }
        },
        results: items.map(([id, severity], index): Result => ({
          ruleId: id,
          ruleIndex: index,
          level: level(severity),
          message: { text: message() }
        }))
      }
    ]
  }
}

describe('defaultCategory / platformCategory', () => {
  it.each<[[string, string, string?], string]>([
    [['shop-web', 'production'], 'trivy/shop-web/production/'],
    [['shop/web', 'production'], 'trivy/shop-web/production/'],
    [['shop/web', 'production', 'linux/arm64'], 'trivy/shop-web/production/linux-arm64/'],
    [['shop/web', '', 'linux/arm/v7'], 'trivy/shop-web/default/linux-arm-v7/']
  ])('%j → %s', ([repository, target, platform], expected) => {
    expect(defaultCategory(repository, target, platform)).toBe(expected)
  })

  it.each([
    ['trivy/custom', undefined, 'trivy/custom/'],
    ['trivy/custom/', 'linux/amd64', 'trivy/custom/linux-amd64/']
  ])('%s + %s → %s', (category, platform, expected) => {
    expect(platformCategory(category, platform)).toBe(expected)
  })
})

describe('prepareSarif', () => {
  it("sets the category on Trivy's own SARIF and keeps everything within the limits, leaving the input alone", () => {
    const before = JSON.stringify(golden)
    const { log, omitted } = prepareSarif(golden, { category: 'trivy/shop-web/production' })
    expect(log.runs[0].automationDetails).toEqual({ id: 'trivy/shop-web/production/' })
    expect(log.runs[0].results).toEqual(golden.runs[0].results)
    expect(log.runs[0].tool).toEqual(golden.runs[0].tool)
    expect(omitted).toEqual({ runs: 0, results: 0, bySeverity: {} })
    expect(JSON.stringify(golden)).toBe(before)
  })

  it('keeps the most severe results per run, in their order, and drops the rules nothing uses', () => {
    const input = trivyLog([
      ['CVE-LOW', 'LOW', '3.1'],
      ['CVE-CRIT-A', 'CRITICAL', '9.1'],
      ['CVE-MED', 'MEDIUM', '5.3'],
      ['CVE-HIGH', 'HIGH', '7.5'],
      ['CVE-CRIT-B', 'CRITICAL', '9.8'],
      ['CVE-UNKNOWN', 'UNKNOWN', '0.0']
    ])
    const { log, omitted } = prepareSarif(input, {
      category: 'c/',
      limits: { ...noLimits, maxResultsPerRun: 3 }
    })
    expect(log.runs[0].results?.map((result) => [result.ruleId, result.ruleIndex])).toEqual([
      ['CVE-CRIT-A', 0],
      ['CVE-HIGH', 1],
      ['CVE-CRIT-B', 2]
    ])
    expect(log.runs[0].tool.driver.rules?.map((rule) => rule.id)).toEqual([
      'CVE-CRIT-A',
      'CVE-HIGH',
      'CVE-CRIT-B'
    ])
    expect(omitted).toEqual({ runs: 0, results: 3, bySeverity: { MEDIUM: 1, LOW: 1, UNKNOWN: 1 } })
    expect(describeOmitted(omitted)).toBe(
      "The SARIF upload leaves out 3 result(s) (1 MEDIUM, 1 LOW, 1 UNKNOWN), the least severe, to stay within GitHub's limits (25000 results per run, 20 runs, 10 MB gzipped); the JSON scan report has every finding."
    )
  })

  it('breaks ties within a severity by security-severity', () => {
    const input = trivyLog([
      ['A', 'HIGH', '7.0'],
      ['B', 'HIGH', '8.8'],
      ['C', 'HIGH', '7.5']
    ])
    const { log } = prepareSarif(input, { category: 'c', limits: { ...noLimits, maxResultsPerRun: 2 } })
    expect(log.runs[0].results?.map((result) => result.ruleId)).toEqual(['B', 'C'])
  })

  it('falls back to the result level for SARIF without severity tags', () => {
    const input: Log = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'other' } },
          results: [
            { ruleId: 'n', level: 'note', message: { text: '' } },
            { ruleId: 'e', level: 'error', message: { text: '' } },
            { ruleId: 'w', level: 'warning', message: { text: '' } }
          ]
        }
      ]
    }
    const { log, omitted } = prepareSarif(input, {
      category: 'c',
      limits: { ...noLimits, maxResultsPerRun: 1 }
    })
    expect(log.runs[0].results?.map((result) => result.ruleId)).toEqual(['e'])
    expect(omitted).toEqual({ runs: 0, results: 2, bySeverity: { MEDIUM: 1, LOW: 1 } })
  })

  it('leaves out runs beyond the limit and counts their results', () => {
    const run = trivyLog([['A', 'HIGH', '7.0']]).runs[0]
    const input: Log = { version: '2.1.0', runs: [run, run, run] }
    const { log, omitted } = prepareSarif(input, { category: 'c', limits: { ...noLimits, maxRuns: 2 } })
    expect(log.runs).toHaveLength(2)
    expect(log.runs.map((item) => item.automationDetails?.id)).toEqual(['c/', 'c/'])
    expect(omitted).toEqual({ runs: 1, results: 1, bySeverity: { HIGH: 1 } })
    expect(describeOmitted(omitted, { ...noLimits, maxRuns: 2 })).toBe(
      "The SARIF upload leaves out 1 result(s) and 1 run(s) (1 HIGH), the least severe, to stay within GitHub's limits (25000 results per run, 2 runs, 10 MB gzipped); the JSON scan report has every finding."
    )
  })

  it('shrinks to the gzipped size limit by leaving out the least severe results', () => {
    // Random messages don't compress, so every result kept costs bytes.
    const input = trivyLog(
      [
        ['LOW-1', 'LOW', '2.0'],
        ['CRIT-1', 'CRITICAL', '9.8'],
        ['MED-1', 'MEDIUM', '5.0'],
        ['HIGH-1', 'HIGH', '8.0'],
        ['LOW-2', 'LOW', '1.0']
      ],
      () => randomBytes(3000).toString('hex')
    )
    const twoMostSevere = prepareSarif(input, {
      category: 'c',
      limits: { ...noLimits, maxResultsPerRun: 2 }
    }).log
    const limit = gzipSync(JSON.stringify(twoMostSevere)).length
    const { log, omitted } = prepareSarif(input, {
      category: 'c',
      limits: { ...noLimits, maxGzippedBytes: limit }
    })
    expect(log).toEqual(twoMostSevere)
    expect(log.runs[0].results?.map((result) => result.ruleId)).toEqual(['CRIT-1', 'HIGH-1'])
    expect(omitted).toEqual({ runs: 0, results: 3, bySeverity: { MEDIUM: 1, LOW: 2 } })
    expect(gzipSync(JSON.stringify(log)).length).toBeLessThanOrEqual(limit)
  })

  it('says nothing when nothing was left out', () => {
    expect(describeOmitted({ runs: 0, results: 0, bySeverity: {} })).toBeUndefined()
    expect(githubSarifLimits).toEqual({ maxRuns: 20, maxResultsPerRun: 25000, maxGzippedBytes: 10485760 })
  })
})

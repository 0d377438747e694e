import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { Log } from 'sarif'
import { rewriteSarifLocations } from '../../../src/report/sarif-locations.js'
import type { Finding } from '../../../src/scan/findings.js'
import type { MappedFinding, Origin } from '../../../src/scan/layer-map.js'

const fixtures = '__tests__/fixtures/images'

function fixture(name: string, file: string): string {
  return readFileSync(`${fixtures}/${name}/${file}`, 'utf8')
}

function finding(id: string, pkgName: string): Finding {
  return {
    id,
    pkgName,
    installedVersion: '1.0',
    severity: 'HIGH',
    target: 'image (alpine 3.10.2)',
    class: 'os-pkgs'
  }
}

describe('rewriteSarifLocations', () => {
  const sarif = JSON.parse(fixture('trivy-alpine-310', 'report.sarif')) as Log
  const base: Origin = {
    line: 1,
    instruction: 'FROM alpine:3.10 AS runtime',
    stage: 'runtime',
    fromBase: true,
    mapped: true,
    baseImage: 'alpine:3.10'
  }
  const run: Origin = {
    line: 4,
    instruction: 'RUN apk add openssl',
    stage: 'runtime',
    fromBase: false,
    mapped: true
  }
  const fallback: Origin = { ...base, fromBase: false, mapped: false }
  const findings: MappedFinding[] = [
    { ...finding('CVE-2019-1549', 'libcrypto1.1'), origin: base },
    { ...finding('CVE-2019-1549', 'libssl1.1'), origin: run }
  ]

  it('points each result at its Dockerfile line, and unmatched ones at the fallback', () => {
    const rewritten = rewriteSarifLocations(sarif, findings, 'services\\web\\Dockerfile', fallback)
    expect(
      rewritten.runs[0].results?.map((result) => [
        result.ruleId,
        result.locations,
        result.message.text?.split('\n').slice(-1)[0]
      ])
    ).toEqual([
      [
        'CVE-2019-1549',
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 1, endLine: 1 }
            },
            message: { text: 'testdata/fixtures/images/alpine-310.tar.gz: libcrypto1.1@1.1.1c-r0' }
          }
        ],
        'From the base image alpine:3.10 picked at line 1: FROM alpine:3.10 AS runtime'
      ],
      [
        'CVE-2019-1551',
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 1, endLine: 1 }
            },
            message: { text: 'testdata/fixtures/images/alpine-310.tar.gz: libcrypto1.1@1.1.1c-r0' }
          }
        ],
        "Layer not matched to a Dockerfile instruction: shown at the built stage's FROM (line 1)."
      ],
      [
        'CVE-2019-1549',
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 4, endLine: 4 }
            },
            message: { text: 'testdata/fixtures/images/alpine-310.tar.gz: libssl1.1@1.1.1c-r0' }
          }
        ],
        'Introduced at line 4: RUN apk add openssl'
      ],
      [
        'CVE-2019-1551',
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 1, endLine: 1 }
            },
            message: { text: 'testdata/fixtures/images/alpine-310.tar.gz: libssl1.1@1.1.1c-r0' }
          }
        ],
        "Layer not matched to a Dockerfile instruction: shown at the built stage's FROM (line 1)."
      ]
    ])
  })

  it('leaves the input log unchanged', () => {
    const before = JSON.stringify(sarif)
    rewriteSarifLocations(sarif, findings, 'Dockerfile', fallback)
    expect(JSON.stringify(sarif)).toBe(before)
  })

  it('finds the package in the location when the message does not name it, and falls back without either', () => {
    const log: Log = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'Trivy' } },
          results: [
            {
              ruleId: 'CVE-2019-1549',
              message: { text: 'no package line' },
              locations: [{ message: { text: 'image: libssl1.1@1.1.1c-r0' } }]
            },
            { ruleId: 'CVE-2019-1549', message: { text: 'nothing to match' } }
          ]
        }
      ]
    }
    const rewritten = rewriteSarifLocations(log, findings, 'Dockerfile', fallback)
    expect(rewritten.runs[0].results?.map((result) => [result.locations, result.message.text])).toEqual([
      [
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'Dockerfile' },
              region: { startLine: 4, endLine: 4 }
            },
            message: { text: 'image: libssl1.1@1.1.1c-r0' }
          }
        ],
        'no package line\nIntroduced at line 4: RUN apk add openssl'
      ],
      [
        [
          {
            physicalLocation: {
              artifactLocation: { uri: 'Dockerfile' },
              region: { startLine: 1, endLine: 1 }
            }
          }
        ],
        "nothing to match\nLayer not matched to a Dockerfile instruction: shown at the built stage's FROM (line 1)."
      ]
    ])
  })
})

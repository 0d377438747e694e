import { describe, expect, it } from '@jest/globals'
import {
  annotationsPerLevel,
  capAnnotations,
  emitAnnotations,
  findingAnnotations,
  type AnnotationPlan
} from '../../../src/report/annotations.js'
import type { Finding, Severity } from '../../../src/scan/findings.js'
import { mapFindings } from '../../../src/scan/layer-map.js'
import { RecordingLog } from '../doubles.js'
import { file, findings, map, mapped } from './fixture.js'

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

describe('findingAnnotations', () => {
  it.each<[string, Severity, AnnotationPlan[]]>([
    ['HIGH (the default) annotates CRITICAL and HIGH as errors', 'HIGH', [musl, muslUtils, bash]],
    ['CRITICAL only', 'CRITICAL', [musl, muslUtils]],
    [
      'LOW: MEDIUM and LOW as warnings, the unmapped one at the FROM',
      'LOW',
      [musl, muslUtils, bash, libssl, libidn]
    ]
  ])('%s', (_title, annotateSeverity, expected) => {
    expect(findingAnnotations(mapped, file, annotateSeverity)).toEqual(expected)
  })

  it('annotates a package once when every platform reports it', () => {
    const perPlatform = mapFindings(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({ ...findings[2], platform })),
      map
    )
    expect(findingAnnotations(perPlatform, file, 'HIGH')).toEqual([
      { ...bash, title: 'CVE-2019-18276: bash (HIGH) [linux/amd64]' }
    ])
  })

  it('orders the most severe first, then by line', () => {
    const shuffled = [mapped[4], mapped[2], mapped[3], mapped[1], mapped[0]]
    expect(findingAnnotations(shuffled, file, 'LOW')).toEqual([musl, muslUtils, bash, libssl, libidn])
  })
})

describe('capAnnotations: one budget per level for the whole step', () => {
  it('keeps everything within the budget', () => {
    expect(capAnnotations([musl, muslUtils, bash, libssl, libidn])).toEqual([
      musl,
      muslUtils,
      bash,
      libssl,
      libidn
    ])
  })

  it('fills the last slot of a level with one annotation that lists the rest, other levels untouched', () => {
    expect(capAnnotations([musl, muslUtils, bash, libssl, libidn], 2)).toEqual([
      musl,
      {
        level: 'error',
        file,
        line: 2,
        title: '2 more not annotated',
        message:
          'CVE-2019-14697: musl-utils (CRITICAL) (line 2), CVE-2019-18276: bash (HIGH) (line 19). The job summary lists them all.'
      },
      libssl,
      libidn
    ])
  })

  it('caps the findings of every image together at 10 per level', () => {
    const many = (image: string) =>
      mapFindings(
        Array.from({ length: 15 }, (_, index): Finding => ({
          ...findings[index % 2 === 0 ? 2 : 3],
          id: `CVE-2024-${image}${1000 + index}`
        })),
        map
      )
    const plans = capAnnotations(findingAnnotations([...many('1'), ...many('2')], file, 'LOW'))
    expect(annotationsPerLevel).toBe(10)
    expect([
      plans.filter((plan) => plan.level === 'error').length,
      plans.filter((plan) => plan.level === 'warning').length
    ]).toEqual([10, 10])
    expect(plans[9]).toMatchObject({ level: 'error', title: '7 more not annotated' })
    expect(plans[19]).toMatchObject({ level: 'warning', title: '5 more not annotated' })
  })

  it('lists at most 20 of the rest by name', () => {
    const plans = Array.from({ length: 40 }, (_, index): AnnotationPlan => ({
      ...libssl,
      title: `W${index}`
    }))
    const [, , rest] = capAnnotations(plans, 3)
    expect(rest.title).toBe('38 more not annotated')
    expect(rest.message).toBe(
      `${Array.from({ length: 20 }, (_, index) => `W${index + 2} (line 17)`).join(', ')}, and 18 more. The job summary lists them all.`
    )
  })
})

describe('emitAnnotations', () => {
  it('sends each plan to the log at its level with its file, line and title', () => {
    const log = new RecordingLog()
    emitAnnotations(log, [musl, libssl, { ...libidn, level: 'notice' }])
    expect(log.entries).toEqual([
      { level: 'error', text: musl.message, properties: { file, startLine: 2, title: musl.title } },
      { level: 'warning', text: libssl.message, properties: { file, startLine: 17, title: libssl.title } },
      { level: 'notice', text: libidn.message, properties: { file, startLine: 13, title: libidn.title } }
    ])
  })
})

import { describe, expect, it } from '@jest/globals'
import type { Log as SarifLog } from 'sarif'
import type { RawInputs } from '../../../src/config/values.js'
import type { ChecksResult } from '../../../src/dockerfile/phase.js'
import type { AnnotationPlan } from '../../../src/report/annotations.js'
import { publishFindings } from '../../../src/report/findings-upload.js'
import type { GateOutcome } from '../../../src/scan/gate.js'
import { contextFor } from '../../fixtures/events/runs.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'
import { mapped } from './fixture.js'

const { workspace } = makeWorkspace()
const context = contextFor('push_branch', { workspace })
const sarif = (name: string): SarifLog => ({
  version: '2.1.0',
  runs: [{ tool: { driver: { name } }, results: [] }]
})
const gate: GateOutcome = {
  scans: [],
  findings: mapped,
  counts: { critical: 2, high: 1, medium: 1, low: 1, unknown: 0 },
  layers: [],
  layersCompressed: true,
  sarif: [{ category: 'trivy/shop-web/3/', sarif: sarif('Trivy') }],
  scanner: 'Trivy',
  startedAt: new Date(0),
  finishedAt: new Date(0)
}
const check = (line: number): AnnotationPlan => ({
  level: 'warning',
  file: 'Dockerfile',
  line,
  title: `DL${line}: a Dockerfile check`,
  message: 'fix it'
})
const checks = (
  annotations: AnnotationPlan[] = [],
  uploads = [{ category: 'dockerfile/3/', sarif: sarif('checks') }]
): ChecksResult => ({
  findings: [[]],
  sarif: uploads,
  annotations
})
const github = () => ({ status: 202, data: { id: 'sarif-1' } })
const poll = (request: { route: string }) =>
  request.route.startsWith('POST') ? github() : { data: { processing_status: 'complete' } }

function publish(raw: RawInputs, result: ChecksResult = checks()) {
  const config = configOf(workspace, { repository: 'shop/web', 'github-token': 'ghs_x', ...raw })
  const runner = new ScriptedRunner({ github: poll })
  const log = new RecordingLog()
  return {
    runner,
    log,
    done: publishFindings({
      runner,
      log,
      config,
      context,
      checks: result,
      gates: { images: [raw.scan === 'false' ? undefined : gate], held: [undefined] }
    })
  }
}

describe('publishFindings', () => {
  it('annotates scan findings first, then the Dockerfile checks, under one budget for the step', async () => {
    const { log, done } = publish(
      { 'annotate-severity': 'LOW' },
      checks(Array.from({ length: 12 }, (_, index) => check(index + 1)))
    )
    await done
    const warnings = log.entries.filter((entry) => entry.level === 'warning')
    // 2 MEDIUM/LOW scan findings, then 7 of the 12 checks, then one listing the 5 that did not fit.
    expect(warnings).toHaveLength(10)
    expect(
      warnings.slice(0, 3).map((entry) => ('properties' in entry ? entry.properties?.title : ''))
    ).toEqual([
      'CVE-2019-1549: libssl1.1 (MEDIUM)',
      'CVE-2019-18224: libidn2-0 (LOW)',
      'DL1: a Dockerfile check'
    ])
    expect(warnings[9]).toMatchObject({ properties: { title: '5 more not annotated' } })
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(3)
  })

  it('uploads every SARIF of the step together: the scan’s and the Dockerfile checks’', async () => {
    const { runner, done } = publish({})
    await done
    expect(
      runner
        .plans()
        .flatMap((step) =>
          'github' in step && step.github.route.startsWith('POST') ? [step.github.summary] : []
        )
    ).toEqual([
      'code scanning, category trivy/shop-web/3/, 0 results',
      'code scanning, category dockerfile/3/, 0 results'
    ])
  })

  it('uploads the Dockerfile checks’ SARIF without a scan', async () => {
    const { runner, done } = publish({ scan: 'false' })
    await done
    expect(
      runner.plans().filter((step) => 'github' in step && step.github.route.startsWith('POST'))
    ).toHaveLength(1)
  })

  it('warns that the upload needs a token, and uploads nothing with sarif-upload: false or nothing to upload', async () => {
    const noToken = publish({ 'github-token': '' })
    await noToken.done
    expect(noToken.log.of('warning')).toContain("SARIF upload skipped: 'github-token' is empty.")
    expect(noToken.runner.steps).toEqual([])
    const off = publish({ 'sarif-upload': 'false' })
    await off.done
    expect([off.runner.steps, off.log.of('warning').filter((text) => text.startsWith('SARIF'))]).toEqual([
      [],
      []
    ])
    const nothing = publish({ scan: 'false', 'github-token': '' }, checks([], []))
    await nothing.done
    expect(nothing.log.entries).toEqual([])
  })
})

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../../../src/config/scan.js'
import { runGate, samePlatform, verifyScanned, type GateRequest } from '../../../src/scan/gate.js'
import { planScan, scanFiles, type TrivyWorkspace } from '../../../src/scan/trivy.js'
import type { TrivyReport } from '../../../src/scan/trivy-report.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'
import {
  config,
  diffIds,
  dockerfile,
  flag,
  playTrivy,
  report,
  stage,
  type Vulnerability
} from './trivy-double.js'

const trivy = (reports: Record<string, TrivyReport>) => new ScriptedRunner({ run: playTrivy(reports) })

const workspace: TrivyWorkspace = {
  trivy: 'trivy',
  dir: '/tmp/run/trivy',
  configFile: '/tmp/run/trivy/trivy.yaml',
  ignoreFile: '/tmp/run/trivy/trivyignore',
  cacheDir: '/home/runner/.cache/trivy',
  dbDockerConfig: '/tmp/run/trivy/db-docker-config'
}
const scan: ScanConfig = {
  trivyVersion: '0.75.0',
  trivyChecksum: { kind: 'none' },
  skipSetupTrivy: true,
  dbRepositories: [],
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
  failOn: 'CRITICAL',
  ignoreUnfixed: false,
  ignoreFiles: [],
  scanners: ['vuln'],
  pkgTypes: ['os', 'library'],
  sarifUpload: true,
  sarifCategory: '',
  keepBlocked: false,
  listAllPackages: false
}

function request(change: Partial<GateRequest> = {}): GateRequest {
  return {
    workspace,
    scan,
    report: {},
    dockerfile,
    stage,
    repository: 'shop/web',
    buildArgs: [{ key: 'APP_VERSION', value: '1.4.0' }],
    targets: [
      {
        reference: 'ecr-build-push-staging/shop/web:1-0',
        source: 'docker',
        platform: 'linux/amd64',
        expected: { diffIds }
      }
    ],
    dir: mkdtempSync(path.join(os.tmpdir(), 'gate-')),
    ...change
  }
}

const high: Vulnerability = ['CVE-2024-2398', 'curl', 'HIGH', 5]
const critical: Vulnerability = ['CVE-2023-45853', 'zlib1g', 'CRITICAL', 0]

describe('samePlatform', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm/v7', 'linux/arm/v7', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/arm', 'linux/arm/v7', false],
    ['linux/amd64', 'linux/arm64', false],
    ['linux/amd64/v2', 'linux/amd64', false]
  ])('%s scanned, %s built: %s', (scanned, built, same) => {
    expect(samePlatform(scanned, built)).toBe(same)
  })
})

describe('verifyScanned', () => {
  const target = { reference: 'r/shop/web@sha256:ab', source: 'remote' as const, platform: 'linux/arm64' }

  it.each<[string, TrivyReport, typeof target & { expected?: { diffIds?: string[] } }]>([
    ['the built platform and layers', report('linux/arm64', []), { ...target, expected: { diffIds } }],
    ['arm64 reported with its v8 variant', report('linux/arm64/v8', []), target],
    [
      'a report that does not say its platform',
      { ...report('linux/arm64', []), Metadata: { DiffIDs: diffIds } },
      target
    ],
    [
      'layers from the config when DiffIDs are missing',
      { ...report('linux/arm64', []), Metadata: { ImageConfig: config } },
      { ...target, platform: 'linux/amd64', expected: { diffIds } }
    ],
    ['nothing known to compare the layers with', report('linux/arm64', [], ['sha256:other']), target],
    [
      'a report that does not list the layers',
      { ...report('linux/arm64', []), Metadata: { ImageConfig: { os: 'linux', architecture: 'arm64' } } },
      { ...target, expected: { diffIds } }
    ]
  ])('passes %s', (_name, scanned, given) => {
    expect(verifyScanned(scanned, given)).toBeUndefined()
  })

  it('fails closed when Trivy scanned another platform', () => {
    expect(verifyScanned(report('linux/amd64', []), target)).toBe(
      'Trivy scanned linux/amd64 of r/shop/web@sha256:ab, but linux/arm64 was built: that platform was not scanned, so the image is not tagged.'
    )
  })

  it('fails closed when Trivy scanned other layers than the build made', () => {
    expect(
      verifyScanned(report('linux/arm64', [], diffIds.slice(1)), { ...target, expected: { diffIds } })
    ).toBe(
      'Trivy scanned an image with other layers than the one built (r/shop/web@sha256:ab, linux/arm64): the scan cannot vouch for it, so the image is not tagged.'
    )
  })
})

describe('runGate', () => {
  it('scans, maps findings to Dockerfile lines, sizes the layers and passes a clean image', async () => {
    const runner = trivy({ 'linux/amd64': report('linux/amd64', [high]) })
    const given = request()
    const outcome = await runGate(runner, new RecordingLog(), given)
    const files = scanFiles(given.dir, 'linux/amd64')
    expect(runner.plans()).toEqual(
      planScan(workspace, scan, given.targets[0], files).map((command) => ({ run: command }))
    )
    expect(runner.steps.every((step) => 'run' in step && step.options?.stream)).toBe(true)
    expect(outcome.blocked).toBeUndefined()
    expect(outcome.scans).toEqual([
      { platform: 'linux/amd64', ...files, counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 } }
    ])
    expect(outcome.counts).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 })
    expect(
      outcome.findings.map((finding) => [finding.id, finding.origin.line, finding.origin.instruction])
    ).toEqual([
      [
        'CVE-2024-2398',
        19,
        'RUN --mount=type=cache,target=/var/cache/app,sharing=locked echo "$APP_VERSION" > /app/built && dd …'
      ]
    ])
    expect(outcome.layers.map((layer) => [layer.size, layer.line, layer.fromBase])).toEqual([
      [1069020, 2, true],
      [176, 4, false],
      [32, 16, false],
      [138, 17, false],
      [173, 18, false],
      [512507, 19, false]
    ])
    expect([outcome.layersCompressed, outcome.scanner, outcome.sizeCheck]).toEqual([
      false,
      'Trivy 0.75.0',
      undefined
    ])
    expect(outcome.sarif).toHaveLength(1)
    expect(outcome.sarif[0].category).toBe('trivy/shop-web/production/')
    expect(outcome.sarif[0].sarif.runs[0].automationDetails).toEqual({ id: 'trivy/shop-web/production/' })
    expect(outcome.sarif[0].sarif.runs[0].results?.[0].locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'images/multistage-production/Dockerfile' },
          region: { startLine: 19, endLine: 19 }
        },
        message: { text: 'image: curl@1.0' }
      }
    ])
  })

  it('blocks on a finding at or above fail-on, naming it', async () => {
    const outcome = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', [high, critical]) }),
      new RecordingLog(),
      request()
    )
    expect(outcome.blocked).toBe(
      [
        'The image was not tagged: 1 finding blocks it (fail-on: CRITICAL blocks CRITICAL and above):',
        '  CVE-2023-45853 in zlib1g 1.0 → 1.1 (CRITICAL)',
        "Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'."
      ].join('\n')
    )
  })

  it('blocks an image over the size budget, measured as the daemon holds it (uncompressed)', async () => {
    const outcome = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', []) }),
      new RecordingLog(),
      request({ report: { maxImageSize: 1_000_000 } })
    )
    expect(outcome.sizeCheck).toMatchObject({ over: true, total: 1_582_046, budget: 1_000_000 })
    expect(outcome.blocked).toBe(outcome.sizeCheck?.message)
    expect(outcome.blocked).toMatch(
      /^The image is 1\.58 MB uncompressed, over the max-image-size budget of 1 MB by 582 kB\./
    )
  })

  it('blocks when Trivy scanned something else than what was built, even with no findings', async () => {
    const wrongPlatform = await runGate(
      trivy({ 'linux/arm64': report('linux/amd64', []) }),
      new RecordingLog(),
      request({ targets: [{ reference: 'r/w@sha256:ab', source: 'remote', platform: 'linux/arm64' }] })
    )
    expect(wrongPlatform.blocked).toBe(
      'Trivy scanned linux/amd64 of r/w@sha256:ab, but linux/arm64 was built: that platform was not scanned, so the image is not tagged.'
    )
    const otherLayers = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', [], diffIds.slice(0, 2)) }),
      new RecordingLog(),
      request()
    )
    expect(otherLayers.blocked).toMatch(/^Trivy scanned an image with other layers than the one built/)
  })

  it('blocks on problems the gate already knows, before the scan', async () => {
    const outcome = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', []) }),
      new RecordingLog(),
      request({ problems: ['The image has no linux/arm64 to scan: it is not tagged.'] })
    )
    expect(outcome.blocked).toBe('The image has no linux/arm64 to scan: it is not tagged.')
  })

  it('scans every platform of a pushed index: findings by platform, one SARIF category each, compressed sizes', async () => {
    const reference = 'r.example/shop/web@sha256:feed'
    const runner = trivy({
      'linux/amd64': report('linux/amd64', [high]),
      'linux/arm64': report('linux/arm64', [high, ['CVE-2005-2541', 'tar', 'LOW', 0]])
    })
    const outcome = await runGate(
      runner,
      new RecordingLog(),
      request({
        scan: { ...scan, sarifCategory: 'trivy/custom' },
        targets: [
          { reference, source: 'remote', platform: 'linux/amd64' },
          { reference, source: 'remote', platform: 'linux/arm64' }
        ]
      })
    )
    expect(
      runner.steps.map((step) => ('run' in step ? [step.run.args[0], flag(step.run, '--platform')] : []))
    ).toEqual([
      ['image', 'linux/amd64'],
      ['convert', undefined],
      ['image', 'linux/arm64'],
      ['convert', undefined]
    ])
    expect(outcome.findings.map((finding) => `${finding.id} ${finding.platform}`)).toEqual([
      'CVE-2024-2398 linux/amd64',
      'CVE-2024-2398 linux/arm64',
      'CVE-2005-2541 linux/arm64'
    ])
    expect(outcome.counts).toEqual({ critical: 0, high: 2, medium: 0, low: 1, unknown: 0 })
    expect(outcome.sarif.map((upload) => upload.category)).toEqual([
      'trivy/custom/linux-amd64/',
      'trivy/custom/linux-arm64/'
    ])
    expect(outcome.layersCompressed).toBe(true)
    expect(outcome.blocked).toBeUndefined()
  })

  it('sizes the layers the scan saw, by digest or else by diff id, with the Dockerfile line of each it can map', async () => {
    const scanned = report('linux/amd64', [])
    scanned.Metadata.Layers = [
      { DiffID: diffIds[0], Size: 10 },
      { DiffID: 'sha256:unknown', Digest: 'sha256:compressed', Size: 20 },
      { DiffID: 'sha256:unsized' }
    ]
    const log = new RecordingLog()
    const outcome = await runGate(trivy({ 'linux/amd64': scanned }), log, request())
    expect(log.of('info')).toEqual([])
    expect(outcome.layers).toEqual([
      { digest: diffIds[0], size: 10, instruction: 'FROM ${BASE_IMAGE} AS base', line: 2, fromBase: true },
      { digest: 'sha256:compressed', size: 20 },
      { digest: 'sha256:unsized', size: 0 }
    ])
  })

  it('takes a report without metadata or version as it is: no layers, scanned by Trivy, the mapping problem logged', async () => {
    const bare: TrivyReport = {
      SchemaVersion: 2,
      ArtifactName: 'image',
      Results: []
    } as unknown as TrivyReport
    const log = new RecordingLog()
    const outcome = await runGate(trivy({ 'linux/amd64': bare }), log, request())
    expect([outcome.layers, outcome.scanner, outcome.blocked]).toEqual([[], 'Trivy', undefined])
    expect(log.of('info')).toEqual(['Layer mapping: line 23 (CMD) has no matching image history entry'])
  })

  it('sizes the first platform of several, and calls the sizes compressed only when every platform came from the registry', async () => {
    const outcome = await runGate(
      trivy({
        'linux/amd64': report('linux/amd64', []),
        'linux/arm64': report('linux/arm64', [], diffIds.slice(0, 2))
      }),
      new RecordingLog(),
      request({
        targets: [
          { reference: 'r/w@sha256:ab', source: 'remote', platform: 'linux/amd64' },
          { reference: 'ecr-build-push-staging/shop/web:1-1', source: 'docker', platform: 'linux/arm64' }
        ]
      })
    )
    expect(outcome.layers).toHaveLength(diffIds.length)
    expect(outcome.layersCompressed).toBe(false)
  })

  it('keeps what VEX took out of the findings, with the statement, and says nothing of it otherwise', async () => {
    const vexed = report('linux/amd64', [])
    vexed.Results[0].ExperimentalModifiedFindings = [
      {
        Type: 'vulnerability',
        Status: 'not_affected',
        Statement: 'vulnerable_code_not_in_execute_path',
        Source: 'vex.json',
        Finding: {
          VulnerabilityID: 'CVE-2024-2398',
          PkgName: 'curl',
          InstalledVersion: '1.0',
          Severity: 'HIGH'
        }
      }
    ] as never
    const outcome = await runGate(trivy({ 'linux/amd64': vexed }), new RecordingLog(), request())
    expect(
      outcome.suppressed?.map((entry) => [entry.finding.id, entry.status, entry.statement, entry.source])
    ).toEqual([['CVE-2024-2398', 'not_affected', 'vulnerable_code_not_in_execute_path', 'vex.json']])
    const plain = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', []) }),
      new RecordingLog(),
      request()
    )
    expect('suppressed' in plain).toBe(false)
  })

  it('gives every reason it blocks, one per line: a known problem, then the findings', async () => {
    const outcome = await runGate(
      trivy({ 'linux/amd64': report('linux/amd64', [critical]) }),
      new RecordingLog(),
      request({ problems: ['The image has no linux/arm64 to scan: it is not tagged.'] })
    )
    expect(outcome.blocked?.split('\n').slice(0, 2)).toEqual([
      'The image has no linux/arm64 to scan: it is not tagged.',
      'The image was not tagged: 1 finding blocks it (fail-on: CRITICAL blocks CRITICAL and above):'
    ])
  })

  it('warns what GitHub’s SARIF limits left out of the upload', async () => {
    const play = playTrivy({ 'linux/amd64': report('linux/amd64', []) })
    const runner = new ScriptedRunner({
      run: (command) => {
        play(command)
        if (command.args[0] === 'convert') {
          const run = { tool: { driver: { name: 'Trivy' } }, results: [] }
          writeFileSync(
            flag(command, '--output')!,
            JSON.stringify({ version: '2.1.0', runs: Array(21).fill(run) })
          )
        }
        return {}
      }
    })
    const log = new RecordingLog()
    const outcome = await runGate(runner, log, request())
    expect(outcome.sarif[0].sarif.runs).toHaveLength(20)
    expect(log.of('warning')).toHaveLength(1)
  })

  describe('fail-on-new', () => {
    const failOnNew = { ...scan, failOn: 'HIGH' as const, failOnNew: true }
    const base = { kind: 'base-branch' as const, ref: 'main', tag: 'main', platforms: [] }
    const firstLine = async (comparison?: GateRequest['comparison']) =>
      (
        await runGate(
          trivy({ 'linux/amd64': report('linux/amd64', [high]) }),
          new RecordingLog(),
          request({ scan: failOnNew, ...(comparison ? { comparison } : {}) })
        )
      ).blocked?.split('\n')[0]

    it('names the image it compared with', async () => {
      expect(
        await firstLine({ ...base, image: 'r/shop/web:main', platforms: [{ platform: 'linux/amd64' }] })
      ).toBe(
        'The image was not tagged: 1 new finding blocks it (fail-on: HIGH blocks HIGH and above; fail-on-new: findings already in r/shop/web:main do not block):'
      )
    })

    it('says why there was nothing to compare with', async () => {
      expect(await firstLine({ ...base, note: 'main has no image yet' })).toBe(
        'The image was not tagged: 1 new finding blocks it (fail-on: HIGH blocks HIGH and above; fail-on-new: main has no image yet, so every finding counts as new):'
      )
      expect(await firstLine()).toBe(
        'The image was not tagged: 1 new finding blocks it (fail-on: HIGH blocks HIGH and above; fail-on-new: there is no image to compare with, so every finding counts as new):'
      )
    })
  })

  it('only prints the scans in a dry run, and passes', async () => {
    const runner = new ScriptedRunner({}, true)
    const before = new Date()
    const outcome = await runGate(runner, new RecordingLog(), request({ report: { maxImageSize: 1 } }))
    expect(runner.steps).toHaveLength(2)
    expect(outcome).toEqual({
      scans: [],
      findings: [],
      counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
      layers: [],
      layersCompressed: false,
      sarif: [],
      scanner: 'Trivy',
      startedAt: expect.any(Date),
      finishedAt: expect.any(Date)
    })
    expect(outcome.startedAt.getTime()).toBeGreaterThanOrEqual(before.getTime())
    expect(outcome.finishedAt.getTime()).toBeGreaterThanOrEqual(outcome.startedAt.getTime())
  })
})

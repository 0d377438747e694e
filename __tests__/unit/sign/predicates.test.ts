import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTrivyReport, type TrivyReport } from '../../../src/scan/trivy-report.js'
import { provenancePredicate, runFactsFromEnv, type RunFacts } from '../../../src/sign/provenance.js'
import { vulnPredicate, type GatePolicy } from '../../../src/sign/vuln.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'trivy')
/** A report as Trivy wrote it (every field kept), typed as the gate reads it. */
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as TrivyReport

const env = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo-org/shop',
  GITHUB_REPOSITORY_ID: '1296269',
  GITHUB_REPOSITORY_OWNER_ID: '9919',
  GITHUB_WORKFLOW_REF: 'octo-org/shop/.github/workflows/images.yml@refs/heads/main',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: '4f2c9ab1e0d6c8b7a5f4e3d2c1b0a9f8e7d6c5b4',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '8812',
  GITHUB_RUN_ATTEMPT: '2',
  RUNNER_ENVIRONMENT: 'github-hosted'
}
const run: RunFacts = runFactsFromEnv(env)
const policy: GatePolicy = {
  failOn: 'CRITICAL',
  severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
  ignoreUnfixed: false,
  scanners: ['vuln'],
  pkgTypes: ['os', 'library']
}
const started = new Date('2026-08-20T10:00:00Z')
const finished = new Date('2026-08-20T10:00:42Z')
const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'

describe('runFactsFromEnv', () => {
  it('reads the run, with the builder from the token’s job_workflow_ref when known', () => {
    expect(run).toEqual({
      serverUrl: 'https://github.com',
      repository: 'octo-org/shop',
      repositoryId: '1296269',
      repositoryOwnerId: '9919',
      workflowRef: 'octo-org/shop/.github/workflows/images.yml@refs/heads/main',
      builderId: 'https://github.com/octo-org/shop/.github/workflows/images.yml@refs/heads/main',
      ref: 'refs/heads/main',
      sha: '4f2c9ab1e0d6c8b7a5f4e3d2c1b0a9f8e7d6c5b4',
      eventName: 'push',
      runId: '8812',
      runAttempt: '2',
      runnerEnvironment: 'github-hosted'
    })
    expect(
      runFactsFromEnv(env, 'octo-org/ecr-build-push/.github/workflows/build-push.yml@refs/tags/v1').builderId
    ).toBe('https://github.com/octo-org/ecr-build-push/.github/workflows/build-push.yml@refs/tags/v1')
  })
})

describe('vulnPredicate', () => {
  const request = {
    artifactName: `${image}@sha256:${'1'.repeat(64)}`,
    policy,
    passed: true,
    trivyVersion: '0.75.0',
    database: { uri: 'pkg:oci/trivy-db?repository_url=mirror.gcr.io/aquasec/trivy-db', version: '2' },
    parameters: ['image', '--format', 'json', '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'],
    run,
    scanStartedOn: started,
    scanFinishedOn: finished
  }

  it('follows cosign’s vulnerability attestation schema, with Trivy’s report and the gate’s decision in result', () => {
    const report = fixture('alpine-310.json.golden')
    const predicate = vulnPredicate({ ...request, reports: [{ report }] })
    expect(predicate.invocation).toEqual({
      parameters: ['image', '--format', 'json', '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'],
      uri: 'https://github.com/octo-org/shop/actions/runs/8812/attempts/2',
      event_id: '8812',
      'builder.id': 'https://github.com/octo-org/shop/.github/workflows/images.yml@refs/heads/main'
    })
    expect(predicate.scanner.uri).toBe('pkg:github/aquasecurity/trivy@0.75.0')
    expect(predicate.scanner.version).toBe('0.75.0')
    expect(predicate.scanner.db).toEqual(request.database)
    expect(predicate.metadata).toEqual({
      scanStartedOn: '2026-08-20T10:00:00.000Z',
      scanFinishedOn: '2026-08-20T10:00:42.000Z'
    })
    const { Gate, ...trivy } = predicate.scanner.result
    // Trivy's report, exactly as Trivy wrote it: policies written against `trivy --format cosign-vuln` still apply.
    expect(trivy).toEqual(report)
    expect(Gate).toEqual({
      Tool: 'ecr-build-push',
      Passed: true,
      Policy: {
        FailOn: 'CRITICAL',
        Severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
        IgnoreUnfixed: false,
        Scanners: ['vuln'],
        PkgTypes: ['os', 'library']
      },
      Counts: { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 }
    })
  })

  it('merges an index’s platform reports into one, each target naming its platform', () => {
    const amd64 = fixture('alpine-310.json.golden')
    const arm64 = parseTrivyReport(
      readFileSync(path.join(fixtures, 'busybox-with-lockfile.json.golden'), 'utf8')
    )
    const predicate = vulnPredicate({
      ...request,
      policy: { ...policy, maxImageSize: 200_000_000 },
      reports: [
        { report: amd64, platform: 'linux/amd64' },
        { report: arm64, platform: 'linux/arm64' }
      ]
    })
    const result = predicate.scanner.result as unknown as TrivyReport & { Gate: Record<string, unknown> }
    expect(result.SchemaVersion).toBe(2)
    expect(result.ArtifactName).toBe(request.artifactName)
    expect(result.Results.map((entry) => entry.Target)).toEqual([
      ...amd64.Results.map((entry) => `${entry.Target} (linux/amd64)`),
      ...arm64.Results.map((entry) => `${entry.Target} (linux/arm64)`)
    ])
    expect(result.Gate.Counts).toEqual({ critical: 0, high: 1, medium: 5, low: 0, unknown: 0 })
    expect(result.Gate.Platforms).toEqual({
      'linux/amd64': { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 },
      'linux/arm64': { critical: 0, high: 1, medium: 1, low: 0, unknown: 0 }
    })
    expect((result.Gate.Policy as Record<string, unknown>).MaxImageSize).toBe(200_000_000)
  })

  it('records reported findings that do not block (fail-on: none)', () => {
    const predicate = vulnPredicate({
      ...request,
      policy: { ...policy, failOn: 'none' },
      reports: [{ report: fixture('debian-buster.json.golden') }]
    })
    expect(predicate.scanner.result.Gate.Counts).toEqual({
      critical: 1,
      high: 0,
      medium: 0,
      low: 1,
      unknown: 0
    })
  })

  it('never attests an image the gate blocked', () => {
    const reports = [{ report: fixture('debian-buster.json.golden') }]
    expect(() => vulnPredicate({ ...request, reports, passed: false })).toThrow(
      'Refusing to attest an image the gate blocked.'
    )
    expect(() => vulnPredicate({ ...request, reports })).toThrow(
      'Refusing to attest: 1 finding(s) in the report block it.'
    )
    expect(() => vulnPredicate({ ...request, reports: [] })).toThrow('needs the gate’s Trivy report')
  })
})

describe('provenancePredicate', () => {
  const inputs = {
    context: '.',
    file: 'Dockerfile',
    target: 'production',
    platforms: ['linux/amd64', 'linux/arm64'],
    'build-args': ['APP_VERSION']
  }

  it('writes SLSA provenance v1 from the run’s facts when buildx made none', () => {
    expect(provenancePredicate({ run, inputs, startedOn: started, finishedOn: finished })).toEqual({
      type: 'slsaprovenance1',
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: {
              ref: 'refs/heads/main',
              repository: 'https://github.com/octo-org/shop',
              path: '.github/workflows/images.yml'
            },
            inputs
          },
          internalParameters: {
            github: {
              event_name: 'push',
              repository_id: '1296269',
              repository_owner_id: '9919',
              runner_environment: 'github-hosted'
            }
          },
          resolvedDependencies: [
            {
              uri: 'git+https://github.com/octo-org/shop@refs/heads/main',
              digest: { gitCommit: '4f2c9ab1e0d6c8b7a5f4e3d2c1b0a9f8e7d6c5b4' }
            }
          ]
        },
        runDetails: {
          builder: { id: 'https://github.com/octo-org/shop/.github/workflows/images.yml@refs/heads/main' },
          metadata: {
            invocationId: 'https://github.com/octo-org/shop/actions/runs/8812/attempts/2',
            startedOn: '2026-08-20T10:00:00.000Z',
            finishedOn: '2026-08-20T10:00:42.000Z'
          }
        }
      }
    })
  })

  it('uses buildx’s own provenance where it made one, in its own version', () => {
    const v1 = {
      buildDefinition: { buildType: 'https://mobyproject.org/buildkit@v1' },
      runDetails: { builder: { id: 'x' } }
    }
    expect(provenancePredicate({ run, inputs, buildx: v1 })).toEqual({
      type: 'slsaprovenance1',
      predicate: v1
    })
    const v02 = {
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [{ uri: 'pkg:docker/busybox@local', digest: { sha256: '1'.repeat(64) } }],
      invocation: { configSource: { entryPoint: 'Dockerfile' } }
    }
    expect(provenancePredicate({ run, inputs, buildx: v02 })).toEqual({
      type: 'slsaprovenance02',
      predicate: v02
    })
    expect(provenancePredicate({ run, inputs, buildx: { unrelated: true } }).type).toBe('slsaprovenance1')
  })
})

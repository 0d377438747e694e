import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ConfigurationError } from '../../src/errors.js'
import type { Runner } from '../../src/run/command.js'
import { ExecRunner } from '../../src/run/exec.js'
import type { Finding, Severity } from '../../src/scan/findings.js'
import { findingsOf, parseTrivyReport } from '../../src/scan/trivy-report.js'
import {
  evaluateGate,
  mergeIgnoreFiles,
  parseScanInputs,
  planDbDownload,
  planScan,
  runDbDownload,
  runScan,
  scanSeverities,
  withoutEcrPublic,
  writeDbDockerConfig,
  type FailOn,
  type ScanInputs
} from '../../src/scan/scan.js'

const fixtures = process.env.STANDIN_TRIVY_FIXTURES ?? path.resolve('__tests__/fixtures/trivy')
const standIn = path.resolve('__tests__/support/stand-ins/trivy')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scan-test-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const defaults: ScanInputs = {
  'trivy-version': '0.75.0',
  'skip-setup-trivy': false,
  'trivy-db-repository': [],
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
  'fail-on': 'CRITICAL',
  'ignore-unfixed': false,
  trivyignores: [],
  scanners: ['vuln'],
  'pkg-types': ['os', 'library'],
  'sarif-upload': true,
  'sarif-category': ''
}

describe('parseScanInputs', () => {
  it('has defaults for everything', () => {
    expect(parseScanInputs({})).toEqual(defaults)
  })

  it('reads every input', () => {
    writeFileSync(path.join(dir, '.trivyignore'), 'CVE-2019-18276\n')
    expect(
      parseScanInputs(
        {
          'trivy-version': 'v0.70.0',
          'skip-setup-trivy': 'true',
          'trivy-db-repository': 'public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2',
          severity: 'high, critical',
          'fail-on': 'high',
          'ignore-unfixed': 'TRUE',
          trivyignores: '.trivyignore',
          scanners: 'vuln,secret',
          'pkg-types': 'os',
          'sarif-upload': 'false',
          'sarif-category': 'trivy/custom'
        },
        dir
      )
    ).toEqual({
      'trivy-version': '0.70.0',
      'skip-setup-trivy': true,
      'trivy-db-repository': ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      severity: ['CRITICAL', 'HIGH'],
      'fail-on': 'HIGH',
      'ignore-unfixed': true,
      trivyignores: [path.join(dir, '.trivyignore')],
      scanners: ['vuln', 'secret'],
      'pkg-types': ['os'],
      'sarif-upload': false,
      'sarif-category': 'trivy/custom'
    })
  })

  it.each([
    [
      { severity: 'HIGH,SEVERE' },
      "Input 'severity' has 'SEVERE': expected a comma-separated list of 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'."
    ],
    [
      { 'fail-on': 'HIGH,CRITICAL' },
      "Input 'fail-on' is 'HIGH,CRITICAL': expected one severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN, none); findings at or above it block the image."
    ],
    [
      { 'fail-on': 'never' },
      "Input 'fail-on' is 'never': expected one severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN, none); findings at or above it block the image."
    ],
    [
      { scanners: 'vuln,license' },
      "Input 'scanners' has 'license': expected a comma-separated list of 'vuln', 'secret', 'misconfig'."
    ],
    [
      { 'pkg-types': 'os,app' },
      "Input 'pkg-types' has 'app': expected a comma-separated list of 'os', 'library'."
    ],
    [
      { 'trivy-version': 'latest' },
      "Input 'trivy-version' is 'latest': expected a Trivy release version such as '0.75.0' (0.51.0 or later)."
    ],
    [
      { 'trivy-version': '0.50.1' },
      "Input 'trivy-version' is '0.50.1': expected a Trivy release version such as '0.75.0' (0.51.0 or later)."
    ],
    [{ 'ignore-unfixed': 'yes' }, "Input 'ignore-unfixed' is 'yes': expected 'true' or 'false'."],
    [
      { 'trivy-db-repository': 'https://ghcr.io/aquasecurity/trivy-db' },
      "Input 'trivy-db-repository' has 'https://ghcr.io/aquasecurity/trivy-db': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'."
    ]
  ])('%j', (raw, message) => {
    expect(() => parseScanInputs(raw)).toThrow(ConfigurationError)
    expect(() => parseScanInputs(raw)).toThrow(message)
  })

  it('names a trivyignores file that does not exist', () => {
    expect(() => parseScanInputs({ trivyignores: 'missing.txt' }, dir)).toThrow(
      `Input 'trivyignores' names ${path.join(dir, 'missing.txt')}, which is not a file.`
    )
  })

  it('refuses a YAML ignore file together with others', () => {
    writeFileSync(path.join(dir, '.trivyignore.yaml'), 'vulnerabilities: []\n')
    expect(() => parseScanInputs({ trivyignores: '.trivyignore,.trivyignore.yaml' }, dir)).toThrow(
      "Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one."
    )
  })
})

describe('scanSeverities', () => {
  it.each<[Severity[], FailOn, Severity[]]>([
    [
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
      'CRITICAL',
      ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']
    ],
    [['CRITICAL'], 'HIGH', ['CRITICAL', 'HIGH']],
    [['LOW'], 'MEDIUM', ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']],
    [['HIGH'], 'none', ['HIGH']]
  ])('severity %j + fail-on %s records %j', (severity, failOn, expected) => {
    expect(scanSeverities({ severity: [...severity], 'fail-on': failOn })).toEqual(expected)
  })
})

describe('planScan', () => {
  it('scans a local image from the daemon to JSON, then converts the JSON to SARIF', () => {
    expect(
      planScan({
        trivy: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
        imageRef: 'sha256:0123abcd',
        source: 'docker',
        reportPath: '/tmp/run/trivy.json',
        sarifPath: '/tmp/run/trivy.sarif',
        inputs: defaults
      })
    ).toEqual([
      {
        tool: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
        args: [
          'image',
          '--format',
          'json',
          '--output',
          '/tmp/run/trivy.json',
          '--severity',
          'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
          '--scanners',
          'vuln',
          '--pkg-types',
          'os,library',
          '--image-src',
          'docker',
          '--skip-db-update',
          '--no-progress',
          'sha256:0123abcd'
        ]
      },
      {
        tool: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
        args: ['convert', '--format', 'sarif', '--output', '/tmp/run/trivy.sarif', '/tmp/run/trivy.json']
      }
    ])
  })

  it('scans one platform of a pushed digest in the registry, with every policy flag', () => {
    const [scan] = planScan({
      trivy: 'trivy',
      imageRef: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:feed',
      source: 'remote',
      platform: 'linux/arm64',
      reportPath: 'r.json',
      sarifPath: 'r.sarif',
      ignoreFile: '/w/.trivyignore',
      inputs: {
        ...defaults,
        severity: ['CRITICAL'],
        'fail-on': 'HIGH',
        'ignore-unfixed': true,
        scanners: ['vuln', 'secret'],
        'pkg-types': ['os']
      }
    })
    expect(scan.args).toEqual([
      'image',
      '--format',
      'json',
      '--output',
      'r.json',
      '--severity',
      'CRITICAL,HIGH',
      '--scanners',
      'vuln,secret',
      '--pkg-types',
      'os',
      '--ignore-unfixed',
      '--ignorefile',
      '/w/.trivyignore',
      '--platform',
      'linux/arm64',
      '--image-src',
      'remote',
      '--skip-db-update',
      '--no-progress',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:feed'
    ])
  })

  it('needs no DB (and skips no DB update) when only secrets are scanned', () => {
    const [scan] = planScan({
      trivy: 'trivy',
      imageRef: 'img',
      source: 'docker',
      reportPath: 'r.json',
      sarifPath: 'r.sarif',
      inputs: { ...defaults, scanners: ['secret'] }
    })
    expect(scan.args).not.toContain('--skip-db-update')
    expect(scan.args).not.toContain('--pkg-types')
    expect(
      planDbDownload({
        trivy: 'trivy',
        dockerConfigDir: '/tmp/c',
        inputs: { ...defaults, scanners: ['secret'] }
      })
    ).toBeUndefined()
  })
})

describe('planDbDownload', () => {
  it.each([
    [[], { DOCKER_CONFIG: '/tmp/run/db-config' }],
    [
      ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      {
        DOCKER_CONFIG: '/tmp/run/db-config',
        TRIVY_DB_REPOSITORY: 'public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2'
      }
    ]
  ])('repositories %j', (repositories, env) => {
    expect(
      planDbDownload({
        trivy: 'trivy',
        dockerConfigDir: '/tmp/run/db-config',
        inputs: { scanners: ['vuln'], 'trivy-db-repository': repositories }
      })
    ).toEqual({ tool: 'trivy', args: ['image', '--download-db-only', '--no-progress'], env })
  })
})

describe('withoutEcrPublic', () => {
  it('drops ECR-Public logins and helpers, keeps the rest', () => {
    expect(
      withoutEcrPublic({
        auths: {
          'public.ecr.aws': { auth: 'expired' },
          'https://public.ecr.aws/v2/': { auth: 'x' },
          '123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: 'ok' }
        },
        credHelpers: { 'public.ecr.aws': 'ecr-login', 'mirror.example.com': 'pass' },
        credsStore: 'desktop'
      })
    ).toEqual({
      auths: { '123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: 'ok' } },
      credHelpers: { 'mirror.example.com': 'pass' },
      credsStore: 'desktop'
    })
  })

  it('writes the cleaned config from DOCKER_CONFIG, or {} when there is none', async () => {
    const source = path.join(dir, 'docker')
    mkdirSync(source)
    writeFileSync(
      path.join(source, 'config.json'),
      JSON.stringify({ auths: { 'public.ecr.aws': { auth: 'old' }, 'ghcr.io': { auth: 'a' } } })
    )
    const target = await writeDbDockerConfig(path.join(dir, 'db-config'), { DOCKER_CONFIG: source })
    expect(JSON.parse(readFileSync(path.join(target, 'config.json'), 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: 'a' } }
    })
    const empty = await writeDbDockerConfig(path.join(dir, 'db-config-empty'), {
      DOCKER_CONFIG: path.join(dir, 'nowhere')
    })
    expect(readFileSync(path.join(empty, 'config.json'), 'utf8')).toBe('{}')
  })
})

describe('mergeIgnoreFiles', () => {
  it('passes one file through and concatenates several', async () => {
    const a = path.join(dir, 'a.ignore')
    const b = path.join(dir, 'b.ignore')
    writeFileSync(a, 'CVE-1\n')
    writeFileSync(b, 'CVE-2\n')
    expect(await mergeIgnoreFiles([], path.join(dir, 'merged'))).toBeUndefined()
    expect(await mergeIgnoreFiles([a], path.join(dir, 'merged'))).toBe(a)
    expect(await mergeIgnoreFiles([a, b], path.join(dir, 'merged'))).toBe(path.join(dir, 'merged'))
    expect(readFileSync(path.join(dir, 'merged'), 'utf8')).toBe(`# ${a}\nCVE-1\n\n# ${b}\nCVE-2\n\n`)
  })
})

function findings(name: string, platform?: string): Finding[] {
  return findingsOf(parseTrivyReport(readFileSync(`${fixtures}/${name}.json.golden`, 'utf8')), platform)
}

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

  it('names secrets by file and line', () => {
    const secret: Finding = {
      id: 'aws-access-key-id',
      pkgName: '/app/.env',
      installedVersion: 'line 3',
      severity: 'CRITICAL',
      target: '/app/.env',
      class: 'secret'
    }
    expect(evaluateGate([secret], 'UNKNOWN').message?.split('\n').slice(0, 2)).toEqual([
      'The image was not tagged: 1 finding blocks it (fail-on: UNKNOWN blocks every finding):',
      '  aws-access-key-id in /app/.env line 3 (CRITICAL)'
    ])
  })
})

function standInRun(args: string[], env: Record<string, string> = {}) {
  return spawnSync(standIn, args, {
    encoding: 'utf8',
    env: { ...process.env, STANDIN_TRIVY_FIXTURES: fixtures, ...env }
  })
}

function standInReport(
  args: string[],
  env: Record<string, string> = {}
): ReturnType<typeof parseTrivyReport> {
  const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}.json`)
  const result = standInRun(['image', '--format', 'json', '--output', output, ...args], env)
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return parseTrivyReport(readFileSync(output, 'utf8'))
}

describe('the trivy stand-in', () => {
  it('says it is not Trivy', () => {
    expect(standInRun(['--version']).stdout).toBe(
      'Version: 0.0.0-standin (ecr-build-push test stand-in, not Trivy)\n'
    )
  })

  it.each([
    [[], ['CVE-2019-18276', 'CVE-2019-18224']],
    [['--severity', 'CRITICAL,HIGH'], ['CVE-2019-18224']],
    [['--severity=LOW'], ['CVE-2019-18276']],
    [['--ignore-unfixed'], ['CVE-2019-18224']],
    [['--severity', 'MEDIUM'], []]
  ])('honours %j on debian-buster', (flags, ids) => {
    expect(findingsOf(standInReport([...flags, 'shop/web:1'])).map((finding) => finding.id)).toEqual(ids)
  })

  it('filters debian-buster with --ignore-unfixed exactly into the debian-buster-ignore-unfixed golden report', () => {
    const report = standInReport(['--ignore-unfixed', 'testdata/fixtures/images/debian-buster.tar.gz'])
    expect(report).toEqual(
      parseTrivyReport(readFileSync(`${fixtures}/debian-buster-ignore-unfixed.json.golden`, 'utf8'))
    )
  })

  it('reports the scanned reference as the artifact and target', () => {
    const report = standInReport(['--image-src', 'remote', 'registry.local/shop/web@sha256:feed'], {
      STANDIN_TRIVY_REPORT: 'alpine-310'
    })
    expect(report.ArtifactName).toBe('registry.local/shop/web@sha256:feed')
    expect(report.Results.map((result) => result.Target)).toEqual([
      'registry.local/shop/web@sha256:feed (alpine 3.10.2)'
    ])
  })

  it('picks a report per platform and honours --ignorefile', () => {
    const env = { STANDIN_TRIVY_REPORT: 'debian-buster,linux/arm64=centos-7' }
    writeFileSync(path.join(dir, 'ignore'), '# accepted risk\nCVE-2019-1559\n')
    expect(
      findingsOf(standInReport(['--platform', 'linux/amd64', 'x'], env)).map((finding) => finding.id)
    ).toEqual(['CVE-2019-18276', 'CVE-2019-18224'])
    expect(
      findingsOf(
        standInReport(['--platform', 'linux/arm64', '--ignorefile', path.join(dir, 'ignore'), 'x'], env)
      ).map((finding) => finding.id)
    ).toEqual(['CVE-2019-18276', 'CVE-2018-0734'])
  })

  it('converts a JSON report into exactly the SARIF Trivy wrote for it', () => {
    const output = path.join(dir, 'alpine.sarif')
    const result = standInRun([
      'convert',
      '--format',
      'sarif',
      '--output',
      output,
      `${fixtures}/alpine-310.json.golden`
    ])
    expect(result.status).toBe(0)
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(
      JSON.parse(readFileSync(`${fixtures}/alpine-310.sarif.golden`, 'utf8'))
    )
  })

  it.each([
    [['image', '--format', 'json', '--severity', 'CRITICAL', '--exit-code', '3', 'x'], 3],
    [['image', '--format', 'json', '--severity', 'MEDIUM', '--exit-code', '3', 'x'], 0],
    [['image', '--download-db-only'], 0],
    [['image', '--made-up-flag', 'x'], 1]
  ])('%j exits %i', (args, status) => {
    expect(standInRun(args).status).toBe(status)
  })

  it('fails the DB download the way a rate-limited registry does, when asked to', () => {
    const result = standInRun(['image', '--download-db-only'], { STANDIN_TRIVY_FAIL_DB: '1' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('TOOMANYREQUESTS')
  })
})

describe('runScan and runDbDownload through the stand-in', () => {
  const saved: Record<string, string | undefined> = {}
  const overrides = () => ({
    STANDIN_TRIVY_FIXTURES: fixtures,
    STANDIN_TRIVY_LOG: path.join(dir, 'trivy.log'),
    STANDIN_TRIVY_REPORT: 'debian-buster',
    DOCKER_CONFIG: path.join(dir, 'job-docker')
  })

  beforeAll(() => {
    for (const [key, value] of Object.entries(overrides())) {
      saved[key] = process.env[key]
      process.env[key] = value
    }
    mkdirSync(path.join(dir, 'job-docker'), { recursive: true })
    writeFileSync(
      path.join(dir, 'job-docker', 'config.json'),
      JSON.stringify({ auths: { 'public.ecr.aws': { auth: 'expired' } } })
    )
  })

  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  it('downloads the DB without ECR-Public credentials, scans with the job docker config, and reads the findings', async () => {
    // Jest's process.env is a sandbox copy: only an explicit env reaches the child process.
    const exec = new ExecRunner()
    const runner: Runner = {
      run: (command, options) => exec.run({ ...command, env: command.env ?? {} }, options)
    }
    const inputs = { ...defaults, 'trivy-db-repository': ['public.ecr.aws/aquasecurity/trivy-db:2'] }
    await runDbDownload(runner, { trivy: standIn, inputs, tempDir: dir })
    const request = {
      trivy: standIn,
      imageRef: 'shop/web:scan',
      source: 'docker' as const,
      reportPath: path.join(dir, 'trivy.json'),
      sarifPath: path.join(dir, 'trivy.sarif'),
      inputs
    }
    const result = await runScan(runner, request)

    expect(result.counts).toEqual({ critical: 1, high: 0, medium: 0, low: 1, unknown: 0 })
    expect(result.findings.map((finding) => `${finding.id} ${finding.target}`)).toEqual([
      'CVE-2019-18276 shop/web:scan (debian 10.1)',
      'CVE-2019-18224 shop/web:scan (debian 10.1)'
    ])
    expect(result.reportPath).toBe(request.reportPath)
    const sarif = JSON.parse(readFileSync(result.sarifPath, 'utf8'))
    expect(
      sarif.runs[0].results.map((item: { ruleId: string; level: string }) => `${item.ruleId} ${item.level}`)
    ).toEqual(['CVE-2019-18276 note', 'CVE-2019-18224 error'])

    const log = readFileSync(path.join(dir, 'trivy.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> })
    const dbConfig = path.join(dir, 'trivy-db-docker-config')
    expect(log).toEqual([
      {
        argv: ['image', '--download-db-only', '--no-progress'],
        env: { DOCKER_CONFIG: dbConfig, TRIVY_DB_REPOSITORY: 'public.ecr.aws/aquasecurity/trivy-db:2' }
      },
      { argv: planScan(request)[0].args, env: { DOCKER_CONFIG: path.join(dir, 'job-docker') } },
      { argv: planScan(request)[1].args, env: { DOCKER_CONFIG: path.join(dir, 'job-docker') } }
    ])
    expect(JSON.parse(readFileSync(path.join(dbConfig, 'config.json'), 'utf8'))).toEqual({ auths: {} })
  })
})

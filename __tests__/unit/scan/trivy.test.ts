import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../../../src/config/scan.js'
import {
  planDbDownload,
  planScan,
  prepareTrivyWorkspace,
  scanFiles,
  trivyCacheDir,
  withoutEcrPublic,
  type TrivyWorkspace
} from '../../../src/scan/trivy.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-test-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const defaults: ScanConfig = {
  trivyVersion: '0.75.0',
  trivyChecksum: { kind: 'none' },
  skipSetupTrivy: false,
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

const workspace: TrivyWorkspace = {
  trivy: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
  dir: '/tmp/run/trivy',
  configFile: '/tmp/run/trivy/trivy.yaml',
  ignoreFile: '/tmp/run/trivy/trivyignore',
  cacheDir: '/home/runner/.cache/trivy',
  dbDockerConfig: '/tmp/run/trivy/db-docker-config'
}
const isolation = ['--config', '/tmp/run/trivy/trivy.yaml', '--cache-dir', '/home/runner/.cache/trivy']

describe('planScan', () => {
  it('scans one platform of an image in the daemon to JSON, isolated from the workspace, then converts the JSON to SARIF', () => {
    expect(
      planScan(
        workspace,
        defaults,
        { reference: 'ecr-build-push-staging/shop/web:1-0', source: 'docker', platform: 'linux/amd64' },
        {
          reportPath: '/tmp/run/0-production/trivy-linux-amd64.json',
          sarifPath: '/tmp/run/0-production/trivy-linux-amd64.sarif'
        }
      )
    ).toEqual([
      {
        tool: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
        args: [
          'image',
          '--config',
          '/tmp/run/trivy/trivy.yaml',
          '--cache-dir',
          '/home/runner/.cache/trivy',
          '--format',
          'json',
          '--output',
          '/tmp/run/0-production/trivy-linux-amd64.json',
          '--severity',
          'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
          '--scanners',
          'vuln',
          '--pkg-types',
          'os,library',
          '--ignorefile',
          '/tmp/run/trivy/trivyignore',
          '--platform',
          'linux/amd64',
          '--skip-db-update',
          '--no-progress',
          '--image-src',
          'docker',
          'ecr-build-push-staging/shop/web:1-0'
        ],
        cwd: '/tmp/run/trivy',
        dropEnvPrefixes: ['TRIVY_']
      },
      {
        tool: '/opt/hostedtoolcache/trivy/0.75.0/x64/trivy',
        args: [
          'convert',
          ...isolation,
          '--format',
          'sarif',
          '--output',
          '/tmp/run/0-production/trivy-linux-amd64.sarif',
          '/tmp/run/0-production/trivy-linux-amd64.json'
        ],
        cwd: '/tmp/run/trivy',
        dropEnvPrefixes: ['TRIVY_']
      }
    ])
  })

  it('scans one platform of a pushed digest in the registry, with every policy flag', () => {
    const [scan] = planScan(
      workspace,
      {
        ...defaults,
        severity: ['CRITICAL'],
        failOn: 'HIGH',
        ignoreUnfixed: true,
        scanners: ['vuln', 'secret'],
        pkgTypes: ['os']
      },
      {
        reference: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:feed',
        source: 'remote',
        platform: 'linux/arm64'
      },
      { reportPath: 'r.json', sarifPath: 'r.sarif' }
    )
    expect(scan).toEqual({
      tool: workspace.trivy,
      args: [
        'image',
        ...isolation,
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
        '/tmp/run/trivy/trivyignore',
        '--platform',
        'linux/arm64',
        '--skip-db-update',
        '--no-progress',
        '--image-src',
        'remote',
        '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@sha256:feed'
      ],
      cwd: '/tmp/run/trivy',
      dropEnvPrefixes: ['TRIVY_']
    })
  })

  it('lists every package, not only vulnerable ones, when an SBOM is made from the report', () => {
    const [scan] = planScan(
      workspace,
      { ...defaults, listAllPackages: true },
      { reference: 'img', source: 'docker', platform: 'linux/amd64' },
      { reportPath: 'r.json', sarifPath: 'r.sarif' }
    )
    expect(scan.args.slice(13, 18)).toEqual([
      '--pkg-types',
      'os,library',
      '--list-all-pkgs',
      '--ignorefile',
      '/tmp/run/trivy/trivyignore'
    ])
  })

  it('scans a single-image OCI layout with --input', () => {
    const [scan] = planScan(
      workspace,
      defaults,
      { reference: '/tmp/run/0-production/oci-linux-arm-v7', source: 'layout', platform: 'linux/arm/v7' },
      { reportPath: 'r.json', sarifPath: 'r.sarif' }
    )
    expect(scan.args.slice(-8)).toEqual([
      '--ignorefile',
      '/tmp/run/trivy/trivyignore',
      '--platform',
      'linux/arm/v7',
      '--skip-db-update',
      '--no-progress',
      '--input',
      '/tmp/run/0-production/oci-linux-arm-v7'
    ])
    expect(scan.args).not.toContain('--image-src')
  })

  it('needs no DB (and skips no DB update) when only secrets are scanned', () => {
    const [scan] = planScan(
      workspace,
      { ...defaults, scanners: ['secret'] },
      { reference: 'img', source: 'docker', platform: 'linux/amd64' },
      { reportPath: 'r.json', sarifPath: 'r.sarif' }
    )
    expect(scan.args).toEqual([
      'image',
      ...isolation,
      '--format',
      'json',
      '--output',
      'r.json',
      '--severity',
      'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
      '--scanners',
      'secret',
      '--ignorefile',
      '/tmp/run/trivy/trivyignore',
      '--platform',
      'linux/amd64',
      '--no-progress',
      '--image-src',
      'docker',
      'img'
    ])
    expect(planDbDownload(workspace, { ...defaults, scanners: ['secret'] })).toBeUndefined()
  })
})

describe('planDbDownload', () => {
  it.each([
    [[], []],
    [
      ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      ['--db-repository', 'public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2']
    ]
  ])('repositories %j', (dbRepositories, flags) => {
    expect(planDbDownload(workspace, { scanners: ['vuln'], dbRepositories })).toEqual({
      tool: workspace.trivy,
      args: ['image', ...isolation, '--download-db-only', '--no-progress', ...flags],
      cwd: '/tmp/run/trivy',
      dropEnvPrefixes: ['TRIVY_'],
      env: { DOCKER_CONFIG: '/tmp/run/trivy/db-docker-config' }
    })
  })
})

describe('scanFiles', () => {
  it('names the report and SARIF after the platform, in the image’s folder', () => {
    expect(scanFiles('/tmp/run/0-web', 'linux/arm/v7')).toEqual({
      reportPath: '/tmp/run/0-web/trivy-linux-arm-v7.json',
      sarifPath: '/tmp/run/0-web/trivy-linux-arm-v7.sarif'
    })
  })
})

describe('withoutEcrPublic', () => {
  it('drops ECR-Public logins and helpers, keeps the rest', () => {
    expect(
      withoutEcrPublic({
        auths: {
          'public.ecr.aws': { auth: 'expired' },
          'https://public.ecr.aws/v2/': { auth: 'x' },
          '123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: 'ok' },
          'public.ecr.aws.example.com': { auth: 'other' }
        },
        credHelpers: { 'public.ecr.aws': 'ecr-login', 'mirror.example.com': 'pass' },
        credsStore: 'desktop'
      })
    ).toEqual({
      auths: {
        '123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: 'ok' },
        'public.ecr.aws.example.com': { auth: 'other' }
      },
      credHelpers: { 'mirror.example.com': 'pass' },
      credsStore: 'desktop'
    })
    expect(withoutEcrPublic({})).toEqual({})
  })
})

describe('prepareTrivyWorkspace', () => {
  it('writes an empty config, the step’s ignore files as one, and the DB docker config without ECR-Public', async () => {
    const source = path.join(dir, 'docker')
    mkdirSync(source)
    writeFileSync(
      path.join(source, 'config.json'),
      JSON.stringify({ auths: { 'public.ecr.aws': { auth: 'old' }, 'ghcr.io': { auth: 'a' } } })
    )
    const a = path.join(dir, 'a.ignore')
    const b = path.join(dir, 'b.ignore')
    writeFileSync(a, 'CVE-1\n')
    writeFileSync(b, 'CVE-2\n')
    const folder = path.join(dir, 'trivy')
    const prepared = await prepareTrivyWorkspace(
      folder,
      'trivy',
      { ignoreFiles: [a, b] },
      { DOCKER_CONFIG: source }
    )
    expect(prepared).toEqual({
      trivy: 'trivy',
      dir: folder,
      configFile: path.join(folder, 'trivy.yaml'),
      ignoreFile: path.join(folder, 'trivyignore'),
      cacheDir: path.join(os.homedir(), '.cache', 'trivy'),
      dbDockerConfig: path.join(folder, 'db-docker-config')
    })
    expect(prepared.cacheDir).toBe(trivyCacheDir())
    expect(readFileSync(prepared.configFile, 'utf8')).toBe('')
    expect(readFileSync(prepared.ignoreFile, 'utf8')).toBe(`# ${a}\nCVE-1\n\n# ${b}\nCVE-2\n\n`)
    const dbConfig = path.join(prepared.dbDockerConfig, 'config.json')
    expect(JSON.parse(readFileSync(dbConfig, 'utf8'))).toEqual({ auths: { 'ghcr.io': { auth: 'a' } } })
    expect(statSync(dbConfig).mode & 0o777).toBe(0o600)
    expect(statSync(prepared.dbDockerConfig).mode & 0o777).toBe(0o700)
  })

  it('writes an empty ignore file without ignore files, and {} without a docker config', async () => {
    const folder = path.join(dir, 'trivy-empty')
    const prepared = await prepareTrivyWorkspace(
      folder,
      'trivy',
      { ignoreFiles: [] },
      { DOCKER_CONFIG: path.join(dir, 'nowhere') }
    )
    expect(readFileSync(prepared.ignoreFile, 'utf8')).toBe('')
    expect(readFileSync(path.join(prepared.dbDockerConfig, 'config.json'), 'utf8')).toBe('{}')
  })

  it('keeps the name of a single YAML ignore file, so Trivy reads its format', async () => {
    const yaml = path.join(dir, '.trivyignore.yaml')
    writeFileSync(yaml, 'vulnerabilities:\n  - id: CVE-1\n')
    const prepared = await prepareTrivyWorkspace(
      path.join(dir, 'trivy-yaml'),
      'trivy',
      { ignoreFiles: [yaml] },
      {}
    )
    expect(prepared.ignoreFile).toBe(path.join(dir, 'trivy-yaml', '.trivyignore.yaml'))
    expect(readFileSync(prepared.ignoreFile, 'utf8')).toBe('vulnerabilities:\n  - id: CVE-1\n')
  })
})

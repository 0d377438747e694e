import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseScanConfig, type ScanConfig } from '../../../src/config/scan.js'
import { ConfigurationError } from '../../../src/errors.js'
import { makeWorkspace } from './workspace.js'

const { workspace, runnerTemp } = makeWorkspace({
  '.trivyignore': 'CVE-2019-18276\n',
  'security/.trivyignore.yaml': 'vulnerabilities: []\n'
})
writeFileSync(path.join(runnerTemp, 'generated.trivyignore'), 'CVE-1\n')
const roots = { workspace, runnerTemp }

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

describe('parseScanConfig', () => {
  it('has defaults for everything', () => {
    expect(parseScanConfig({}, roots)).toEqual(defaults)
  })

  it('reads every input, lists in their canonical order without repeats', () => {
    expect(
      parseScanConfig(
        {
          'trivy-version': 'v0.70.0',
          'trivy-checksum': 'AB'.repeat(32),
          'skip-setup-trivy': 'true',
          'trivy-db-repository': 'public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2',
          severity: 'high, critical,HIGH',
          'fail-on': 'high',
          'ignore-unfixed': 'TRUE',
          trivyignores: `.trivyignore, ${path.join(runnerTemp, 'generated.trivyignore')}`,
          scanners: 'secret,vuln',
          'pkg-types': 'os',
          'sarif-upload': 'false',
          'sarif-category': 'trivy/custom',
          'keep-blocked': 'true'
        },
        roots
      )
    ).toEqual({
      trivyVersion: '0.70.0',
      trivyChecksum: { kind: 'sha256', sha256: 'ab'.repeat(32) },
      skipSetupTrivy: true,
      dbRepositories: ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      severity: ['CRITICAL', 'HIGH'],
      failOn: 'HIGH',
      ignoreUnfixed: true,
      ignoreFiles: [path.join(workspace, '.trivyignore'), path.join(runnerTemp, 'generated.trivyignore')],
      scanners: ['vuln', 'secret'],
      pkgTypes: ['os'],
      sarifUpload: false,
      sarifCategory: 'trivy/custom',
      keepBlocked: true,
      listAllPackages: false
    })
  })

  it.each([
    ['none', 'none'],
    ['UNKNOWN', 'UNKNOWN'],
    ['Medium', 'MEDIUM']
  ])('fail-on %s', (value, expected) => {
    expect(parseScanConfig({ 'fail-on': value }, roots).failOn).toBe(expected)
  })

  it('takes a single YAML ignore file', () => {
    expect(parseScanConfig({ trivyignores: 'security/.trivyignore.yaml' }, roots).ignoreFiles).toEqual([
      path.join(workspace, 'security/.trivyignore.yaml')
    ])
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
    [{ 'keep-blocked': 'always' }, "Input 'keep-blocked' is 'always': expected 'true' or 'false'."],
    [
      { 'trivy-db-repository': 'https://ghcr.io/aquasecurity/trivy-db' },
      "Input 'trivy-db-repository' has 'https://ghcr.io/aquasecurity/trivy-db': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'."
    ],
    [
      { 'trivy-db-repository': '--insecure' },
      "Input 'trivy-db-repository' has '--insecure': expected OCI repositories without a scheme"
    ],
    [{ 'sarif-category': 'a\nb' }, "Input 'sarif-category' has more than one line: expected a single value."]
  ])('%j', (raw, message) => {
    expect(() => parseScanConfig(raw, roots)).toThrow(ConfigurationError)
    expect(() => parseScanConfig(raw, roots)).toThrow(message)
  })

  it('names a trivyignores file that does not exist', () => {
    expect(() => parseScanConfig({ trivyignores: 'missing.txt' }, roots)).toThrow(
      new ConfigurationError(
        `Input 'trivyignores' is 'missing.txt': no file at ${path.join(workspace, 'missing.txt')}.`
      )
    )
  })

  it('refuses a trivyignores file outside the workspace and RUNNER_TEMP', () => {
    expect(() => parseScanConfig({ trivyignores: '/etc/hostname' }, roots)).toThrow(
      "Input 'trivyignores' names '/etc/hostname', which is outside the workspace and RUNNER_TEMP"
    )
  })

  it('refuses a YAML ignore file together with others', () => {
    expect(() => parseScanConfig({ trivyignores: '.trivyignore,security/.trivyignore.yaml' }, roots)).toThrow(
      new ConfigurationError(
        "Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one."
      )
    )
  })

  it('refuses a release other than the pinned one without its sha256, before the build', () => {
    expect(() => parseScanConfig({ 'trivy-version': '0.70.0' }, roots)).toThrow(
      "Input 'trivy-version' is '0.70.0', which is not the release ecr-build-push pins (0.75.0): set 'trivy-checksum'"
    )
    expect(() =>
      parseScanConfig({ 'trivy-version': '0.70.0', 'skip-setup-trivy': 'true' }, roots)
    ).not.toThrow()
  })
})

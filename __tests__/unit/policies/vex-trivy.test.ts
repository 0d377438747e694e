import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../../../src/config/scan.js'
import { ConfigurationError, ServiceError } from '../../../src/errors.js'
import { downloadVex, planScan, prepareTrivyWorkspace } from '../../../src/scan/trivy.js'
import { parseTrivyReport, suppressedOf } from '../../../src/scan/trivy-report.js'

const root = mkdtempSync(path.join(tmpdir(), 'policies-vex-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const openVex = JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] })
const workspaceFile = path.join(root, 'shop.openvex.json')
writeFileSync(workspaceFile, openVex)

/** A fetch that answers one URL, after following `redirected` to where it says. */
function fetchOf(body: string, status = 200, finalUrl?: string): typeof fetch {
  return (async (input: string | URL | Request) =>
    ({
      url: finalUrl ?? String(input),
      status,
      ok: status >= 200 && status < 300,
      text: async () => body
    }) as Response) as typeof fetch
}

const scan = {
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
  failOn: 'CRITICAL',
  ignoreUnfixed: false,
  scanners: ['vuln'],
  pkgTypes: ['os', 'library'],
  listAllPackages: false
} as unknown as ScanConfig

describe("VEX documents in Trivy's own folder", () => {
  it('writes each file as checked and downloads each URL there, in order, and passes them with --show-suppressed', async () => {
    const dir = path.join(root, 'trivy')
    // The workspace's file changed after the config stage read and checked it (a symlink swapped, the build):
    // the scan gets the document that was checked.
    writeFileSync(workspaceFile, '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}')
    const workspace = await prepareTrivyWorkspace(
      dir,
      'trivy',
      {
        ignoreFiles: [],
        vex: [
          { kind: 'file', path: workspaceFile, text: openVex, line: 1 },
          { kind: 'url', url: 'https://vex.example.com/vendor.json', line: 2 }
        ]
      },
      {},
      fetchOf(openVex.replace('statements', 'statements'))
    )
    expect(workspace.vexFiles).toEqual([
      path.join(dir, 'vex', '1-shop.openvex.json'),
      path.join(dir, 'vex', '2-downloaded.json')
    ])
    for (const file of workspace.vexFiles ?? []) {
      expect(readFileSync(file, 'utf8')).toBe(openVex)
      expect(statSync(file).mode & 0o777).toBe(0o600)
    }
    writeFileSync(workspaceFile, openVex)

    const [command] = planScan(
      workspace,
      scan,
      { reference: 'r@sha256:1', source: 'remote', platform: 'linux/amd64' },
      {
        reportPath: '/tmp/r.json',
        sarifPath: '/tmp/r.sarif'
      }
    )
    const at = command.args.indexOf('--ignorefile')
    expect(command.args.slice(at, at + 8)).toEqual([
      '--ignorefile',
      workspace.ignoreFile,
      '--vex',
      workspace.vexFiles![0],
      '--vex',
      workspace.vexFiles![1],
      '--show-suppressed',
      '--platform'
    ])
  })

  it('adds no VEX flag without documents', async () => {
    const workspace = await prepareTrivyWorkspace(path.join(root, 'plain'), 'trivy', { ignoreFiles: [] }, {})
    expect(workspace.vexFiles).toBeUndefined()
    const [command] = planScan(
      workspace,
      scan,
      { reference: 'r', source: 'docker', platform: 'linux/amd64' },
      {
        reportPath: '/tmp/r.json',
        sarifPath: '/tmp/r.sarif'
      }
    )
    expect(command.args).not.toContain('--vex')
    expect(command.args).not.toContain('--show-suppressed')
  })
})

describe('downloadVex', () => {
  const source = { kind: 'url' as const, url: 'https://vex.example.com/shop.json', line: 3 }

  it.each([
    [
      'a redirect to http',
      fetchOf(openVex, 200, 'http://vex.example.com/shop.json'),
      ConfigurationError,
      "Line 3 of 'vex' (https://vex.example.com/shop.json) redirects to http://vex.example.com/shop.json"
    ],
    ['a 404', fetchOf('', 404), ConfigurationError, 'answers 404: no document there'],
    ['a 503', fetchOf('', 503), ServiceError, 'HTTP 503'],
    [
      'a CycloneDX document',
      fetchOf(JSON.stringify({ bomFormat: 'CycloneDX' })),
      ConfigurationError,
      'is a CycloneDX VEX document'
    ],
    ['an HTML page', fetchOf('<html></html>'), ConfigurationError, 'is not JSON'],
    [
      'a network failure',
      (async () => {
        throw new Error('getaddrinfo ENOTFOUND vex.example.com')
      }) as unknown as typeof fetch,
      ServiceError,
      "Could not download https://vex.example.com/shop.json (line 3 of 'vex'): getaddrinfo ENOTFOUND"
    ]
  ])('refuses %s', async (_title, fetchUrl, type, message) => {
    const attempt = downloadVex(source, fetchUrl)
    await expect(attempt).rejects.toBeInstanceOf(type)
    await expect(attempt).rejects.toThrow(message)
  })

  it('returns the document', async () => {
    await expect(downloadVex(source, fetchOf(openVex))).resolves.toBe(openVex)
  })
})

describe('suppressedOf', () => {
  it('reads what --show-suppressed kept, with the status, justification and source', () => {
    const report = parseTrivyReport(
      JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: 'shop/web',
        Results: [
          {
            Target: 'shop/web (debian 10.1)',
            Class: 'os-pkgs',
            Vulnerabilities: [],
            ExperimentalModifiedFindings: [
              {
                Type: 'vulnerability',
                Status: 'not_affected',
                Statement: 'vulnerable_code_not_in_execute_path',
                Source: 'OpenVEX',
                Finding: {
                  VulnerabilityID: 'CVE-2019-18224',
                  PkgName: 'libidn2-0',
                  InstalledVersion: '2.0.5-1',
                  Severity: 'CRITICAL'
                }
              },
              {
                Type: 'vulnerability',
                Status: 'ignored',
                Source: '/tmp/trivy/trivyignore',
                Finding: {
                  VulnerabilityID: 'CVE-2019-18276',
                  PkgName: 'bash',
                  InstalledVersion: '5.0-4',
                  Severity: 'LOW'
                }
              },
              { Type: 'misconfiguration', Status: 'ignored', Finding: { ID: 'DS002' } }
            ]
          }
        ]
      })
    )
    expect(suppressedOf(report, 'linux/arm64')).toEqual([
      {
        finding: {
          id: 'CVE-2019-18224',
          pkgName: 'libidn2-0',
          installedVersion: '2.0.5-1',
          severity: 'CRITICAL',
          target: 'shop/web (debian 10.1)',
          class: 'os-pkgs',
          platform: 'linux/arm64'
        },
        status: 'not_affected',
        statement: 'vulnerable_code_not_in_execute_path',
        source: 'OpenVEX'
      },
      {
        finding: expect.objectContaining({ id: 'CVE-2019-18276' }),
        status: 'ignored',
        statement: '',
        source: '/tmp/trivy/trivyignore'
      }
    ])
  })
})

import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../../../src/config/scan.js'
import { ServiceError } from '../../../src/errors.js'
import type { Command, Runner } from '../../../src/run/command.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { baseComparisonOf } from '../../../src/scan/base.js'
import { scanComparison } from '../../../src/scan/comparison.js'
import type { TrivyWorkspace } from '../../../src/scan/trivy.js'

const dir = mkdtempSync(path.join(tmpdir(), 'policies-compare-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const workspace: TrivyWorkspace = {
  trivy: 'trivy',
  dir: '/tmp/trivy',
  configFile: '/tmp/trivy/trivy.yaml',
  ignoreFile: '/tmp/trivy/trivyignore',
  cacheDir: '/home/runner/.cache/trivy',
  dbDockerConfig: '/tmp/trivy/db-docker-config'
}
const scan = {
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
  failOn: 'CRITICAL',
  ignoreUnfixed: false,
  scanners: ['vuln'],
  pkgTypes: ['os', 'library'],
  listAllPackages: false
} as unknown as ScanConfig

const index = JSON.stringify({
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { digest: 'sha256:amd', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:att', platform: { os: 'unknown', architecture: 'unknown' } }
  ]
})
const amdManifest = JSON.stringify({
  layers: [
    { digest: 'sha256:l1', size: 1000 },
    { digest: 'sha256:l2', size: 234 }
  ]
})

function report(platform: string, ids: string[]) {
  const [os, architecture] = platform.split('/')
  return {
    SchemaVersion: 2,
    ArtifactName: 'x',
    Metadata: { ImageConfig: { os, architecture } },
    Results: [
      {
        Target: 'x (debian 10.1)',
        Class: 'os-pkgs',
        Vulnerabilities: ids.map((id) => ({
          VulnerabilityID: id,
          PkgName: 'libidn2-0',
          InstalledVersion: '2.0.5-1',
          Severity: 'CRITICAL'
        }))
      }
    ]
  }
}

/** Answers BatchGetImage from `images` (by tag or digest) and writes a report for each scan it is asked to run. */
function fakeRunners(
  images: Record<string, { digest: string; manifest: string }>,
  reports: Record<string, object>
) {
  const commands: Command[] = []
  const requests: EcrRequest[] = []
  const runner: Runner = {
    dryRun: false,
    async run(command) {
      commands.push(command)
      const platform = command.args[command.args.indexOf('--platform') + 1]
      const output = command.args[command.args.indexOf('--output') + 1]
      writeFileSync(output, JSON.stringify(reports[platform] ?? report(platform, [])))
      return { exitCode: 0, stdout: '', stderr: '' }
    },
    async ecr(request) {
      requests.push(request)
      const id = (request.input as { imageIds: Array<{ imageTag?: string; imageDigest?: string }> })
        .imageIds[0]
      const image = images[id.imageTag ?? id.imageDigest ?? '']
      return (
        image
          ? { images: [{ imageId: { imageDigest: image.digest }, imageManifest: image.manifest }] }
          : { images: [], failures: [{ failureCode: 'ImageNotFound' }] }
      ) as never
    },
    async github() {
      throw new Error('no GitHub here')
    },
    async write() {}
  }
  return { runner, commands, requests }
}

const request = (platforms: string[]) => ({
  workspace,
  scan,
  ref: { repository: 'shop/web' },
  image: 'registry/shop/web',
  target: { kind: 'base-branch' as const, ref: 'main', tag: 'main' },
  platforms,
  dir
})

describe('scanComparison', () => {
  it('reads the tag once, then scans each platform by that digest, through the isolated Trivy', async () => {
    const { runner, commands } = fakeRunners(
      {
        main: { digest: 'sha256:index', manifest: index },
        'sha256:index': { digest: 'sha256:index', manifest: index },
        'sha256:amd': { digest: 'sha256:amd', manifest: amdManifest }
      },
      { 'linux/amd64': report('linux/amd64', ['CVE-2019-18224']) }
    )
    const comparison = await scanComparison(runner, runner, request(['linux/amd64', 'linux/arm64']))
    expect(commands.map((command) => command.args.at(-1))).toEqual(['registry/shop/web:main@sha256:index'])
    expect(commands[0].args.slice(0, 5)).toEqual([
      'image',
      '--config',
      '/tmp/trivy/trivy.yaml',
      '--cache-dir',
      '/home/runner/.cache/trivy'
    ])
    expect(commands[0].args).toEqual(
      expect.arrayContaining(['--platform', 'linux/amd64', '--image-src', 'remote'])
    )
    expect(comparison).toEqual({
      kind: 'base-branch',
      ref: 'main',
      tag: 'main',
      image: 'registry/shop/web:main',
      digest: 'sha256:index',
      platforms: [
        {
          platform: 'linux/amd64',
          findings: [expect.objectContaining({ id: 'CVE-2019-18224', platform: 'linux/amd64' })]
        },
        { platform: 'linux/arm64' }
      ],
      size: 1234,
      note: 'registry/shop/web:main has no linux/arm64'
    })
  })

  it('leaves out a platform Trivy did not scan as asked', async () => {
    const single = JSON.stringify({ config: { digest: 'sha256:cfg' }, layers: [] })
    const { runner } = fakeRunners(
      { main: { digest: 'sha256:single', manifest: single } },
      { 'linux/arm64': report('linux/amd64', ['CVE-2019-18224']) }
    )
    const comparison = await scanComparison(runner, runner, request(['linux/arm64']))
    expect(comparison.platforms).toEqual([{ platform: 'linux/arm64' }])
  })

  it('says there is no image when the tag does not exist, and scans nothing', async () => {
    const { runner, commands } = fakeRunners({}, {})
    const comparison = await scanComparison(runner, runner, request(['linux/amd64']))
    expect(comparison).toEqual({
      kind: 'base-branch',
      ref: 'main',
      tag: 'main',
      platforms: [{ platform: 'linux/amd64' }],
      note: 'registry/shop/web:main does not exist'
    })
    expect(commands).toEqual([])
  })

  it('gives the pull request comment every platform’s findings and the first platform’s size', async () => {
    const { runner } = fakeRunners(
      {
        main: { digest: 'sha256:index', manifest: index },
        'sha256:index': { digest: 'sha256:index', manifest: index },
        'sha256:amd': { digest: 'sha256:amd', manifest: amdManifest }
      },
      { 'linux/amd64': report('linux/amd64', ['CVE-2019-18224']) }
    )
    const base = baseComparisonOf(await scanComparison(runner, runner, request(['linux/amd64'])))
    expect(base).toEqual({
      ref: 'main',
      image: 'registry/shop/web:main',
      findings: [expect.objectContaining({ id: 'CVE-2019-18224' })],
      size: 1234
    })
    expect(baseComparisonOf({ kind: 'base-branch', ref: 'main', platforms: [] })).toEqual({ ref: 'main' })
  })

  it('sizes a single-manifest comparison image directly', async () => {
    const { runner } = fakeRunners(
      {
        main: { digest: 'sha256:single', manifest: amdManifest },
        'sha256:single': { digest: 'sha256:single', manifest: amdManifest }
      },
      { 'linux/amd64': report('linux/amd64', []) }
    )
    const comparison = await scanComparison(runner, runner, request(['linux/amd64']))
    expect([comparison.size, comparison.platforms]).toEqual([
      1234,
      [{ platform: 'linux/amd64', findings: [] }]
    ])
  })

  it('lets a registry it cannot read fail, scanning nothing: the gate warns and counts every finding as new', async () => {
    const { runner, commands } = fakeRunners({}, {})
    const denied: Runner = {
      ...runner,
      ecr: async () => {
        throw new ServiceError(
          'ECR BatchGetImage failed: AccessDeniedException: denied',
          'AccessDeniedException'
        )
      }
    }
    await expect(scanComparison(runner, denied, request(['linux/amd64']))).rejects.toThrow(
      'AccessDeniedException'
    )
    expect(commands).toEqual([])
  })
})

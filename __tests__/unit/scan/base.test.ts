import { describe, expect, it } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../../../src/config/scan.js'
import { manifestMediaTypes } from '../../../src/release/manifests.js'
import { ServiceError } from '../../../src/errors.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { scanBase, type BaseRequest } from '../../../src/scan/base.js'
import { planScan } from '../../../src/scan/trivy.js'
import { ScriptedRunner } from '../doubles.js'
import { playTrivy, report } from './trivy-double.js'

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
const request = (dir: string): BaseRequest => ({
  repository: 'shop/web',
  registryId: '123456789012',
  workspace: {
    trivy: 'trivy',
    dir: '/tmp/run/trivy',
    configFile: '/tmp/run/trivy/trivy.yaml',
    ignoreFile: '/tmp/run/trivy/trivyignore',
    cacheDir: '/home/runner/.cache/trivy',
    dbDockerConfig: '/tmp/run/trivy/db-docker-config'
  },
  scan,
  image: 'r.example/shop/web',
  baseRef: 'main',
  baseTag: 'main',
  platform: 'linux/arm64',
  dir
})
const child = (n: number) => `sha256:${String(n).repeat(64)}`
const index = JSON.stringify({
  manifests: [
    { digest: child(1), platform: { os: 'linux', architecture: 'amd64' } },
    { digest: child(2), platform: { os: 'linux', architecture: 'arm64' } },
    { digest: child(3), platform: { os: 'unknown', architecture: 'unknown' } }
  ]
})
const layers = (...sizes: number[]) =>
  JSON.stringify({ layers: sizes.map((size, n) => ({ digest: child(n), size })) })

function registry(images: Record<string, string>) {
  return (request: EcrRequest) => {
    if (request.operation !== 'BatchGetImage') return undefined
    const [id] = (request.input as { imageIds: Array<{ imageTag?: string; imageDigest?: string }> }).imageIds
    const manifest = images[id.imageTag ?? id.imageDigest ?? '']
    return manifest
      ? { images: [{ imageId: id, imageManifest: manifest }] }
      : { images: [], failures: [{ failureCode: 'ImageNotFound' }] }
  }
}

describe('scanBase', () => {
  it('sizes the base branch’s image for the platform, scans it the same way and reads its findings', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'base-'))
    const probe = new ScriptedRunner({
      ecr: registry({ main: index, [child(2)]: layers(1000, 24) }),
      run: playTrivy({ 'linux/arm64': report('linux/arm64', [['CVE-2005-2541', 'tar', 'LOW', 0]]) })
    })
    const comparison = await scanBase(probe, request(dir))
    expect(comparison).toEqual({
      ref: 'main',
      image: 'r.example/shop/web:main',
      findings: [expect.objectContaining({ id: 'CVE-2005-2541', pkgName: 'tar' })],
      size: 1024
    })
    const get = (id: Record<string, string>) => ({
      ecr: {
        operation: 'BatchGetImage',
        input: {
          registryId: '123456789012',
          repositoryName: 'shop/web',
          imageIds: [id],
          acceptedMediaTypes: manifestMediaTypes
        }
      }
    })
    const steps = probe.plans()
    expect(steps.slice(0, 2)).toEqual([get({ imageTag: 'main' }), get({ imageDigest: child(2) })])
    // Only the JSON scan: the base image needs no SARIF.
    const [baseScan] = planScan(
      request(dir).workspace,
      scan,
      { reference: 'r.example/shop/web:main', source: 'remote', platform: 'linux/arm64' },
      { reportPath: path.join(dir, 'trivy-base.json'), sarifPath: path.join(dir, 'trivy-base.sarif') }
    )
    expect(steps[2]).toEqual({ run: baseScan })
    expect(steps).toHaveLength(3)
  })

  it('sizes a single-manifest base image directly', async () => {
    const probe = new ScriptedRunner({
      ecr: registry({ main: layers(10, 20, 30) }),
      run: playTrivy({ 'linux/arm64': report('linux/arm64', []) })
    })
    const comparison = await scanBase(probe, request(mkdtempSync(path.join(os.tmpdir(), 'base-'))))
    expect([comparison.size, comparison.findings]).toEqual([60, []])
  })

  it.each([
    ['the registry has no image for the base branch', new ScriptedRunner({ ecr: registry({}) })],
    [
      'the registry cannot be read',
      new ScriptedRunner({ ecr: () => new ServiceError('denied', 'AccessDeniedException') })
    ]
  ])('only names the branch when %s, and scans nothing', async (_name, probe) => {
    await expect(scanBase(probe, request('/nowhere'))).resolves.toEqual({ ref: 'main' })
    expect(probe.steps.every((step) => 'ecr' in step)).toBe(true)
  })
})

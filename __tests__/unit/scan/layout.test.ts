import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readLayout } from '../../../src/scan/layout.js'
import { parseTrivyReport } from '../../../src/scan/trivy-report.js'
import { LayoutWriter } from './oci-layout.js'

const root = () => mkdtempSync(path.join(os.tmpdir(), 'layout-'))

describe('readLayout on a hand-made OCI layout', () => {
  // index.json → image index → two platforms, each with an attestation manifest.
  const dir = path.join(root(), 'oci')
  const writer = new LayoutWriter(dir)
  const amd64 = writer.image({ os: 'linux', architecture: 'amd64' }, ['base', 'app'])
  const arm = writer.image({ os: 'linux', architecture: 'arm', variant: 'v7' }, [
    'base-arm',
    'app-arm',
    'extra'
  ])
  const image = writer.index([
    amd64.manifest,
    arm.manifest,
    writer.attestation(amd64.manifest),
    writer.attestation(arm.manifest)
  ])
  writer.top(image)

  it('names the image by the index digest and lists each platform, attestations left out', async () => {
    expect(await readLayout(dir)).toEqual({
      digest: image.digest,
      platforms: [
        {
          platform: 'linux/amd64',
          manifestDigest: amd64.manifest.digest,
          configDigest: amd64.configDigest,
          diffIds: amd64.diffIds,
          dir: `${dir}-linux-amd64`
        },
        {
          platform: 'linux/arm/v7',
          manifestDigest: arm.manifest.digest,
          configDigest: arm.configDigest,
          diffIds: arm.diffIds,
          dir: `${dir}-linux-arm-v7`
        }
      ]
    })
  })

  it('writes one single-image layout per platform that shares the blobs and names only that manifest', async () => {
    await readLayout(dir)
    const single = `${dir}-linux-arm-v7`
    expect(JSON.parse(readFileSync(path.join(single, 'index.json'), 'utf8'))).toEqual({
      schemaVersion: 2,
      manifests: [{ mediaType: arm.manifest.mediaType, digest: arm.manifest.digest, size: arm.manifest.size }]
    })
    expect(JSON.parse(readFileSync(path.join(single, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0'
    })
    expect(lstatSync(path.join(single, 'blobs')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(path.join(single, 'blobs'))).toBe(path.join(dir, 'blobs'))
  })

  it('reads again over the layouts it wrote before', async () => {
    await readLayout(dir)
    await expect(readLayout(dir)).resolves.toMatchObject({ digest: image.digest })
  })

  it('gives Trivy (the stand-in reading --input as Trivy does: the first manifest) exactly one platform', () => {
    const output = path.join(root(), 'report.json')
    const result = spawnSync(
      path.resolve('__tests__/support/stand-ins/trivy'),
      [
        'image',
        '--format',
        'json',
        '--output',
        output,
        '--platform',
        'linux/arm/v7',
        '--input',
        `${dir}-linux-arm-v7`
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, STANDIN_TRIVY_FIXTURES: path.resolve('__tests__/fixtures/trivy') }
      }
    )
    expect(result.stderr).toBe('')
    const report = parseTrivyReport(readFileSync(output, 'utf8'))
    expect([report.Metadata.DiffIDs, report.Metadata.ImageConfig?.architecture]).toEqual([arm.diffIds, 'arm'])
  })
})

describe('readLayout of a single-platform image', () => {
  it('takes the platform from the config when index.json names the manifest itself', async () => {
    const dir = path.join(root(), 'oci')
    const writer = new LayoutWriter(dir)
    const arm64 = writer.image({ os: 'linux', architecture: 'arm64', variant: 'v8' }, ['only'])
    writer.top(arm64.manifest)
    expect(await readLayout(dir)).toEqual({
      digest: arm64.manifest.digest,
      platforms: [
        {
          platform: 'linux/arm64/v8',
          manifestDigest: arm64.manifest.digest,
          configDigest: arm64.configDigest,
          diffIds: arm64.diffIds,
          dir: `${dir}-linux-arm64-v8`
        }
      ]
    })
  })

  it('refuses a layout whose index names no image', async () => {
    const dir = path.join(root(), 'oci')
    new LayoutWriter(dir)
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [] }))
    await expect(readLayout(dir)).rejects.toThrow(`${dir}/index.json names no image`)
  })
})

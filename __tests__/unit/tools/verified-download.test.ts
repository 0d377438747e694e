import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'

const { RecordingLog } = await import('../doubles.js')
const { ConfigurationError, ServiceError } = await import('../../../src/errors.js')
const { installVerified } = await import('../../../src/tools/verified-download.js')
const { cosignAsset, installCosign, pinnedCosign, setupCosign } =
  await import('../../../src/sign/cosign-setup.js')
type VerifiedTool = import('../../../src/tools/verified-download.js').VerifiedTool

let dir: string
let server: Server
let baseUrl: string
const served = new Map<string, Buffer>()
const requested: string[] = []
const savedEnv: Record<string, string | undefined> = {}
const shaOf = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

function captureOutput(): string[] {
  const output: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk))
    return true
  })
  return output
}

/** A single-binary release asset, like cosign's, served at /tools/<version>/<asset>. */
function binaryTool(version: string, body: string, sha256 = shaOf(body)): VerifiedTool {
  const asset = 'demo-linux-amd64'
  served.set(`/tools/${version}/${asset}`, Buffer.from(body))
  return {
    name: 'demo',
    version,
    arch: 'x64',
    url: `${baseUrl}/tools/${version}/${asset}`,
    asset,
    sha256,
    checksumSource: 'pinned in the test',
    executable: { from: 'asset', name: 'demo' },
    missingRelease: (url) => new ConfigurationError(`no release at ${url}`)
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'verified-download-test-'))
  for (const [key, value] of Object.entries({
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    RUNNER_TEMP: path.join(dir, 'temp')
  })) {
    savedEnv[key] = process.env[key]
    process.env[key] = value
    mkdirSync(value, { recursive: true })
  }
  server = createServer((request, response) => {
    requested.push(request.url ?? '')
    const body = served.get(request.url ?? '')
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' })
    response.end(body ?? 'Not Found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterEach(() => {
  jest.restoreAllMocks()
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('installVerified with a single-binary asset', () => {
  it('installs a verified binary, and trusts the cache only after hashing it again', async () => {
    const tool = binaryTool('1.0.0', '#!/bin/sh\necho demo 1.0.0\n')
    const binary = await installVerified(tool)
    expect(binary).toBe(path.join(dir, 'tool-cache', 'demo', '1.0.0', 'x64', 'demo'))
    expect(execFileSync(binary, { encoding: 'utf8' })).toBe('demo 1.0.0\n')
    const before = requested.length
    expect(await installVerified(tool)).toBe(binary)
    expect(requested.length).toBe(before)
  })

  it('refuses a download whose sha256 is not the pinned one, and caches nothing', async () => {
    const tool = binaryTool('1.0.1', 'tampered in transit', 'f'.repeat(64))
    const install = installVerified(tool)
    await expect(install).rejects.toThrow(ServiceError)
    await expect(install).rejects.toThrow(
      `Refusing to install demo 1.0.1: demo-linux-amd64 has sha256 ${shaOf('tampered in transit')}, but the expected sha256 (pinned in the test) is ${'f'.repeat(64)}. The download is corrupt or was altered.`
    )
    expect(existsSync(path.join(dir, 'tool-cache', 'demo', '1.0.1'))).toBe(false)
  })

  it('refuses a cached binary that was replaced, and puts the verified one back', async () => {
    const body = '#!/bin/sh\necho demo 1.0.2\n'
    const tool = binaryTool('1.0.2', body)
    const binary = await installVerified(tool)
    writeFileSync(binary, '#!/bin/sh\necho evil\n')
    chmodSync(binary, 0o755)
    const cached = path.dirname(binary)
    const output = captureOutput()
    expect(await installVerified(tool)).toBe(binary)
    expect(readFileSync(binary, 'utf8')).toBe(body)
    expect(output.filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::Refusing the tool cache copy of demo 1.0.2 in ${cached}: demo has sha256 ${shaOf('#!/bin/sh\necho evil\n')}, expected ${shaOf(body)}. Someone or something changed it after it was verified; downloading it again.${os.EOL}`
    ])
  })

  it('fails when the verified download is also wrong after a tampered cache', async () => {
    const body = '#!/bin/sh\necho demo 1.0.3\n'
    const tool = binaryTool('1.0.3', body)
    const binary = await installVerified(tool)
    writeFileSync(binary, 'evil')
    served.set('/tools/1.0.3/demo-linux-amd64', Buffer.from('evil'))
    captureOutput()
    await expect(installVerified(tool)).rejects.toThrow('Refusing to install demo 1.0.3')
  })

  it('turns a missing release into the configuration error the tool gives', async () => {
    const tool = { ...binaryTool('1.0.4', 'x'), url: `${baseUrl}/tools/none/demo-linux-amd64` }
    await expect(installVerified(tool)).rejects.toThrow(
      new ConfigurationError(`no release at ${baseUrl}/tools/none/demo-linux-amd64`)
    )
  })
})

describe('a cached .tar.gz tool', () => {
  it('is refused when the archive it came from is not kept next to it (a cache an older installer wrote)', async () => {
    const work = path.join(dir, 'tar-release')
    mkdirSync(work, { recursive: true })
    writeFileSync(path.join(work, 'tool'), '#!/bin/sh\necho tool 2.0.0\n')
    chmodSync(path.join(work, 'tool'), 0o755)
    execFileSync('tar', ['-czf', path.join(work, 'tool_2.0.0.tar.gz'), '-C', work, 'tool'])
    const archive = readFileSync(path.join(work, 'tool_2.0.0.tar.gz'))
    served.set('/tools/2.0.0/tool_2.0.0.tar.gz', archive)
    const tool: VerifiedTool = {
      ...binaryTool('2.0.0', 'unused'),
      name: 'tool',
      url: `${baseUrl}/tools/2.0.0/tool_2.0.0.tar.gz`,
      asset: 'tool_2.0.0.tar.gz',
      sha256: shaOf(archive),
      executable: { from: 'tar.gz', name: 'tool' }
    }
    const cached = path.join(dir, 'tool-cache', 'tool', '2.0.0', 'x64')
    mkdirSync(cached, { recursive: true })
    writeFileSync(path.join(cached, 'tool'), 'from an older installer, never checked')
    writeFileSync(`${cached}.complete`, '')
    const output = captureOutput()
    const binary = await installVerified(tool)
    expect(execFileSync(binary, { encoding: 'utf8' })).toBe('tool 2.0.0\n')
    expect(existsSync(path.join(cached, 'tool_2.0.0.tar.gz'))).toBe(true)
    expect(output.find((line) => line.startsWith('::warning::'))).toContain(
      `Refusing the tool cache copy of tool 2.0.0 in ${cached}: tool_2.0.0.tar.gz is not kept next to it, so it cannot be checked.`
    )
  })
})

describe('cosign', () => {
  it('pins a v2 release for Linux and macOS on x64 and arm64', () => {
    expect(pinnedCosign).toEqual({
      version: '2.6.4',
      sha256: {
        'cosign-linux-amd64': '309779b0c4e409186b0a80daba99041fe2cf65a920ce645013901df6211895a9',
        'cosign-linux-arm64': 'df408e5418129306fed7349ec46e27be0445d05c5127c07f435e9a566af67593',
        'cosign-darwin-amd64': 'ec648fddfedf1dad59dff9fbab177284a618204e03126ea37a87ab3cec4e7cb1',
        'cosign-darwin-arm64': 'b2987c1b55a1e2735c59ac5c3e140acbf7ba5c1ed0cc07dbbf1b85676595237e'
      }
    })
  })

  it.each<[NodeJS.Platform, string, string]>([
    ['linux', 'x64', 'cosign-linux-amd64'],
    ['linux', 'arm64', 'cosign-linux-arm64'],
    ['darwin', 'x64', 'cosign-darwin-amd64'],
    ['darwin', 'arm64', 'cosign-darwin-arm64']
  ])('%s/%s installs %s', (platform, arch, asset) => {
    expect(cosignAsset(platform, arch)).toBe(asset)
  })

  it('refuses a runner it has no pinned binary for', () => {
    expect(() => cosignAsset('win32', 'x64')).toThrow(
      new ConfigurationError(
        "No sha256 is pinned for cosign-win32-amd64 (cosign 2.6.4), so ecr-build-push will not install it on win32/x64: install cosign yourself and set 'skip-setup-cosign: true', or run on a Linux or macOS runner (x64 or arm64)."
      )
    )
  })

  it('downloads the pinned release asset and refuses bytes that are not the pinned ones', async () => {
    served.set('/sigstore/cosign/releases/download/v2.6.4/cosign-linux-arm64', Buffer.from('not cosign'))
    await expect(installCosign({ baseUrl, platform: 'linux', arch: 'arm64' })).rejects.toThrow(
      `Refusing to install cosign 2.6.4: cosign-linux-arm64 has sha256 ${shaOf('not cosign')}, but the expected sha256 (pinned in ecr-build-push) is df408e5418129306fed7349ec46e27be0445d05c5127c07f435e9a566af67593.`
    )
    expect(requested).toContain('/sigstore/cosign/releases/download/v2.6.4/cosign-linux-arm64')
  })

  it('uses the cosign on PATH with skip-setup-cosign', async () => {
    expect(await setupCosign(true, new RecordingLog())).toBe('cosign')
  })
})

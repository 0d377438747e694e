import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'

import { defaultTrivyVersion, parseTrivyChecksum } from '../../../src/config/scan.js'
import { ConfigurationError, ServiceError } from '../../../src/errors.js'
import {
  checksumFor,
  expectedTrivyChecksum,
  installTrivy,
  pinnedTrivy,
  trivyArchive
} from '../../../src/scan/trivy-install.js'

let dir: string
let server: Server
let baseUrl: string
const served = new Map<string, Buffer>()
const requested: string[] = []
const savedEnv: Record<string, string | undefined> = {}
const shaOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** Serves a fake release archive (a shell script called trivy) and returns its sha256. */
function release(version: string, platformName = 'Linux-64bit'): string {
  const work = path.join(dir, `release-${version}-${platformName}`)
  mkdirSync(work, { recursive: true })
  writeFileSync(path.join(work, 'trivy'), `#!/bin/sh\necho "Version: ${version}"\n`)
  chmodSync(path.join(work, 'trivy'), 0o755)
  writeFileSync(path.join(work, 'LICENSE'), 'Apache-2.0\n')
  const archiveName = `trivy_${version}_${platformName}.tar.gz`
  execFileSync('tar', ['-czf', path.join(work, archiveName), '-C', work, 'trivy', 'LICENSE'])
  const archive = readFileSync(path.join(work, archiveName))
  served.set(`/aquasecurity/trivy/releases/download/v${version}/${archiveName}`, archive)
  return shaOf(archive)
}

function captureOutput(): string[] {
  const output: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk))
    return true
  })
  return output
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-install-test-'))
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

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('trivyArchive', () => {
  it.each<[NodeJS.Platform, string, string]>([
    ['linux', 'x64', 'trivy_0.75.0_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.75.0_Linux-ARM64.tar.gz'],
    ['darwin', 'x64', 'trivy_0.75.0_macOS-64bit.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.75.0_macOS-ARM64.tar.gz']
  ])('%s/%s', (platform, arch, archive) => {
    expect(trivyArchive('0.75.0', platform, arch)).toBe(archive)
  })

  it('refuses a runner Trivy has no release for', () => {
    expect(() => trivyArchive('0.75.0', 'win32', 'x64')).toThrow(
      new ConfigurationError(
        "Trivy has no release for win32/x64: run on a Linux or macOS runner (x64 or arm64), or install Trivy yourself and set 'skip-setup-trivy: true'."
      )
    )
  })
})

describe('checksumFor', () => {
  const sha = 'a'.repeat(64)
  it.each([
    [`${sha}  trivy_1_Linux-64bit.tar.gz\n`, sha],
    [`${'b'.repeat(64)}  trivy_1_Linux-64bit.deb\n${sha.toUpperCase()} *trivy_1_Linux-64bit.tar.gz\n`, sha],
    [`${sha}  trivy_1_Linux-64bit.tar.gz.sig\n`, undefined],
    ['', undefined]
  ])('%j', (text, expected) => {
    expect(checksumFor(text, 'trivy_1_Linux-64bit.tar.gz')).toBe(expected)
  })
})

describe('the pinned release', () => {
  it('pins every archive the installer picks for the default version', () => {
    expect(pinnedTrivy.version).toBe('0.75.0')
    expect(pinnedTrivy.sha256).toEqual({
      'trivy_0.75.0_Linux-64bit.tar.gz': 'c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f',
      'trivy_0.75.0_Linux-ARM64.tar.gz': 'a1ee9f6ffb7d112b64ff726a2a0717c21175c1114361391f4a132956751a13b3',
      'trivy_0.75.0_macOS-64bit.tar.gz': '291edaa9778acbe4693d067b5ad60ee11570e5ac68296e85595417528ca641e4',
      'trivy_0.75.0_macOS-ARM64.tar.gz': '4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568'
    })
  })

  it('matches the version the scan inputs default to', () => {
    expect(pinnedTrivy.version).toBe(defaultTrivyVersion)
  })
})

describe('trivy-checksum', () => {
  const sha = 'ab'.repeat(32)

  it.each([
    [{}, { kind: 'none' }],
    [{ 'trivy-checksum': ` ${sha.toUpperCase()} ` }, { kind: 'sha256', sha256: sha }],
    [
      {
        'trivy-checksum': `${sha}  trivy_0.70.0_Linux-64bit.tar.gz\n${'cd'.repeat(32)}  trivy_0.70.0_Linux-ARM64.tar.gz`
      },
      {
        kind: 'lines',
        text: `${sha}  trivy_0.70.0_Linux-64bit.tar.gz\n${'cd'.repeat(32)}  trivy_0.70.0_Linux-ARM64.tar.gz`
      }
    ]
  ])('parses %j', (raw, expected) => {
    expect(parseTrivyChecksum(raw)).toEqual(expected)
  })

  it('names the input and the line of a value that is not a sha256', () => {
    expect(() => parseTrivyChecksum({ 'trivy-checksum': `${sha}  a.tar.gz\nsha256:123` })).toThrow(
      new ConfigurationError(
        "Input 'trivy-checksum' line 2 is 'sha256:123': expected the sha256 of this runner's Trivy archive (64 hex digits), or lines '<sha256>  trivy_<version>_<os>-<arch>.tar.gz' as in the release's checksums file."
      )
    )
  })

  it('uses the pin for the default release, on every platform', () => {
    expect(
      expectedTrivyChecksum({
        version: '0.75.0',
        checksum: { kind: 'none' },
        platform: 'darwin',
        arch: 'arm64'
      })
    ).toEqual({
      archive: 'trivy_0.75.0_macOS-ARM64.tar.gz',
      sha256: '4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568',
      source: 'pinned in ecr-build-push'
    })
  })

  it('accepts a trivy-checksum that agrees with the pin and refuses one that does not', () => {
    const pinned = pinnedTrivy.sha256['trivy_0.75.0_Linux-64bit.tar.gz']
    expect(
      expectedTrivyChecksum({
        version: '0.75.0',
        checksum: { kind: 'sha256', sha256: pinned },
        platform: 'linux',
        arch: 'x64'
      }).sha256
    ).toBe(pinned)
    expect(() =>
      expectedTrivyChecksum({
        version: '0.75.0',
        checksum: { kind: 'sha256', sha256: sha },
        platform: 'linux',
        arch: 'x64'
      })
    ).toThrow(
      `Input 'trivy-checksum' says trivy_0.75.0_Linux-64bit.tar.gz has sha256 ${sha}, but ecr-build-push pins ${pinned} for Trivy 0.75.0.`
    )
  })

  it('requires trivy-checksum for any other release', () => {
    const request = { version: '0.70.0', platform: 'linux' as const, arch: 'arm64' }
    expect(() => expectedTrivyChecksum({ ...request, checksum: { kind: 'none' } })).toThrow(
      new ConfigurationError(
        "Input 'trivy-version' is '0.70.0', which is not the release ecr-build-push pins (0.75.0): set 'trivy-checksum' to the sha256 of trivy_0.70.0_Linux-ARM64.tar.gz (see docs/signing.md for how to get one you can trust), or use the default release."
      )
    )
    expect(() =>
      expectedTrivyChecksum({
        ...request,
        checksum: { kind: 'lines', text: `${sha}  trivy_0.70.0_Linux-64bit.tar.gz` }
      })
    ).toThrow(
      "Input 'trivy-checksum' has no line for trivy_0.70.0_Linux-ARM64.tar.gz, the archive this runner installs for 'trivy-version: 0.70.0'."
    )
    expect(
      expectedTrivyChecksum({
        ...request,
        checksum: { kind: 'lines', text: `${sha}  trivy_0.70.0_Linux-ARM64.tar.gz` }
      })
    ).toEqual({ archive: 'trivy_0.70.0_Linux-ARM64.tar.gz', sha256: sha, source: "input 'trivy-checksum'" })
  })
})

describe('installTrivy over HTTP', () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it('downloads, verifies against trivy-checksum, extracts and caches; the next call verifies the cache and downloads nothing', async () => {
    const sha = release('9.9.1')
    const request = {
      version: '9.9.1',
      checksum: { kind: 'sha256' as const, sha256: sha },
      baseUrl,
      platform: 'linux' as const,
      arch: 'x64'
    }
    const binary = await installTrivy(request)
    expect(binary).toBe(path.join(dir, 'tool-cache', 'trivy', '9.9.1', 'x64', 'trivy'))
    expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toBe('Version: 9.9.1\n')
    expect(
      existsSync(path.join(dir, 'tool-cache', 'trivy', '9.9.1', 'x64', 'trivy_9.9.1_Linux-64bit.tar.gz'))
    ).toBe(true)
    const before = requested.length
    const output = captureOutput()
    expect(await installTrivy(request)).toBe(binary)
    expect(requested.length).toBe(before)
    expect(output.join('')).toContain(
      `trivy 9.9.1 found in the tool cache (sha256 ${sha} verified, input 'trivy-checksum')`
    )
  })

  it('refuses an archive whose sha256 differs from trivy-checksum, and caches nothing', async () => {
    const actual = release('9.9.2')
    const install = installTrivy({
      version: '9.9.2',
      checksum: {
        kind: 'sha256',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
      },
      baseUrl,
      platform: 'linux',
      arch: 'x64'
    })
    await expect(install).rejects.toThrow(ServiceError)
    await expect(install).rejects.toThrow(
      `Refusing to install trivy 9.9.2: trivy_9.9.2_Linux-64bit.tar.gz has sha256 ${actual}, but the expected sha256 (input 'trivy-checksum') is e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855. The download is corrupt or was altered.`
    )
    expect(existsSync(path.join(dir, 'tool-cache', 'trivy', '9.9.2'))).toBe(false)
  })

  it('checks the default release against the pin, not against anything the release serves', async () => {
    const actual = release('0.75.0')
    await expect(
      installTrivy({ version: '0.75.0', baseUrl, platform: 'linux', arch: 'x64' })
    ).rejects.toThrow(
      `Refusing to install trivy 0.75.0: trivy_0.75.0_Linux-64bit.tar.gz has sha256 ${actual}, but the expected sha256 (pinned in ecr-build-push) is c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f.`
    )
    expect(requested.some((url) => url.includes('checksums'))).toBe(false)
  })

  it('refuses a non-default release without trivy-checksum before downloading anything', async () => {
    release('9.9.3')
    const before = requested.length
    const install = installTrivy({ version: '9.9.3', baseUrl, platform: 'linux', arch: 'x64' })
    await expect(install).rejects.toThrow(ConfigurationError)
    await expect(install).rejects.toThrow(
      "set 'trivy-checksum' to the sha256 of trivy_9.9.3_Linux-64bit.tar.gz"
    )
    expect(requested.length).toBe(before)
  })

  it.each([
    ['binary', '9.9.5', 'trivy', 'trivy differs from the one in trivy_9.9.5_Linux-64bit.tar.gz'],
    [
      'kept archive',
      '9.9.6',
      'trivy_9.9.6_Linux-64bit.tar.gz',
      `trivy_9.9.6_Linux-64bit.tar.gz has sha256 ${createHash('sha256').update('#!/bin/sh\necho "Version: evil"\n').digest('hex')}, expected `
    ]
  ])(
    'refuses a tool cache whose %s was changed after it was verified, and installs a verified copy again',
    async (_, version, file, problem) => {
      const sha = release(version)
      const request = {
        version,
        checksum: { kind: 'sha256' as const, sha256: sha },
        baseUrl,
        platform: 'linux' as const,
        arch: 'x64'
      }
      const binary = await installTrivy(request)
      const cached = path.join(dir, 'tool-cache', 'trivy', version, 'x64')
      writeFileSync(path.join(cached, file), '#!/bin/sh\necho "Version: evil"\n')
      const before = requested.length
      const output = captureOutput()
      expect(await installTrivy(request)).toBe(binary)
      expect(requested.length).toBe(before + 1)
      expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toBe(`Version: ${version}\n`)
      const warning = output.find((line) => line.startsWith('::warning::')) ?? ''
      expect(warning).toContain(`Refusing the tool cache copy of trivy ${version} in ${cached}: ${problem}`)
      expect(warning).toContain('downloading it again')
    }
  )

  it('names trivy-version when the release does not exist', async () => {
    const install = installTrivy({
      version: '9.9.4',
      checksum: { kind: 'sha256', sha256: 'a'.repeat(64) },
      baseUrl,
      platform: 'linux',
      arch: 'x64'
    })
    await expect(install).rejects.toThrow(ConfigurationError)
    await expect(install).rejects.toThrow(
      `Input 'trivy-version' is '9.9.4': ${baseUrl}/aquasecurity/trivy/releases/download/v9.9.4/trivy_9.9.4_Linux-64bit.tar.gz does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`
    )
  })
})

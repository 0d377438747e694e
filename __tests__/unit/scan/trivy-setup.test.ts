import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'

const cacheService = {
  available: true,
  restoreCache:
    jest.fn<(paths: string[], key: string, restoreKeys?: string[]) => Promise<string | undefined>>(),
  saveCache: jest.fn<(paths: string[], key: string) => Promise<number>>()
}
jest.unstable_mockModule('@actions/cache', () => ({
  isFeatureAvailable: () => cacheService.available,
  restoreCache: cacheService.restoreCache,
  saveCache: cacheService.saveCache
}))

const { ConfigurationError, ServiceError } = await import('../../../src/errors.js')
const {
  checksumFor,
  installTrivy,
  restoreTrivyDb,
  saveTrivyDb,
  trivyAssets,
  trivyCacheDir,
  trivyDbCacheKeys
} = await import('../../../src/scan/trivy-setup.js')

let dir: string
let server: Server
let baseUrl: string
const served = new Map<string, Buffer>()
const requested: string[] = []
const savedEnv: Record<string, string | undefined> = {}

function release(version: string, checksums: (archiveSha: string, archive: string) => string): void {
  const work = path.join(dir, `release-${version}`)
  mkdirSync(work, { recursive: true })
  writeFileSync(path.join(work, 'trivy'), `#!/bin/sh\necho "Version: ${version}"\n`)
  chmodSync(path.join(work, 'trivy'), 0o755)
  writeFileSync(path.join(work, 'LICENSE'), 'Apache-2.0\n')
  const archiveName = `trivy_${version}_Linux-64bit.tar.gz`
  execFileSync('tar', ['-czf', path.join(dir, archiveName), '-C', work, 'trivy', 'LICENSE'])
  const archive = readFileSync(path.join(dir, archiveName))
  const sha = createHash('sha256').update(archive).digest('hex')
  const prefix = `/aquasecurity/trivy/releases/download/v${version}`
  served.set(`${prefix}/${archiveName}`, archive)
  served.set(`${prefix}/trivy_${version}_checksums.txt`, Buffer.from(checksums(sha, archiveName)))
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-setup-test-'))
  for (const [key, value] of Object.entries({
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    RUNNER_TEMP: path.join(dir, 'temp')
  })) {
    savedEnv[key] = process.env[key]
    process.env[key] = value
    mkdirSync(value, { recursive: true })
  }
  const other = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  release('9.9.1', (sha, archive) => `${other}  trivy_9.9.1_macOS-ARM64.tar.gz\n${sha}  ${archive}\n`)
  release('9.9.2', (_, archive) => `${other}  ${archive}\n`)
  release('9.9.3', () => `${other}  trivy_9.9.3_Linux-ARM64.tar.gz\n`)
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

describe('trivyAssets', () => {
  it.each<[NodeJS.Platform, string, string]>([
    ['linux', 'x64', 'trivy_0.75.0_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.75.0_Linux-ARM64.tar.gz'],
    ['darwin', 'x64', 'trivy_0.75.0_macOS-64bit.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.75.0_macOS-ARM64.tar.gz']
  ])('%s/%s', (platform, arch, archive) => {
    expect(trivyAssets('0.75.0', platform, arch)).toEqual({
      archive,
      checksums: 'trivy_0.75.0_checksums.txt'
    })
  })

  it('refuses a runner Trivy has no release for', () => {
    expect(() => trivyAssets('0.75.0', 'win32', 'x64')).toThrow(
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

describe('installTrivy over HTTP', () => {
  it('downloads, verifies, extracts and caches the release; the binary runs; the next call uses the tool cache', async () => {
    const binary = await installTrivy({ version: '9.9.1', baseUrl, platform: 'linux', arch: 'x64' })
    expect(binary).toBe(path.join(dir, 'tool-cache', 'trivy', '9.9.1', 'x64', 'trivy'))
    expect(execFileSync(binary, ['--version'], { encoding: 'utf8' })).toBe('Version: 9.9.1\n')
    const before = requested.length
    expect(await installTrivy({ version: '9.9.1', baseUrl, platform: 'linux', arch: 'x64' })).toBe(binary)
    expect(requested.length).toBe(before)
  })

  it('refuses an archive whose sha256 does not match the checksums file, and caches nothing', async () => {
    const archive = served.get(
      '/aquasecurity/trivy/releases/download/v9.9.2/trivy_9.9.2_Linux-64bit.tar.gz'
    ) as Buffer
    const actual = createHash('sha256').update(archive).digest('hex')
    const install = installTrivy({ version: '9.9.2', baseUrl, platform: 'linux', arch: 'x64' })
    await expect(install).rejects.toThrow(ServiceError)
    await expect(install).rejects.toThrow(
      `Refusing to install Trivy 9.9.2: trivy_9.9.2_Linux-64bit.tar.gz has sha256 ${actual}, but trivy_9.9.2_checksums.txt says e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855. The download is corrupt or was altered.`
    )
    expect(existsSync(path.join(dir, 'tool-cache', 'trivy', '9.9.2'))).toBe(false)
  })

  it('refuses an archive the checksums file does not list', async () => {
    await expect(installTrivy({ version: '9.9.3', baseUrl, platform: 'linux', arch: 'x64' })).rejects.toThrow(
      'Refusing to install Trivy 9.9.3: trivy_9.9.3_checksums.txt has no line for trivy_9.9.3_Linux-64bit.tar.gz.'
    )
  })

  it('names trivy-version when the release does not exist', async () => {
    const install = installTrivy({ version: '9.9.4', baseUrl, platform: 'linux', arch: 'x64' })
    await expect(install).rejects.toThrow(ConfigurationError)
    await expect(install).rejects.toThrow(
      `Input 'trivy-version' is '9.9.4': ${baseUrl}/aquasecurity/trivy/releases/download/v9.9.4/trivy_9.9.4_Linux-64bit.tar.gz does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`
    )
  })
})

describe('the Trivy DB cache', () => {
  let output: string[]

  beforeEach(() => {
    cacheService.available = true
    cacheService.restoreCache.mockReset()
    cacheService.saveCache.mockReset()
    output = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk))
      return true
    })
  })

  afterAll(() => {
    jest.restoreAllMocks()
  })

  it('keys by OS and UTC day, falling back to any earlier day', () => {
    expect(trivyDbCacheKeys('linux', new Date('2026-08-20T23:59:00Z'))).toEqual({
      key: 'trivy-db-linux-2026-08-20',
      restoreKeys: ['trivy-db-linux-']
    })
  })

  it.each([
    [{ TRIVY_CACHE_DIR: '/cache/trivy' }, '/cache/trivy'],
    [{}, path.join(os.homedir(), '.cache', 'trivy')]
  ])('cache directory for %j', (env, expected) => {
    expect(trivyCacheDir(env)).toBe(expected)
  })

  it('restores the db folder, and saves a new day only', async () => {
    cacheService.restoreCache.mockResolvedValue('trivy-db-linux-2026-08-19')
    const env = { TRIVY_CACHE_DIR: path.join(dir, 'trivy-cache') }
    const entry = await restoreTrivyDb({ date: new Date('2026-08-20T08:00:00Z'), env, platform: 'linux' })
    expect(entry).toEqual({
      paths: [path.join(dir, 'trivy-cache', 'db')],
      key: 'trivy-db-linux-2026-08-20',
      restoredKey: 'trivy-db-linux-2026-08-19'
    })
    expect(cacheService.restoreCache).toHaveBeenCalledWith(
      [path.join(dir, 'trivy-cache', 'db')],
      'trivy-db-linux-2026-08-20',
      ['trivy-db-linux-']
    )

    mkdirSync(path.join(dir, 'trivy-cache', 'db'), { recursive: true })
    await saveTrivyDb(entry)
    expect(cacheService.saveCache).toHaveBeenCalledWith(
      [path.join(dir, 'trivy-cache', 'db')],
      'trivy-db-linux-2026-08-20'
    )

    cacheService.saveCache.mockClear()
    await saveTrivyDb({ ...entry!, restoredKey: 'trivy-db-linux-2026-08-20' })
    await saveTrivyDb(undefined)
    await saveTrivyDb({ paths: [path.join(dir, 'no-db')], key: 'trivy-db-linux-2026-08-20' })
    expect(cacheService.saveCache).not.toHaveBeenCalled()
  })

  it('turns cache failures into warnings and skips when the cache service is unavailable', async () => {
    cacheService.restoreCache.mockRejectedValue(new Error('cache service down'))
    cacheService.saveCache.mockRejectedValue(new Error('reserve failed'))
    const env = { TRIVY_CACHE_DIR: path.join(dir, 'trivy-cache') }
    const entry = await restoreTrivyDb({ date: new Date('2026-08-21T00:00:00Z'), env, platform: 'linux' })
    expect(entry).toEqual({ paths: [path.join(dir, 'trivy-cache', 'db')], key: 'trivy-db-linux-2026-08-21' })
    await saveTrivyDb(entry)
    expect(output.filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::Could not restore the Trivy DB cache: cache service down${os.EOL}`,
      `::warning::Could not save the Trivy DB cache: reserve failed${os.EOL}`
    ])

    cacheService.available = false
    expect(await restoreTrivyDb({ env })).toBeUndefined()
  })
})

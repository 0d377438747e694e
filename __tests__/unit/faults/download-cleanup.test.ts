// A verified download leaves the tool in the tool cache and nothing in RUNNER_TEMP: not the archive, not the
// folder it was unpacked to, also when the checksum refuses it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { ConfigurationError, ServiceError } from '../../../src/errors.js'
import { installVerified, type VerifiedTool } from '../../../src/tools/verified-download.js'

let dir: string
let temp: string
let server: Server
let baseUrl: string
const served = new Map<string, Buffer>()
const saved: Record<string, string | undefined> = {}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'download-cleanup-'))
  temp = path.join(dir, 'temp')
  for (const [key, value] of Object.entries({
    RUNNER_TOOL_CACHE: path.join(dir, 'tools'),
    RUNNER_TEMP: temp
  })) {
    saved[key] = process.env[key]
    process.env[key] = value
    mkdirSync(value, { recursive: true })
  }
  server = createServer((request, response) => {
    const body = served.get(request.url ?? '')
    response.writeHead(body ? 200 : 404)
    response.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterAll(async () => {
  for (const [key, value] of Object.entries(saved))
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  await new Promise((resolve) => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  rmSync(temp, { recursive: true, force: true })
  mkdirSync(temp)
})

/** A `.tar.gz` release like Trivy's, with `name` at its top. */
function archiveTool(version: string, checksum?: string): VerifiedTool {
  const source = mkdtempSync(path.join(dir, 'source-'))
  writeFileSync(path.join(source, 'demo'), `#!/bin/sh\necho demo ${version}\n`, { mode: 0o755 })
  const archive = path.join(source, 'demo.tar.gz')
  execFileSync('tar', ['-czf', archive, '-C', source, 'demo'])
  const bytes = readFileSync(archive)
  served.set(`/${version}/demo.tar.gz`, bytes)
  return {
    name: 'demo-archive',
    version,
    arch: 'x64',
    url: `${baseUrl}/${version}/demo.tar.gz`,
    asset: 'demo.tar.gz',
    sha256: checksum ?? sha256(bytes),
    checksumSource: 'pinned in the test',
    executable: { from: 'tar.gz', name: 'demo' },
    missingRelease: (url) => new ConfigurationError(`no release at ${url}`)
  }
}

function binaryTool(version: string): VerifiedTool {
  const bytes = Buffer.from(`#!/bin/sh\necho binary ${version}\n`)
  served.set(`/${version}/demo-linux-amd64`, bytes)
  return {
    ...archiveTool(version),
    name: 'demo-binary',
    url: `${baseUrl}/${version}/demo-linux-amd64`,
    asset: 'demo-linux-amd64',
    sha256: sha256(bytes),
    executable: { from: 'asset', name: 'demo' }
  }
}

describe('installVerified', () => {
  it('installs a .tar.gz release and leaves RUNNER_TEMP empty', async () => {
    const executable = await installVerified(archiveTool('1.0.0'))
    expect(execFileSync(executable, { encoding: 'utf8' })).toBe('demo 1.0.0\n')
    expect(readdirSync(temp)).toEqual([])
  })

  it('installs a single-binary release and leaves RUNNER_TEMP empty', async () => {
    const executable = await installVerified(binaryTool('2.0.0'))
    expect(execFileSync(executable, { encoding: 'utf8' })).toBe('binary 2.0.0\n')
    expect(readdirSync(temp)).toEqual([])
  })

  it('removes a download the checksum refuses', async () => {
    const error = await installVerified(archiveTool('3.0.0', 'f'.repeat(64))).catch(
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(ServiceError)
    expect((error as Error).message).toMatch(
      /^Refusing to install demo-archive 3\.0\.0: demo\.tar\.gz has sha256/
    )
    expect(readdirSync(temp)).toEqual([])
  })
})

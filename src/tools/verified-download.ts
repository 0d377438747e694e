import type { Log } from '../run/log.js'
import * as commands from '../run/workflow-commands.js'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Readable } from 'node:stream'
import { ConfigurationError, ServiceError } from '../errors.js'

/** A release asset whose sha256 is known before it is downloaded: pinned in this action, or given by the user. */
export interface VerifiedTool {
  /** Tool cache name, also used in messages (`trivy`, `cosign`). */
  name: string
  version: string
  /** Tool cache architecture (Node's `process.arch`). */
  arch: string
  url: string
  /** File name of the asset; a `.tar.gz` asset is kept in the tool cache so each cache hit can be checked again. */
  asset: string
  sha256: string
  /** Where `sha256` comes from, for messages: e.g. `pinned in ecr-build-push` or `input 'trivy-checksum'`. */
  checksumSource: string
  /** The executable: the asset itself, or a file at the top of the `.tar.gz` asset. */
  executable: { from: 'asset' | 'tar.gz'; name: string }
  /** The user's mistake when the release does not exist (which input named it). */
  missingRelease: (url: string) => ConfigurationError
}

async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of stream) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function sha256Of(file: string): Promise<string> {
  return sha256OfStream(createReadStream(file))
}

/** The sha256 of one member of a `.tar.gz`, read through `tar -O` without extracting anything to disk. */
async function tarMemberSha256(archive: string, member: string): Promise<string | undefined> {
  const child = spawn('tar', ['-xzOf', archive, member], { stdio: ['ignore', 'pipe', 'ignore'] })
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  const digest = await sha256OfStream(child.stdout)
  return (await exited) === 0 ? digest : undefined
}

/** Why a tool cache entry must not be used, or undefined when its bytes are exactly the verified ones. */
async function cachedToolProblem(dir: string, tool: VerifiedTool): Promise<string | undefined> {
  const binary = path.join(dir, tool.executable.name)
  if (!existsSync(binary)) return `${tool.executable.name} is missing`
  if (tool.executable.from === 'asset') {
    const actual = await sha256Of(binary)
    return actual === tool.sha256
      ? undefined
      : `${tool.executable.name} has sha256 ${actual}, expected ${tool.sha256}`
  }
  const archive = path.join(dir, tool.asset)
  if (!existsSync(archive)) return `${tool.asset} is not kept next to it, so it cannot be checked`
  const archiveSha = await sha256Of(archive)
  if (archiveSha !== tool.sha256) return `${tool.asset} has sha256 ${archiveSha}, expected ${tool.sha256}`
  const [member, actual] = await Promise.all([
    tarMemberSha256(archive, tool.executable.name),
    sha256Of(binary)
  ])
  if (member === undefined) return `${tool.asset} has no ${tool.executable.name}`
  return actual === member ? undefined : `${tool.executable.name} differs from the one in ${tool.asset}`
}

async function download(tool: VerifiedTool): Promise<string> {
  const tc = await import('@actions/tool-cache')
  try {
    return await tc.downloadTool(tool.url)
  } catch (error) {
    if (error instanceof tc.HTTPError && error.httpStatusCode === 404) throw tool.missingRelease(tool.url)
    throw new ServiceError(`Could not download ${tool.url}: ${(error as Error).message}`)
  }
}

/** A folder holding exactly what the tool cache keeps: the executable, and the archive it came from. */
async function unpack(file: string, tool: VerifiedTool): Promise<string> {
  const tc = await import('@actions/tool-cache')
  if (tool.executable.from === 'asset') {
    const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), `${tool.name}-`))
    await copyFile(file, path.join(dir, tool.executable.name))
    await chmod(path.join(dir, tool.executable.name), 0o755)
    return dir
  }
  const dir = await tc.extractTar(file)
  if (!existsSync(path.join(dir, tool.executable.name))) {
    throw new ServiceError(`${tool.asset} has no '${tool.executable.name}' at its top level.`)
  }
  await copyFile(file, path.join(dir, tool.asset))
  return dir
}

/**
 * The tool from the runner's tool cache when its bytes still match `sha256`, otherwise downloaded, checked
 * against `sha256` and cached. A cache entry that no longer matches (self-hosted runners keep their tool cache
 * between jobs) is refused with a warning and replaced by a fresh verified download. Returns the executable's path.
 */
export async function installVerified(
  tool: VerifiedTool,
  log: Pick<Log, 'info' | 'warning'> = commands
): Promise<string> {
  const tc = await import('@actions/tool-cache')
  const label = `${tool.name} ${tool.version}`
  const cached = tc.find(tool.name, tool.version, tool.arch)
  if (cached) {
    const problem = await cachedToolProblem(cached, tool)
    if (!problem) {
      log.info(`${label} found in the tool cache (sha256 ${tool.sha256} verified, ${tool.checksumSource})`)
      return path.join(cached, tool.executable.name)
    }
    log.warning(
      `Refusing the tool cache copy of ${label} in ${cached}: ${problem}. Someone or something changed it after it was verified; downloading it again.`
    )
  }
  log.info(`Downloading ${label} from ${tool.url}`)
  const file = await download(tool)
  let unpacked: string | undefined
  try {
    const actual = await sha256Of(file)
    if (actual !== tool.sha256) {
      throw new ServiceError(
        `Refusing to install ${label}: ${tool.asset} has sha256 ${actual}, but the expected sha256 (${tool.checksumSource}) is ${tool.sha256}. The download is corrupt or was altered.`
      )
    }
    unpacked = await unpack(file, tool)
    const toolDir = await tc.cacheDir(unpacked, tool.name, tool.version, tool.arch)
    log.info(`${label} installed (sha256 ${actual} verified, ${tool.checksumSource})`)
    return path.join(toolDir, tool.executable.name)
  } finally {
    // The tool cache keeps its own copy: the download and the unpacked folder in RUNNER_TEMP are left-overs.
    await Promise.all(
      [file, unpacked].map(
        (left) => left && rm(left, { recursive: true, force: true }).catch(() => undefined)
      )
    )
  }
}

import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { ConfigurationError, ServiceError } from '../errors.js'

const releaseOs: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS' }
const releaseArch: Record<string, string> = { x64: '64bit', arm64: 'ARM64' }

export interface TrivyAssets {
  archive: string
  checksums: string
}

/** The release file names for this runner, e.g. `trivy_0.75.0_Linux-64bit.tar.gz` and `trivy_0.75.0_checksums.txt`. */
export function trivyAssets(version: string, platform: NodeJS.Platform, arch: string): TrivyAssets {
  const osName = releaseOs[platform]
  const archName = releaseArch[arch]
  if (!osName || !archName) {
    throw new ConfigurationError(
      `Trivy has no release for ${platform}/${arch}: run on a Linux or macOS runner (x64 or arm64), or install Trivy yourself and set 'skip-setup-trivy: true'.`
    )
  }
  return {
    archive: `trivy_${version}_${osName}-${archName}.tar.gz`,
    checksums: `trivy_${version}_checksums.txt`
  }
}

/** The sha256 that a `sha256sum`-style checksums file lists for `fileName`. */
export function checksumFor(checksums: string, fileName: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim())
    if (match && match[2] === fileName) return match[1].toLowerCase()
  }
  return undefined
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export interface TrivyInstallRequest {
  version: string
  /** Where releases are downloaded from; tests point it at a local server. */
  baseUrl?: string
  platform?: NodeJS.Platform
  arch?: string
}

async function download(url: string, version: string): Promise<string> {
  const tc = await import('@actions/tool-cache')
  try {
    return await tc.downloadTool(url)
  } catch (error) {
    if (error instanceof tc.HTTPError && error.httpStatusCode === 404) {
      throw new ConfigurationError(
        `Input 'trivy-version' is '${version}': ${url} does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`
      )
    }
    throw new ServiceError(`Could not download ${url}: ${(error as Error).message}`)
  }
}

/**
 * The pinned Trivy release from the tool cache, or downloaded, checked against the release's
 * checksums file, extracted and cached. Returns the path of the `trivy` binary.
 */
export async function installTrivy(request: TrivyInstallRequest): Promise<string> {
  const {
    version,
    baseUrl = 'https://github.com',
    platform = process.platform,
    arch = process.arch
  } = request
  const assets = trivyAssets(version, platform, arch)
  const tc = await import('@actions/tool-cache')
  const cached = tc.find('trivy', version, arch)
  if (cached) {
    core.info(`Trivy ${version} found in the tool cache`)
    return path.join(cached, 'trivy')
  }
  const releaseUrl = `${baseUrl.replace(/\/$/, '')}/aquasecurity/trivy/releases/download/v${version}`
  core.info(`Downloading Trivy ${version} from ${releaseUrl}/${assets.archive}`)
  const [archive, checksumsFile] = await Promise.all([
    download(`${releaseUrl}/${assets.archive}`, version),
    download(`${releaseUrl}/${assets.checksums}`, version)
  ])
  const expected = checksumFor(await readFile(checksumsFile, 'utf8'), assets.archive)
  if (!expected) {
    throw new ServiceError(
      `Refusing to install Trivy ${version}: ${assets.checksums} has no line for ${assets.archive}.`
    )
  }
  const actual = await sha256Of(archive)
  if (actual !== expected) {
    throw new ServiceError(
      `Refusing to install Trivy ${version}: ${assets.archive} has sha256 ${actual}, but ${assets.checksums} says ${expected}. The download is corrupt or was altered.`
    )
  }
  const extracted = await tc.extractTar(archive)
  if (!existsSync(path.join(extracted, 'trivy'))) {
    throw new ServiceError(`${assets.archive} has no 'trivy' binary at its top level.`)
  }
  const toolDir = await tc.cacheDir(extracted, 'trivy', version, arch)
  core.info(`Trivy ${version} installed (sha256 ${actual} verified)`)
  return path.join(toolDir, 'trivy')
}

/** Trivy's cache directory; the vulnerability DB lives in its `db` folder. */
export function trivyCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRIVY_CACHE_DIR || path.join(os.homedir(), '.cache', 'trivy')
}

/** One cache entry per OS and UTC day; any earlier day is a good enough start (Trivy refreshes a stale DB). */
export function trivyDbCacheKeys(platform: string, date: Date): { key: string; restoreKeys: string[] } {
  return {
    key: `trivy-db-${platform}-${date.toISOString().slice(0, 10)}`,
    restoreKeys: [`trivy-db-${platform}-`]
  }
}

export interface TrivyDbCache {
  paths: string[]
  key: string
  /** The key that was restored, if any. */
  restoredKey?: string
}

/** Restores the vulnerability DB so scans don't pull it from a rate-limited registry; failures are warnings. */
export async function restoreTrivyDb(
  options: { date?: Date; env?: NodeJS.ProcessEnv; platform?: string } = {}
): Promise<TrivyDbCache | undefined> {
  const cache = await import('@actions/cache')
  if (!cache.isFeatureAvailable()) {
    core.debug('The Actions cache service is not available: the Trivy DB is not cached')
    return undefined
  }
  const { key, restoreKeys } = trivyDbCacheKeys(
    options.platform ?? process.platform,
    options.date ?? new Date()
  )
  const paths = [path.join(trivyCacheDir(options.env), 'db')]
  try {
    const restoredKey = await cache.restoreCache(paths, key, restoreKeys)
    core.info(restoredKey ? `Trivy DB restored from cache ${restoredKey}` : 'No cached Trivy DB yet')
    return { paths, key, ...(restoredKey ? { restoredKey } : {}) }
  } catch (error) {
    core.warning(`Could not restore the Trivy DB cache: ${(error as Error).message}`)
    return { paths, key }
  }
}

/** Saves the DB under today's key unless that key was the one restored; failures are warnings. */
export async function saveTrivyDb(entry: TrivyDbCache | undefined): Promise<void> {
  if (!entry || entry.restoredKey === entry.key || !entry.paths.some((dir) => existsSync(dir))) return
  const cache = await import('@actions/cache')
  try {
    await cache.saveCache(entry.paths, entry.key)
    core.info(`Trivy DB saved to cache ${entry.key}`)
  } catch (error) {
    core.warning(`Could not save the Trivy DB cache: ${(error as Error).message}`)
  }
}

import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../config/scan.js'
import { checkVexDocument, type VexSource } from '../config/vex.js'
import { ConfigurationError, ServiceError } from '../errors.js'
import type { Command } from '../run/command.js'
import { scanSeverities } from './policy.js'

/**
 * Where Trivy runs: a folder of the action's own, so nothing the workspace brings (a `trivy.yaml`, a
 * `.trivyignore`, `trivy-secret.yaml`) can change the gate, with an explicit config and ignore file.
 */
export interface TrivyWorkspace {
  trivy: string
  dir: string
  configFile: string
  ignoreFile: string
  /** Trivy's cache (the vulnerability DB): fixed here, never TRIVY_CACHE_DIR from the job. */
  cacheDir: string
  /** A docker config without ECR-Public credentials, for the anonymous DB pull. */
  dbDockerConfig: string
  /** Trivy's own copies of the step's VEX documents (`--vex`), in the order given. */
  vexFiles?: string[]
}

/** The job's `TRIVY_*` variables would override flags and the config file: Trivy never sees them. */
export const droppedTrivyEnv = ['TRIVY_']

export function trivyCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'trivy')
}

const ecrPublicHost = /^(?:https?:\/\/)?public\.ecr\.aws(?:\/|$)/

/** A docker config without ECR-Public entries in `auths` and `credHelpers`; everything else is kept. */
export function withoutEcrPublic(config: Record<string, unknown>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = { ...config }
  for (const key of ['auths', 'credHelpers']) {
    const entries = config[key]
    if (entries && typeof entries === 'object') {
      cleaned[key] = Object.fromEntries(Object.entries(entries).filter(([host]) => !ecrPublicHost.test(host)))
    }
  }
  return cleaned
}

/** The ignore file Trivy reads: the one given, several concatenated, or an empty one. */
async function ignoreFileText(files: string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (name) => `# ${name}\n${await readFile(name, 'utf8')}\n`))
  return parts.join('')
}

/** A VEX document is a few kB; anything far bigger is not one. */
const maxVexBytes = 16 * 1024 * 1024

/** Downloads a `vex` URL: https only, also after redirects; a refusal names the input's line. */
export async function downloadVex(
  source: Extract<VexSource, { kind: 'url' }>,
  fetchUrl: typeof fetch = fetch
): Promise<string> {
  const where = `Line ${source.line} of 'vex' (${source.url})`
  let response: Response
  try {
    response = await fetchUrl(source.url, { signal: AbortSignal.timeout(60_000) })
  } catch (error) {
    throw new ServiceError(
      `Could not download ${source.url} (line ${source.line} of 'vex'): ${(error as Error).message}.`
    )
  }
  if (!response.url.startsWith('https://')) {
    throw new ConfigurationError(
      `${where} redirects to ${response.url}: a VEX document is downloaded over https only.`
    )
  }
  if (response.status === 404 || response.status === 410) {
    throw new ConfigurationError(`${where} answers ${response.status}: no document there.`)
  }
  if (!response.ok) {
    throw new ServiceError(
      `Could not download ${source.url} (line ${source.line} of 'vex'): HTTP ${response.status}.`
    )
  }
  const text = await response.text()
  if (text.length > maxVexBytes) {
    throw new ConfigurationError(
      `${where} is ${text.length} bytes: not a VEX document (at most ${maxVexBytes}).`
    )
  }
  checkVexDocument(text, where)
  return text
}

/**
 * Writes each VEX document into Trivy's own folder: a file as the config stage read and checked it (the
 * workspace copy could change by the scan, through a symlink or the build), a URL as downloaded and checked now.
 */
async function writeVexFiles(dir: string, sources: VexSource[], fetchUrl?: typeof fetch): Promise<string[]> {
  if (sources.length === 0) return []
  await mkdir(path.join(dir, 'vex'), { recursive: true })
  return Promise.all(
    sources.map(async (source, index) => {
      const text = source.kind === 'file' ? source.text : await downloadVex(source, fetchUrl)
      const name = source.kind === 'file' ? path.basename(source.path) : 'downloaded.json'
      const file = path.join(dir, 'vex', `${index + 1}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`)
      await writeFile(file, text, { mode: 0o600 })
      return file
    })
  )
}

/** Writes Trivy's folder: empty config, the step's ignore file and VEX documents, the DB docker config. */
export async function prepareTrivyWorkspace(
  dir: string,
  trivy: string,
  scan: Pick<ScanConfig, 'ignoreFiles'> & Partial<Pick<ScanConfig, 'vex'>>,
  env: NodeJS.ProcessEnv = process.env,
  fetchUrl?: typeof fetch
): Promise<TrivyWorkspace> {
  await mkdir(path.join(dir, 'db-docker-config'), { recursive: true, mode: 0o700 })
  const configFile = path.join(dir, 'trivy.yaml')
  await writeFile(configFile, '')
  // A single YAML ignore file keeps its name: Trivy reads the format from the extension.
  const yaml = scan.ignoreFiles.length === 1 && /\.ya?ml$/.test(scan.ignoreFiles[0])
  const ignoreFile = path.join(dir, yaml ? path.basename(scan.ignoreFiles[0]) : 'trivyignore')
  await writeFile(
    ignoreFile,
    yaml ? await readFile(scan.ignoreFiles[0], 'utf8') : await ignoreFileText(scan.ignoreFiles)
  )
  const source = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json')
  const dockerConfig = existsSync(source)
    ? (JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>)
    : {}
  const dbDockerConfig = path.join(dir, 'db-docker-config')
  await writeFile(path.join(dbDockerConfig, 'config.json'), JSON.stringify(withoutEcrPublic(dockerConfig)), {
    mode: 0o600
  })
  const vexFiles = await writeVexFiles(dir, scan.vex ?? [], fetchUrl)
  return {
    trivy,
    dir,
    configFile,
    ignoreFile,
    cacheDir: trivyCacheDir(),
    dbDockerConfig,
    ...(vexFiles.length > 0 ? { vexFiles } : {})
  }
}

/** Flags every Trivy command gets: its own config, cache and working folder, none of the job's TRIVY_*. */
export function isolated(
  workspace: TrivyWorkspace,
  args: string[],
  env: Record<string, string> = {}
): Command {
  return {
    tool: workspace.trivy,
    args: [
      ...args.slice(0, 1),
      '--config',
      workspace.configFile,
      '--cache-dir',
      workspace.cacheDir,
      ...args.slice(1)
    ],
    cwd: workspace.dir,
    dropEnvPrefixes: droppedTrivyEnv,
    ...(Object.keys(env).length > 0 ? { env } : {})
  }
}

/**
 * Fetches the vulnerability DB before any scan, with a docker config that has no ECR-Public credentials:
 * expired ones make the anonymous pull of a public DB fail. Undefined without `vuln`.
 */
export function planDbDownload(
  workspace: TrivyWorkspace,
  scan: Pick<ScanConfig, 'scanners' | 'dbRepositories'>
): Command | undefined {
  if (!scan.scanners.includes('vuln')) return undefined
  const repositories =
    scan.dbRepositories.length > 0 ? ['--db-repository', scan.dbRepositories.join(',')] : []
  return isolated(workspace, ['image', '--download-db-only', '--no-progress', ...repositories], {
    DOCKER_CONFIG: workspace.dbDockerConfig
  })
}

/** What one scan reads: the image in the daemon or a digest in the registry, always for one platform. */
export interface ScanTarget {
  /** An image reference, or for `layout` the folder of a single-image OCI layout. */
  reference: string
  source: 'docker' | 'remote' | 'layout'
  /** The platform that was built, e.g. `linux/arm64`: Trivy would otherwise pick linux/amd64 of an index. */
  platform: string
}

export interface ScanFiles {
  reportPath: string
  sarifPath: string
}

/** `trivy-linux-arm64.json` and `.sarif` in the image's folder. */
export function scanFiles(dir: string, platform: string): ScanFiles {
  const name = `trivy-${platform.replace(/\//g, '-')}`
  return { reportPath: path.join(dir, `${name}.json`), sarifPath: path.join(dir, `${name}.sarif`) }
}

/** Each VEX document, and `--show-suppressed` so the report keeps what they silenced (`ExperimentalModifiedFindings`). */
function vexFlags(workspace: TrivyWorkspace): string[] {
  const files = workspace.vexFiles ?? []
  return files.length === 0 ? [] : [...files.flatMap((file) => ['--vex', file]), '--show-suppressed']
}

/**
 * Scan once to JSON (the source of truth for the gate, counts and reports), then convert that JSON to
 * SARIF. The DB was fetched first, so the scan skips the update; the job's docker config holds the
 * registry login `--image-src remote` needs.
 */
export function planScan(
  workspace: TrivyWorkspace,
  scan: Pick<
    ScanConfig,
    'severity' | 'failOn' | 'ignoreUnfixed' | 'scanners' | 'pkgTypes' | 'listAllPackages'
  >,
  target: ScanTarget,
  files: ScanFiles
): Command[] {
  const vuln = scan.scanners.includes('vuln')
  return [
    isolated(workspace, [
      'image',
      '--format',
      'json',
      '--output',
      files.reportPath,
      '--severity',
      scanSeverities(scan).join(','),
      '--scanners',
      scan.scanners.join(','),
      ...(vuln ? ['--pkg-types', scan.pkgTypes.join(',')] : []),
      ...(scan.ignoreUnfixed ? ['--ignore-unfixed'] : []),
      ...(scan.listAllPackages ? ['--list-all-pkgs'] : []),
      '--ignorefile',
      workspace.ignoreFile,
      ...vexFlags(workspace),
      '--platform',
      target.platform,
      ...(vuln ? ['--skip-db-update'] : []),
      '--no-progress',
      ...(target.source === 'layout'
        ? ['--input', target.reference]
        : ['--image-src', target.source, target.reference])
    ]),
    isolated(workspace, ['convert', '--format', 'sarif', '--output', files.sarifPath, files.reportPath])
  ]
}

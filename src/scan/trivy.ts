import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ScanConfig } from '../config/scan.js'
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

/** Writes Trivy's folder: empty config, the step's ignore file, the DB docker config. */
export async function prepareTrivyWorkspace(
  dir: string,
  trivy: string,
  scan: Pick<ScanConfig, 'ignoreFiles'>,
  env: NodeJS.ProcessEnv = process.env
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
  return { trivy, dir, configFile, ignoreFile, cacheDir: trivyCacheDir(), dbDockerConfig }
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

import semver from 'semver'
import { ServiceError } from '../errors.js'
import type { Runner } from '../run/command.js'
import type { ImageStore } from '../cache/plan.js'

/** What the Docker daemon is: probed once per run, passed on as data. */
export interface DaemonFacts {
  imageStore: ImageStore
  /** The daemon's own platform, e.g. `linux/amd64`: what a build without `platforms` makes. */
  platform: string
}

const architectures: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  armv7l: 'arm/v7',
  i686: '386'
}

/** What the run needs from docker: the daemon and the buildx plugin, read by one `docker info`. */
export interface DockerFacts {
  daemon: DaemonFacts
  /** The buildx plugin's version, e.g. `0.21.1`. */
  buildxVersion: string
}

/**
 * `docker info` in three lines: the platform, the storage driver's status (the containerd store names its
 * snapshotter) and the CLI's plugins (buildx's version). One docker process instead of two: each one starts
 * the CLI and asks every plugin for its metadata.
 */
export const dockerInfoFormat =
  '{{.OSType}}/{{.Architecture}}\n{{json .DriverStatus}}\n{{json .ClientInfo.Plugins}}'

interface CliPlugin {
  Name?: string
  Version?: string
  Err?: string
}

function parseJson(line: string | undefined): unknown {
  try {
    return JSON.parse(line ?? '')
  } catch {
    return undefined
  }
}

function daemonFacts(platformLine: string, statusLine: string | undefined): DaemonFacts {
  const [os = '', architecture = ''] = platformLine.trim().split('/')
  if (os === '' || architecture === '')
    throw new ServiceError(
      `docker info did not say the daemon's platform (it printed '${platformLine.trim().slice(0, 200)}'), so no build can be planned for it.`,
      'DockerUnavailable'
    )
  const status = parseJson(statusLine)
  // The containerd store's driver status: ["driver-type", "io.containerd.snapshotter.v1"].
  const containerd =
    Array.isArray(status) &&
    status.some(
      (entry) =>
        Array.isArray(entry) &&
        entry[0] === 'driver-type' &&
        String(entry[1]).startsWith('io.containerd.snapshotter')
    )
  return {
    imageStore: containerd ? 'containerd' : 'classic',
    platform: `${os}/${architectures[architecture] ?? architecture}`
  }
}

/** The buildx plugin's version as docker lists it (`v0.21.1`, `0.13.1+ds1`) → `0.21.1`. */
export function parseBuildxVersion(version: string): string {
  return semver.coerce(version.trim())?.version ?? '0.0.0'
}

function buildxVersionOf(pluginsLine: string | undefined): string {
  const plugins = parseJson(pluginsLine)
  const buildx = Array.isArray(plugins)
    ? (plugins as CliPlugin[]).find((plugin) => plugin?.Name === 'buildx')
    : undefined
  const problem = !buildx ? 'the docker CLI has no buildx plugin' : buildx.Err
  if (problem || !buildx?.Version) {
    throw new ServiceError(
      `docker buildx is not available: ${problem || 'its plugin names no version'}. Install the buildx plugin (on GitHub-hosted runners it is preinstalled).`,
      'BuildxUnavailable'
    )
  }
  return parseBuildxVersion(buildx.Version)
}

export function parseDockerInfo(output: string): DockerFacts {
  const [platformLine = '', statusLine, pluginsLine] = output.trim().split('\n')
  return { daemon: daemonFacts(platformLine, statusLine), buildxVersion: buildxVersionOf(pluginsLine) }
}

/** Reads docker once; a daemon that does not answer is one clear error, not a failed build later. */
export async function probeDocker(probe: Runner): Promise<DockerFacts> {
  const result = await probe.run(
    { tool: 'docker', args: ['info', '--format', dockerInfoFormat] },
    { allowFailure: true }
  )
  if (result.exitCode !== 0) {
    throw new ServiceError(
      `The Docker daemon does not answer (docker info: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner's user access to its socket.`,
      'DockerUnavailable'
    )
  }
  return parseDockerInfo(result.stdout)
}

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

/** `docker info` as one line: the platform and the storage driver's status (containerd says its snapshotter). */
export const daemonInfoFormat = '{{.OSType}}/{{.Architecture}} {{json .DriverStatus}}'

export function parseDaemonInfo(output: string): DaemonFacts {
  const [platform = '', ...status] = output.trim().split(' ')
  const [os = '', architecture = ''] = platform.split('/')
  if (os === '' || architecture === '')
    throw new ServiceError(
      `docker info did not say the daemon's platform (it printed '${output.trim().slice(0, 200)}'), so no build can be planned for it.`,
      'DockerUnavailable'
    )
  return {
    imageStore: status.join(' ').includes('io.containerd.snapshotter') ? 'containerd' : 'classic',
    platform: `${os}/${architectures[architecture] ?? architecture}`
  }
}

/** Reads the daemon once; a daemon that does not answer is one clear error, not a failed build later. */
export async function probeDaemon(probe: Runner): Promise<DaemonFacts> {
  const result = await probe.run(
    { tool: 'docker', args: ['info', '--format', daemonInfoFormat] },
    { allowFailure: true }
  )
  if (result.exitCode !== 0) {
    throw new ServiceError(
      `The Docker daemon does not answer (docker info: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner's user access to its socket.`,
      'DockerUnavailable'
    )
  }
  return parseDaemonInfo(result.stdout)
}

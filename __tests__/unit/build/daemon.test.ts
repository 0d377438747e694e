import { describe, expect, it } from '@jest/globals'
import { daemonInfoFormat, parseDaemonInfo, probeDaemon } from '../../../src/build/daemon.js'
import { ServiceError } from '../../../src/errors.js'
import { ScriptedRunner } from '../doubles.js'

describe('parseDaemonInfo', () => {
  it.each([
    [
      'linux/x86_64 [["Backing Filesystem","extfs"],["Supports d_type","true"]]',
      { imageStore: 'classic', platform: 'linux/amd64' }
    ],
    [
      'linux/aarch64 [["driver-type","io.containerd.snapshotter.v1"]]',
      { imageStore: 'containerd', platform: 'linux/arm64' }
    ],
    ['linux/armv7l null', { imageStore: 'classic', platform: 'linux/arm/v7' }],
    ['linux/i686 []', { imageStore: 'classic', platform: 'linux/386' }],
    ['linux/s390x []\n', { imageStore: 'classic', platform: 'linux/s390x' }]
  ])('%j', (output, facts) => {
    expect(parseDaemonInfo(output)).toEqual(facts)
  })

  it.each(['', '   ', 'linux/ []'])('refuses output that names no platform: %j', (output) => {
    expect(() => parseDaemonInfo(output)).toThrow(ServiceError)
    expect(() => parseDaemonInfo(output)).toThrow("docker info did not say the daemon's platform")
  })
})

describe('probeDaemon', () => {
  it('asks docker info for the platform and storage driver status in one line', async () => {
    const probe = new ScriptedRunner({ run: () => ({ stdout: 'linux/x86_64 []\n' }) })
    await expect(probeDaemon(probe)).resolves.toEqual({ imageStore: 'classic', platform: 'linux/amd64' })
    expect(probe.steps).toEqual([
      {
        run: { tool: 'docker', args: ['info', '--format', daemonInfoFormat] },
        options: { allowFailure: true }
      }
    ])
  })

  it('says the daemon does not answer, with what docker said', async () => {
    const probe = new ScriptedRunner({
      run: () => ({
        exitCode: 1,
        stderr:
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n'
      })
    })
    await expect(probeDaemon(probe)).rejects.toThrow(
      new ServiceError(
        'The Docker daemon does not answer (docker info: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner’s user access to its socket.'.replace(
          '’',
          "'"
        )
      )
    )
    await expect(probeDaemon(new ScriptedRunner({ run: () => ({ exitCode: 7 }) }))).rejects.toThrow(
      '(docker info: exit code 7)'
    )
  })
})

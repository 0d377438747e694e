import { describe, expect, it } from '@jest/globals'
import {
  dockerInfoFormat,
  parseBuildxVersion,
  parseDockerInfo,
  probeDocker
} from '../../../src/build/daemon.js'
import { ServiceError } from '../../../src/errors.js'
import { dockerInfo, ScriptedRunner } from '../doubles.js'

const buildx =
  '[{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"v0.21.1","ShortDescription":"Docker Buildx","Name":"buildx","Path":"/usr/libexec/docker/cli-plugins/docker-buildx"}]'

describe('parseDockerInfo', () => {
  it.each([
    [
      `linux/x86_64\n[["Backing Filesystem","extfs"],["Supports d_type","true"]]\n${buildx}\n`,
      { daemon: { imageStore: 'classic', platform: 'linux/amd64' }, buildxVersion: '0.21.1' }
    ],
    [
      `linux/aarch64\n[["driver-type","io.containerd.snapshotter.v1"]]\n${buildx}`,
      { daemon: { imageStore: 'containerd', platform: 'linux/arm64' }, buildxVersion: '0.21.1' }
    ],
    [
      `linux/armv7l\nnull\n[{"Name":"compose","Version":"v2.29.0"},{"Name":"buildx","Version":"0.13.1+ds1"}]`,
      { daemon: { imageStore: 'classic', platform: 'linux/arm/v7' }, buildxVersion: '0.13.1' }
    ],
    [
      `linux/i686\n[]\n[{"Name":"buildx","Version":"v0.30.0-desktop.1"}]`,
      { daemon: { imageStore: 'classic', platform: 'linux/386' }, buildxVersion: '0.30.0' }
    ],
    [
      `linux/s390x\n[]\n[{"Name":"buildx","Version":"garbage"}]\n`,
      { daemon: { imageStore: 'classic', platform: 'linux/s390x' }, buildxVersion: '0.0.0' }
    ]
  ])('%j', (output, facts) => {
    expect(parseDockerInfo(output)).toEqual(facts)
  })

  it('reads the storage driver status as data: a snapshotter named elsewhere is not the containerd store', () => {
    expect(
      parseDockerInfo(`linux/x86_64\n[["Backing Filesystem","io.containerd.snapshotter-ish"]]\n${buildx}`)
        .daemon
    ).toEqual({ imageStore: 'classic', platform: 'linux/amd64' })
    expect(parseDockerInfo(`linux/x86_64\nnot json\n${buildx}`).daemon.imageStore).toBe('classic')
  })

  it.each([
    ['trimmed', `Cannot connect  \t\n[]\n${buildx}`, 'Cannot connect'],
    [
      'at most 200 characters',
      `WARNING: ${'the daemon is shutting down '.repeat(10)}\n[]\n${buildx}`,
      `WARNING: ${'the daemon is shutting down '.repeat(10)}`.slice(0, 200)
    ]
  ])('quotes what docker printed instead of a platform, %s', (_name, output, quoted) => {
    let failure: ServiceError | undefined
    try {
      parseDockerInfo(output)
    } catch (error) {
      failure = error as ServiceError
    }
    expect([failure?.code, failure?.message]).toEqual([
      'DockerUnavailable',
      `docker info did not say the daemon's platform (it printed '${quoted}'), so no build can be planned for it.`
    ])
  })

  it.each(['', '   ', `linux/\n[]\n${buildx}`])('refuses output that names no platform: %j', (output) => {
    expect(() => parseDockerInfo(output)).toThrow(ServiceError)
    expect(() => parseDockerInfo(output)).toThrow("docker info did not say the daemon's platform")
  })

  it.each([
    ['no plugins', 'linux/x86_64\n[]\n[]', 'the docker CLI has no buildx plugin'],
    [
      'other plugins only',
      'linux/x86_64\n[]\n[{"Name":"compose","Version":"v2.29.0"}]',
      'the docker CLI has no buildx plugin'
    ],
    ['no plugin line', 'linux/x86_64\n[]', 'the docker CLI has no buildx plugin'],
    [
      'a broken plugin',
      'linux/x86_64\n[]\n[{"Name":"buildx","Err":"plugin candidate \\"buildx\\" did not match \\"^[a-z][a-z0-9]*$\\""}]',
      'plugin candidate "buildx" did not match "^[a-z][a-z0-9]*$"'
    ],
    ['a plugin without a version', 'linux/x86_64\n[]\n[{"Name":"buildx"}]', 'its plugin names no version']
  ])('says how to get buildx when docker lists %s', (_, output, problem) => {
    expect(() => parseDockerInfo(output)).toThrow(
      new ServiceError(
        `docker buildx is not available: ${problem}. Install the buildx plugin (on GitHub-hosted runners it is preinstalled).`
      )
    )
    expect(() => parseDockerInfo(output)).toThrow(expect.objectContaining({ code: 'BuildxUnavailable' }))
  })
})

describe('parseBuildxVersion', () => {
  it.each([
    ['0.13.1+ds1', '0.13.1'],
    ['v0.21.1', '0.21.1'],
    ['v0.30.0-desktop.1', '0.30.0'],
    ['garbage', '0.0.0']
  ])('%s', (version, parsed) => {
    expect(parseBuildxVersion(version)).toBe(parsed)
  })
})

describe('probeDocker', () => {
  it('asks one docker info for the platform, the storage driver status and the CLI plugins, a line each', async () => {
    const probe = new ScriptedRunner({ run: () => ({ stdout: dockerInfo() }) })
    await expect(probeDocker(probe)).resolves.toEqual({
      daemon: { imageStore: 'classic', platform: 'linux/amd64' },
      buildxVersion: '0.21.1'
    })
    expect(probe.steps).toEqual([
      {
        run: {
          tool: 'docker',
          args: [
            'info',
            '--format',
            '{{.OSType}}/{{.Architecture}}\n{{json .DriverStatus}}\n{{json .ClientInfo.Plugins}}'
          ]
        },
        options: { allowFailure: true }
      }
    ])
    expect(dockerInfoFormat.split('\n')).toHaveLength(3)
  })

  it('says the daemon does not answer, with what docker said', async () => {
    const probe = new ScriptedRunner({
      run: () => ({
        exitCode: 1,
        stderr:
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n'
      })
    })
    await expect(probeDocker(probe)).rejects.toThrow(
      new ServiceError(
        "The Docker daemon does not answer (docker info: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). This action needs a running Docker engine: on self-hosted runners, start dockerd and give the runner's user access to its socket."
      )
    )
    await expect(probeDocker(new ScriptedRunner({ run: () => ({ exitCode: 7 }) }))).rejects.toThrow(
      '(docker info: exit code 7)'
    )
  })
})

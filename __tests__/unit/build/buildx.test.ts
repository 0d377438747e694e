import { describe, expect, it } from '@jest/globals'
import {
  architecturesNeedingEmulation,
  parseBuildkitVersion,
  parseBuildxVersion,
  planBuilder,
  planBuilderRemoval,
  planQemu,
  probeBuildx,
  runBuilder
} from '../../../src/build/buildx.js'
import { ServiceError } from '../../../src/errors.js'
import { ScriptedRunner } from '../doubles.js'

describe('parseBuildxVersion', () => {
  it.each([
    ['github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', '0.13.1'],
    ['github.com/docker/buildx v0.21.1 8c2ff1d', '0.21.1'],
    ['github.com/docker/buildx v0.30.0-desktop.1 abc', '0.30.0'],
    ['garbage', '0.0.0']
  ])('%s', (output, version) => {
    expect(parseBuildxVersion(output)).toBe(version)
  })
})

describe('planBuilder', () => {
  it('creates a docker-container builder without touching the default', () => {
    expect(planBuilder({ driver: 'docker-container', builder: '', runId: '42-1-abc' })).toEqual({
      name: 'ecr-build-push-42-1-abc',
      created: true,
      commands: [
        {
          tool: 'docker',
          args: ['buildx', 'create', '--name', 'ecr-build-push-42-1-abc', '--driver', 'docker-container']
        },
        { tool: 'docker', args: ['buildx', 'inspect', '--bootstrap', '--builder', 'ecr-build-push-42-1-abc'] }
      ]
    })
  })

  it.each([
    [
      { driver: 'docker' as const, builder: '' },
      { name: 'default', created: false, commands: [] }
    ],
    [
      { driver: 'docker-container' as const, builder: 'mine' },
      { name: 'mine', created: false, commands: [] }
    ]
  ])('uses what exists: %j', (request, plan) => {
    expect(planBuilder({ ...request, runId: '1' })).toEqual(plan)
  })

  it('removes a created builder', () => {
    expect(planBuilderRemoval('b')).toEqual({ tool: 'docker', args: ['buildx', 'rm', '--force', 'b'] })
  })
})

describe('parseBuildkitVersion', () => {
  it.each([
    [
      'Name:          b\nDriver:        docker-container\nNodes:\nName:      b0\nStatus:    running\nBuildKit version: v0.20.2\n',
      '0.20.2'
    ],
    ['Nodes:\nName: b0\nBuildkit: v0.12.5\n', '0.12.5'],
    ['Name: default\nDriver: docker\n', undefined]
  ])('%#', (output, version) => {
    expect(parseBuildkitVersion(output)).toBe(version)
  })
})

describe('QEMU only where a platform needs emulation', () => {
  it.each<[string[], string, string[], string[]]>([
    [['linux/amd64'], 'x64', [], []],
    [['linux/amd64', 'linux/386'], 'x64', [], []],
    [['linux/amd64', 'linux/arm64'], 'x64', [], ['arm64']],
    [['linux/amd64', 'linux/arm64', 'linux/arm/v7'], 'x64', ['qemu-aarch64'], ['arm']],
    [['linux/arm64', 'linux/arm/v7'], 'arm64', [], []],
    [['linux/amd64', 'linux/riscv64'], 'arm64', ['qemu-x86_64'], ['riscv64']]
  ])('%j on %s with %j', (platforms, host, registered, needed) => {
    expect(architecturesNeedingEmulation(platforms, host, registered)).toEqual(needed)
  })

  it('installs the handlers the way docker/setup-qemu-action does', () => {
    expect(planQemu(['arm64', 'arm'])).toEqual([
      {
        tool: 'docker',
        args: [
          'run',
          '--privileged',
          '--rm',
          'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
          '--install',
          'arm64,arm'
        ]
      }
    ])
    expect(planQemu([])).toEqual([])
  })
})

describe('probeBuildx and runBuilder', () => {
  it('reads the buildx version once', async () => {
    const probe = new ScriptedRunner({
      run: () => ({ stdout: 'github.com/docker/buildx v0.21.1 8c2ff1d\n' })
    })
    await expect(probeBuildx(probe)).resolves.toEqual({ buildxVersion: '0.21.1' })
    expect(probe.steps).toEqual([
      { run: { tool: 'docker', args: ['buildx', 'version'] }, options: { allowFailure: true } }
    ])
  })

  it('says how to get buildx when it is missing', async () => {
    const probe = new ScriptedRunner({
      run: () => ({ exitCode: 1, stderr: "docker: 'buildx' is not a docker command.\nSee 'docker --help'" })
    })
    await expect(probeBuildx(probe)).rejects.toThrow(
      new ServiceError(
        "docker buildx is not available: docker: 'buildx' is not a docker command. Install the buildx plugin (on GitHub-hosted runners it is preinstalled)."
      )
    )
  })

  it('runs the plan’s commands and reports the BuildKit version the builder prints', async () => {
    const plan = planBuilder({ driver: 'docker-container', builder: '', runId: '7' })
    const runner = new ScriptedRunner({
      run: (command) => ({
        stdout: command.args[1] === 'inspect' ? 'Name: b\nBuildKit version: v0.20.2\n' : ''
      })
    })
    await expect(runBuilder(runner, plan)).resolves.toBe('0.20.2')
    expect(runner.plans()).toEqual(plan.commands.map((command) => ({ run: command })))
    await expect(
      runBuilder(new ScriptedRunner(), planBuilder({ driver: 'docker', builder: '', runId: '7' }))
    ).resolves.toBeUndefined()
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  architecturesNeedingEmulation,
  inspectBuilder,
  parseBuildkitVersion,
  planBuilder,
  planBuilderRemoval,
  planQemu,
  runBuilder
} from '../../../src/build/buildx.js'
import { ScriptedRunner } from '../doubles.js'

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
    // Indented, without the v, a pre-release; the daemon flags line that comes first is not the version.
    [
      'Nodes:\n BuildKit daemon flags: --allow-insecure-entitlement=network.host\n  BuildKit version:  0.16.0-rc2\n',
      '0.16.0'
    ],
    // Only a line that starts with it: a label that mentions BuildKit is not the version.
    ['Labels:\n org.mobyproject.buildkit.worker: BuildKit: v9.9.9\nBuildKit version: v0.13.1\n', '0.13.1'],
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

describe('runBuilder', () => {
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

describe('inspectBuilder', () => {
  it("reads a named builder's driver and BuildKit version, and asks nothing else", async () => {
    const probe = new ScriptedRunner({
      run: () => ({
        stdout:
          'Name:          ci\nDriver:        docker-container\nLast Activity: 2026-12-02 06:00:00 +0000 UTC\n\nNodes:\nName:      ci0\nEndpoint:  unix:///var/run/docker.sock\nStatus:    running\nBuildKit version: v0.20.1\nPlatforms: linux/amd64\n'
      })
    })
    expect(await inspectBuilder(probe, 'ci')).toEqual({
      driver: 'docker-container',
      buildkitVersion: '0.20.1'
    })
    expect(probe.steps).toEqual([
      {
        run: { tool: 'docker', args: ['buildx', 'inspect', '--builder', 'ci'] },
        options: { allowFailure: true }
      }
    ])
  })

  it('knows nothing of a builder that is not there, or prints neither line', async () => {
    const missing = new ScriptedRunner({
      run: () => ({ exitCode: 1, stderr: 'ERROR: no builder "ci" found' })
    })
    expect(await inspectBuilder(missing, 'ci')).toEqual({})
    const bare = new ScriptedRunner({ run: () => ({ stdout: 'Name: ci\nNodes:\n' }) })
    expect(await inspectBuilder(bare, 'ci')).toEqual({})
  })
})

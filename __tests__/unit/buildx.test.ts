import { describe, expect, it } from '@jest/globals'
import {
  parseBuildkitVersion,
  parseBuildxVersion,
  planBuilder,
  planBuilderRemoval
} from '../../src/phases/buildx.js'

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

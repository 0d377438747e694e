import { describe, expect, it } from '@jest/globals'
import { NoState, parseSavedState, RunnerState, stateKey } from '../../../src/run/state.js'
import { RecordingLog } from '../doubles.js'

describe('RunnerState', () => {
  it('saves the whole state again as soon as each thing exists', () => {
    const log = new RecordingLog()
    const state = new RunnerState(log)
    state.add({ registry: 'a.example' })
    state.add({ builder: 'ecr-build-push-1' })
    state.add({ registry: 'b.example', staging: 'ecr-build-push-staging/shop/web:1-0' })
    state.add({ tempDir: '/tmp/run' })
    expect(
      log.entries.map((entry) => [entry.level, 'name' in entry ? entry.name : '', JSON.parse(entry.text)])
    ).toEqual([
      ['state', stateKey, { registries: ['a.example'], staging: [] }],
      ['state', stateKey, { registries: ['a.example'], staging: [], builder: 'ecr-build-push-1' }],
      [
        'state',
        stateKey,
        {
          registries: ['a.example', 'b.example'],
          staging: ['ecr-build-push-staging/shop/web:1-0'],
          builder: 'ecr-build-push-1'
        }
      ],
      [
        'state',
        stateKey,
        {
          registries: ['a.example', 'b.example'],
          staging: ['ecr-build-push-staging/shop/web:1-0'],
          builder: 'ecr-build-push-1',
          tempDir: '/tmp/run'
        }
      ]
    ])
  })

  it('records nothing in a dry run', () => {
    expect(() => new NoState().add()).not.toThrow()
  })
})

describe('parseSavedState', () => {
  it.each([
    [undefined, { registries: [], staging: [] }],
    ['', { registries: [], staging: [] }],
    ['{"builder":"b"}', { registries: [], staging: [], builder: 'b' }],
    [
      '{"registries":["r"],"staging":["s"],"tempDir":"/t"}',
      { registries: ['r'], staging: ['s'], tempDir: '/t' }
    ]
  ])('%j', (text, expected) => {
    expect(parseSavedState(text)).toEqual(expected)
  })
})

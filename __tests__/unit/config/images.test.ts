import { describe, expect, it } from '@jest/globals'
import { readDockerfile } from '../../../src/config/dockerfile.js'
import { resolveImages, targetRequests } from '../../../src/config/images.js'
import type { RawInputs } from '../../../src/config/values.js'
import { ConfigurationError } from '../../../src/errors.js'
import { makeWorkspace } from './workspace.js'
import * as path from 'node:path'

const { workspace } = makeWorkspace()
const dockerfile = readDockerfile('Dockerfile', path.join(workspace, 'Dockerfile'), workspace)

describe('targetRequests', () => {
  it.each<[string, RawInputs, ReturnType<typeof targetRequests>]>([
    ['one image, the last stage', { repository: 'shop/web' }, [{ stage: '', repository: 'shop/web' }]],
    [
      'one image, a named target',
      { repository: 'shop/web', target: 'production' },
      [{ stage: 'production', repository: 'shop/web' }]
    ],
    [
      'several, with their lines; comments and blank lines skipped',
      { targets: '# images\nproduction=shop/web\n\n  worker = shop/worker  ' },
      [
        { stage: 'production', repository: 'shop/web', line: 2 },
        { stage: 'worker', repository: 'shop/worker', line: 4 }
      ]
    ],
    ['a 2-character repository', { repository: 'ab' }, [{ stage: '', repository: 'ab' }]],
    [
      'nested repository names',
      { repository: 'team.a/shop_web/api-v2' },
      [{ stage: '', repository: 'team.a/shop_web/api-v2' }]
    ]
  ])('%s', (_name, raw, expected) => {
    expect(targetRequests(raw)).toEqual(expected)
  })

  it.each<[string, RawInputs, string]>([
    [
      'a repository of 257 characters',
      { repository: 'a'.repeat(257) },
      `Input 'repository' is '${'a'.repeat(257)}': expected`
    ],
    [
      'a repository ending in a separator',
      { repository: 'shop/' },
      `Input 'repository' is 'shop/': expected`
    ],
    ['two separators in a row', { repository: 'shop--web' }, `Input 'repository' is 'shop--web': expected`],
    ['a leading separator', { repository: '/shop' }, `Input 'repository' is '/shop': expected`],
    [
      'a targets line with only a stage',
      { targets: 'production=shop/web\n=shop/x' },
      `Line 2 of 'targets' is '=shop/x': expected 'stage=repository', e.g. 'production=shop/web'.`
    ]
  ])('refuses %s', (_name, raw, message) => {
    expect(() => targetRequests(raw)).toThrow(ConfigurationError)
    expect(() => targetRequests(raw)).toThrow(message)
  })
})

describe('resolveImages', () => {
  it('resolves each stage case-insensitively, once, against the parsed Dockerfile', () => {
    expect(
      resolveImages(
        [
          { stage: 'Production', repository: 'shop/web', line: 1 },
          { stage: 'BUILDER', repository: 'shop/builder', line: 2 }
        ],
        dockerfile,
        'Dockerfile'
      )
    ).toEqual([
      { stage: { name: 'production', index: 2, line: 5, from: 'base', named: true }, repository: 'shop/web' },
      { stage: { name: 'builder', index: 1, line: 3, from: 'base', named: true }, repository: 'shop/builder' }
    ])
  })

  it('names the input and line the stage came from', () => {
    expect(() =>
      resolveImages(
        [{ stage: 'worker', repository: 'shop/worker', line: 3 }],
        dockerfile,
        'docker/Dockerfile'
      )
    ).toThrow(
      new ConfigurationError(
        "Line 3 of 'targets' names the stage 'worker': docker/Dockerfile has no stage of that name. Stages: base, builder, production."
      )
    )
    expect(() =>
      resolveImages([{ stage: 'worker', repository: 'shop/worker' }], dockerfile, 'Dockerfile')
    ).toThrow(
      new ConfigurationError(
        "Input 'target' is 'worker': Dockerfile has no stage of that name. Stages: base, builder, production."
      )
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDockerfile, stagesOf } from '../../../src/config/dockerfile.js'
import { ConfigurationError } from '../../../src/errors.js'
import { mapLayers, type ImageConfig } from '../../../src/scan/layer-map.js'
import {
  biggestLayers,
  checkSizeBudget,
  describeLayer,
  formatSize,
  parseSize,
  parseSizeBudget,
  type SizedLayer
} from '../../../src/scan/size.js'

describe('parseSize', () => {
  it.each([
    ['200MB', 200_000_000],
    ['200 mb', 200_000_000],
    ['200M', 200_000_000],
    ['1.5GiB', 1_610_612_736],
    ['500kB', 500_000],
    ['512KiB', 524_288],
    ['1GB', 1_000_000_000],
    ['2TiB', 2_199_023_255_552],
    ['1048576', 1_048_576],
    ['100B', 100],
    [4096, 4096]
  ])('%j', (text, expected) => {
    expect(parseSize(text)).toBe(expected)
  })

  it.each(['', 'big', '200XB', '-5MB', '0', '1.5.2MB', 'MB', '9'.repeat(400), '10000TB', '0.0001B'])(
    'refuses %j',
    (text) => {
      expect(() => parseSize(text)).toThrow(
        new ConfigurationError(
          `Input 'max-image-size' is '${text}': expected a size such as '200MB', '1.5GiB' or a number of bytes up to 9 PB (kB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024).`
        )
      )
    }
  )

  it('names the input it was given', () => {
    expect(() => parseSize('x', 'cache-size')).toThrow("Input 'cache-size' is 'x'")
  })
})

describe('parseSizeBudget', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['2MB', 2_000_000]
  ])('%j', (text, expected) => {
    expect(parseSizeBudget(text)).toBe(expected)
  })
})

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1500, '1.5 kB'],
    [512_507, '513 kB'],
    [999_999, '1 MB'],
    [1_069_020, '1.07 MB'],
    [200_000_000, '200 MB'],
    [1_610_612_736, '1.61 GB'],
    [-300_000, '-300 kB'],
    [5e15, '5000 TB']
  ])('%d', (bytes, expected) => {
    expect(formatSize(bytes)).toBe(expected)
  })
})

describe('checkSizeBudget on a real image (manifest sizes + history)', () => {
  const dir = '__tests__/fixtures/images/multistage-production'
  const dockerfile = parseDockerfile(readFileSync(`${dir}/Dockerfile`, 'utf8'))
  const map = mapLayers({
    config: JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as ImageConfig,
    dockerfile,
    stage: stagesOf(dockerfile).find((stage) => stage.name === 'production')!,
    buildArgs: []
  })
  const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as {
    layers: { digest: string; size: number }[]
  }
  // The pushed manifest's compressed sizes, joined with the instructions by position.
  const layers: SizedLayer[] = manifest.layers.map((layer, index) => ({
    ...layer,
    instruction: map.layers[index].origin.instruction,
    line: map.layers[index].origin.line,
    fromBase: map.layers[index].origin.fromBase
  }))

  it.each([
    [
      '1MB',
      {
        over: true,
        total: 1_582_046,
        message: [
          'The image is 1.58 MB compressed, over the max-image-size budget of 1 MB by 582 kB. Biggest layers:',
          '- 1.07 MB from line 2 (base image): FROM ${BASE_IMAGE} AS base',
          '- 513 kB from line 19: RUN --mount=type=cache,target=/var/cache/app,sharing=locked echo "$APP_VERSION" > /app/built && dd …',
          '- 176 B from line 4: RUN mkdir -p /app && echo base > /app/base.txt'
        ].join('\n')
      }
    ],
    [
      '2MiB',
      {
        over: false,
        total: 1_582_046,
        message: 'The image is 1.58 MB compressed, within the max-image-size budget of 2.1 MB.'
      }
    ],
    [
      '1582046',
      {
        over: false,
        total: 1_582_046,
        message: 'The image is 1.58 MB compressed, within the max-image-size budget of 1.58 MB.'
      }
    ]
  ])('budget %s', (budget, expected) => {
    const { over, total, message } = checkSizeBudget(layers, parseSize(budget))
    expect({ over, total, message }).toEqual(expected)
  })

  it('names layers it cannot place by digest', () => {
    const check = checkSizeBudget(
      [{ digest: 'sha256:e1a7c01b2d4f176b78debdcd6d56834e4a5d7f80eede75aeeb41980786913857', size: 2_000 }],
      1_000
    )
    expect(check.message).toBe(
      'The image is 2 kB compressed, over the max-image-size budget of 1 kB by 1 kB. Biggest layers:\n- 2 kB (sha256:e1a7c01b2d4f, instruction unknown)'
    )
  })
})

describe('describeLayer and biggestLayers', () => {
  const layers: SizedLayer[] = [
    { digest: 'sha256:aaaaaaaaaaaaaaaaaaaa', size: 10 },
    { digest: 'sha256:b', size: 3_000, line: 4, instruction: 'RUN make' },
    { digest: 'sha256:c', size: 2_000_000, line: 1, instruction: 'FROM debian', fromBase: true },
    { digest: 'sha256:d', size: 500 }
  ]

  it('says where each layer came from', () => {
    expect(layers.map(describeLayer)).toEqual([
      '10 B (sha256:aaaaaaaaaaaa, instruction unknown)',
      '3 kB from line 4: RUN make',
      '2 MB from line 1 (base image): FROM debian',
      '500 B (sha256:d, instruction unknown)'
    ])
  })

  it('lists the biggest first, three by default', () => {
    expect(biggestLayers(layers).map((layer) => layer.size)).toEqual([2_000_000, 3_000, 500])
    expect(biggestLayers(layers, 1).map((layer) => layer.size)).toEqual([2_000_000])
  })

  it('says uncompressed when the sizes come from the daemon', () => {
    expect(checkSizeBudget(layers, 10_000_000, false).message).toBe(
      'The image is 2 MB uncompressed, within the max-image-size budget of 10 MB.'
    )
  })
})

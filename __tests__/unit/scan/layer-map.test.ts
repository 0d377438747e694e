import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDockerfile, stagesOf, type Stage } from '../../../src/config/dockerfile.js'
import type { Pair } from '../../../src/config/values.js'
import type { Finding } from '../../../src/scan/findings.js'
import {
  expandArgs,
  historyKeyword,
  mapFindings,
  mapLayers,
  originOfLayer,
  type ImageConfig,
  type LayerMapRequest
} from '../../../src/scan/layer-map.js'

const fixtures = '__tests__/fixtures/images'

function fixture(name: string, file: string): string {
  return readFileSync(`${fixtures}/${name}/${file}`, 'utf8')
}

function config(name: string): ImageConfig {
  return JSON.parse(fixture(name, 'config.json')) as ImageConfig
}

function trivyConfig(name: string): ImageConfig {
  return (JSON.parse(fixture(name, 'metadata.json')) as { ImageConfig: ImageConfig }).ImageConfig
}

/** What the config stage hands the mapping: the parsed Dockerfile and the resolved stage ('' is the last). */
function request(config: ImageConfig, text: string, target = '', buildArgs: string[] = []): LayerMapRequest {
  const dockerfile = parseDockerfile(text)
  const stages = stagesOf(dockerfile)
  const stage: Stage = target
    ? stages.find((candidate) => candidate.name === target)!
    : stages[stages.length - 1]
  const pairs: Pair[] = buildArgs.map((arg) => ({
    key: arg.split('=')[0],
    value: arg.slice(arg.indexOf('=') + 1)
  }))
  return { config, dockerfile, stage, buildArgs: pairs }
}

/** [short diff id, line, instruction, stage, fromBase, mapped] per layer: compact enough to read as a table. */
function rows(name: string, image: ImageConfig, target: string, buildArgs: string[] = []) {
  const map = mapLayers(request(image, fixture(name, 'Dockerfile'), target, buildArgs))
  return {
    problem: map.problem,
    layers: map.layers.map(({ diffId, origin }) => [
      diffId.slice(7, 19),
      origin.line,
      origin.instruction,
      origin.stage,
      origin.fromBase,
      origin.mapped,
      ...(origin.baseImage ? [origin.baseImage] : [])
    ])
  }
}

const cacheRun =
  'RUN --mount=type=cache,target=/var/cache/app,sharing=locked echo "$APP_VERSION" > /app/built && dd …'

describe('mapLayers on real image histories', () => {
  it.each([
    [
      'BuildKit, FROM base AS production, COPY --from, RUN --mount=type=cache, build arg',
      'multistage-production',
      'production',
      ['APP_VERSION=1.4.0'],
      [
        ['d9c1d5f895d5', 2, 'FROM ${BASE_IMAGE} AS base', 'base', true, true, 'busybox:local'],
        ['c112f8121d9f', 4, 'RUN mkdir -p /app && echo base > /app/base.txt', 'base', false, true],
        ['5f70bf18a086', 16, 'WORKDIR /app', 'production', false, true],
        ['5db95998d43b', 17, 'COPY --from=builder /src/version /app/version', 'production', false, true],
        [
          'ec9dbda4e708',
          18,
          'COPY --from=builder --chown=nobody /src/app.sh /app/app.sh',
          'production',
          false,
          true
        ],
        ['46e8f99aab9d', 19, cacheRun, 'production', false, true]
      ]
    ],
    [
      'build-args choose the base image FROM ${BASE_IMAGE} names',
      'multistage-production',
      'production',
      ['BASE_IMAGE=registry.example/busybox:1.36'],
      [
        [
          'd9c1d5f895d5',
          2,
          'FROM ${BASE_IMAGE} AS base',
          'base',
          true,
          true,
          'registry.example/busybox:1.36'
        ],
        ['c112f8121d9f', 4, 'RUN mkdir -p /app && echo base > /app/base.txt', 'base', false, true],
        ['5f70bf18a086', 16, 'WORKDIR /app', 'production', false, true],
        ['5db95998d43b', 17, 'COPY --from=builder /src/version /app/version', 'production', false, true],
        [
          'ec9dbda4e708',
          18,
          'COPY --from=builder --chown=nobody /src/app.sh /app/app.sh',
          'production',
          false,
          true
        ],
        ['46e8f99aab9d', 19, cacheRun, 'production', false, true]
      ]
    ],
    [
      'BuildKit, a target that is not the last stage',
      'multistage-builder',
      'builder',
      [],
      [
        ['d9c1d5f895d5', 2, 'FROM ${BASE_IMAGE} AS base', 'base', true, true, 'busybox:local'],
        ['c112f8121d9f', 4, 'RUN mkdir -p /app && echo base > /app/base.txt', 'base', false, true],
        ['60d5e3b6f9ce', 8, 'WORKDIR /src', 'builder', false, true],
        [
          'd59d8fcb6a4b',
          9,
          'RUN --mount=type=cache,target=/root/.cache echo "$APP_VERSION" > /src/version && dd if=/dev/urandom…',
          'builder',
          false,
          true
        ],
        ['09c6559451d4', 11, 'COPY app.sh /src/app.sh', 'builder', false, true]
      ]
    ],
    [
      'BuildKit, three-stage chain, RUN --mount=type=secret, SHELL, heredoc, exec form, ADD, COPY --link --from=0',
      'chain-app',
      'app',
      [],
      [
        ['d9c1d5f895d5', 1, 'FROM busybox:local AS os', 'os', true, true, 'busybox:local'],
        ['42467a142ff1', 2, 'RUN echo os > /os', 'os', false, true],
        [
          '216de746e67b',
          5,
          'RUN --mount=type=secret,id=token cat /run/secrets/token | wc -c > /deps',
          'deps',
          false,
          true
        ],
        ['0c8080f6404c', 9, 'RUN <<EOF echo one > /one echo two > /two EOF', 'app', false, true],
        ['927f2ebf4b77', 13, 'RUN ["/bin/sh", "-c", "echo exec > /exec"]', 'app', false, true],
        ['17ff95b747b7', 14, 'ADD added.txt /added.txt', 'app', false, true],
        ['cac426337b79', 15, 'COPY --link --from=0 /os /os-copy', 'app', false, true],
        ['046fa0f53d47', 16, 'COPY --from=busybox:local /bin/busybox /bin/busybox2', 'app', false, true]
      ]
    ],
    [
      'the last stage when no target is given; the classic builder writes #(nop) entries',
      'legacy-builder',
      '',
      [],
      [
        ['d9c1d5f895d5', 1, 'FROM busybox:local', '0', true, true, 'busybox:local'],
        ['2f70a1e50b6a', 2, 'WORKDIR /app', '0', false, true],
        ['dfbb9b37b866', 3, 'COPY Cargo.lock .', '0', false, true],
        ['426870ebb18a', 4, 'RUN echo built > /app/built', '0', false, true]
      ]
    ]
  ])('%s', (_title, name, target, buildArgs, expected) => {
    expect(rows(name, config(name), target, buildArgs)).toEqual({ problem: undefined, layers: expected })
  })

  it.each([
    [
      'Trivy Metadata.ImageConfig, classic builder with a base history',
      'trivy-busybox-with-lockfile',
      [
        ['797ac4999b67', 1, 'FROM busybox:1.35', '0', true, true, 'busybox:1.35'],
        ['ea6f6933da66', 2, 'COPY Cargo.lock .', '0', false, true]
      ]
    ],
    [
      'Trivy Metadata.ImageConfig, the image is its base',
      'trivy-alpine-310',
      [['03901b4a2ea8', 1, 'FROM alpine:3.10 AS runtime', 'runtime', true, true, 'alpine:3.10']]
    ]
  ])('%s', (_title, name, expected) => {
    expect(rows(name, trivyConfig(name), '')).toEqual({ problem: undefined, layers: expected })
  })

  it('falls back to the built stage FROM for what the history does not match, keeping the matched tail', () => {
    const dockerfile = fixture('multistage-production', 'Dockerfile').replace(
      'RUN mkdir -p /app',
      'VOLUME /data\nRUN mkdir -p /app'
    )
    const map = mapLayers(request(config('multistage-production'), dockerfile, 'production'))
    expect(map.problem).toBe("line 4 (VOLUME) has no matching image history entry: found 'ENV APP_HOME=/app'")
    expect(map.layers.map(({ origin }) => [origin.line, origin.mapped])).toEqual([
      [14, false],
      [5, true],
      [17, true],
      [18, true],
      [19, true],
      [20, true]
    ])
    expect(map.fallback).toEqual({
      line: 14,
      instruction: 'FROM base AS production',
      stage: 'production',
      fromBase: false,
      mapped: false
    })
  })

  it('maps nothing when the history names more layers than rootfs has', () => {
    const image = config('legacy-builder')
    const map = mapLayers(
      request(
        { ...image, rootfs: { diff_ids: image.rootfs?.diff_ids?.slice(1) } },
        fixture('legacy-builder', 'Dockerfile')
      )
    )
    expect(map.problem).toBe('the image history names 4 layers but rootfs.diff_ids has 3')
    expect(map.layers.map(({ origin }) => [origin.line, origin.mapped])).toEqual([
      [1, false],
      [1, false],
      [1, false]
    ])
  })

  it('treats layers before the first history entry as the base image', () => {
    const image = trivyConfig('trivy-busybox-with-lockfile')
    const map = mapLayers(
      request(
        { history: image.history?.slice(1), rootfs: image.rootfs },
        fixture('trivy-busybox-with-lockfile', 'Dockerfile')
      )
    )
    expect(
      map.layers.map(({ createdBy, origin }) => [createdBy.slice(0, 30), origin.line, origin.fromBase])
    ).toEqual([
      ['', 1, true],
      ['/bin/sh -c #(nop) COPY file:34', 2, false]
    ])
  })
})

describe('historyKeyword', () => {
  it.each([
    ['RUN |1 APP_VERSION=1.4.0 /bin/sh -c echo "$APP_VERSION" > /app/built # buildkit', 'RUN'],
    ['RUN /bin/sh -eu -c echo one > /one\necho two > /two\n # buildkit', 'RUN'],
    ['COPY --chown=nobody /src/app.sh /app/app.sh # buildkit', 'COPY'],
    ['EXPOSE map[8080/tcp:{}]', 'EXPOSE'],
    ['SHELL [/bin/sh -eu -c]', 'SHELL'],
    ['ARG APP_VERSION=dev', 'ARG'],
    ['/bin/sh -c #(nop)  USER nobody', 'USER'],
    ['/bin/sh -c #(nop) COPY file:2345 in . ', 'COPY'],
    ['/bin/sh -c echo built > /app/built', 'RUN'],
    ['|1 A=b /bin/sh -c echo $A', 'RUN'],
    ['', '']
  ])('%j', (createdBy, expected) => {
    expect(historyKeyword(createdBy)).toBe(expected)
  })
})

describe('expandArgs', () => {
  it.each([
    ['${BASE_IMAGE}', { BASE_IMAGE: 'busybox:local' }, 'busybox:local'],
    ['$REGISTRY/app:${TAG:-latest}', { REGISTRY: 'r.example' }, 'r.example/app:latest'],
    ['app${SUFFIX:+-slim}', { SUFFIX: '1' }, 'app-slim'],
    ['app${SUFFIX:+-slim}', {}, 'app'],
    ['${MISSING}base', {}, 'base']
  ])('%s %j', (text, values, expected) => {
    expect(expandArgs(text, values)).toBe(expected)
  })
})

const production = mapLayers(
  request(config('multistage-production'), fixture('multistage-production', 'Dockerfile'), 'production')
)

function finding(id: string, pkgName: string, layerDiffId?: string): Finding {
  return {
    id,
    pkgName,
    installedVersion: '1.0',
    severity: 'HIGH',
    target: 'image (alpine 3.10.2)',
    class: 'os-pkgs',
    ...(layerDiffId ? { layerDiffId } : {})
  }
}

describe('mapFindings', () => {
  it.each([
    [
      'a package from the base image',
      'sha256:d9c1d5f895d5fbeeeabb7028c43a34b73cdb4c66feb9cf6320a4005e6bcab51f',
      { line: 2, stage: 'base', fromBase: true, mapped: true }
    ],
    [
      'a package a RUN --mount installed',
      'sha256:46e8f99aab9d26e1024005d99a0dd5e078f6a369b4e457a88b325cc75c23f899',
      { line: 19, stage: 'production', fromBase: false, mapped: true }
    ],
    [
      'a layer the image does not have',
      'sha256:0000',
      { line: 13, stage: 'production', fromBase: false, mapped: false }
    ],
    ['no layer reported', undefined, { line: 13, stage: 'production', fromBase: false, mapped: false }]
  ])('%s', (_title, diffId, expected) => {
    const [mapped] = mapFindings([finding('CVE-1', 'openssl', diffId)], production)
    const { line, stage, fromBase, mapped: wasMapped } = mapped.origin
    expect({ line, stage, fromBase, mapped: wasMapped }).toEqual(expected)
  })
})

describe('originOfLayer', () => {
  it('is the fallback for an unknown or missing layer, and the first layer with that content otherwise', () => {
    expect(originOfLayer(production, undefined)).toBe(production.fallback)
    expect(originOfLayer(production, 'sha256:nope')).toBe(production.fallback)
    expect(originOfLayer(production, production.layers[5].diffId)).toBe(production.layers[5].origin)
  })
})

describe('mapLayers with an unexpanded base and an empty history', () => {
  it('maps every layer to the base image when the config has no history', () => {
    const map = mapLayers(
      request(
        { rootfs: { diff_ids: ['sha256:a', 'sha256:b'] } },
        'ARG BASE\nFROM ${BASE:-busybox:1.36}\n',
        ''
      )
    )
    expect(map.problem).toBeUndefined()
    expect(
      map.layers.map((layer) => [layer.origin.line, layer.origin.fromBase, layer.origin.baseImage])
    ).toEqual([
      [2, true, 'busybox:1.36'],
      [2, true, 'busybox:1.36']
    ])
  })
})

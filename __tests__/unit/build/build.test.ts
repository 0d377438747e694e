import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import {
  buildResultOf,
  planBuild,
  readBuildResult,
  runWithProgress,
  secretSpecs,
  type BuildRequest
} from '../../../src/build/build.js'
import { planOutput } from '../../../src/build/output.js'
import { CommandError } from '../../../src/errors.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const image = 'r.example/shop/web'
const names = {
  image,
  tags: [`${image}:abc1234`, `${image}:latest`],
  staging: 'ecr-build-push-staging/shop/web:1-0'
}
const request: BuildRequest = {
  builder: 'default',
  file: '/w/Dockerfile',
  context: '/w',
  target: 'production',
  platforms: [],
  buildArgs: [{ key: 'APP_VERSION', value: '1.4.0' }],
  secrets: [],
  secretFiles: [],
  labels: { 'org.opencontainers.image.revision': 'abc' },
  annotations: [],
  output: planOutput('tags', names, false),
  cache: { from: [], to: [] },
  noCache: false,
  pull: false,
  provenance: '',
  sbom: '',
  metadataFile: '/t/metadata.json',
  iidFile: '/t/iid.txt'
}
const head = ['buildx', 'build', '--builder', 'default', '--file', '/w/Dockerfile', '--target', 'production']
const tail = ['--metadata-file', '/t/metadata.json', '--iidfile', '/t/iid.txt', '--progress', 'rawjson', '/w']
const arg = ['--build-arg', 'APP_VERSION=1.4.0']
const label = ['--label', 'org.opencontainers.image.revision=abc']
const tags = ['--tag', `${image}:abc1234`, '--tag', `${image}:latest`]

describe('planBuild', () => {
  it('builds the target once with every tag and pushes them through the image exporter', () => {
    expect(planBuild(request)).toEqual({
      tool: 'docker',
      args: [
        'buildx',
        'build',
        '--builder',
        'default',
        '--file',
        '/w/Dockerfile',
        '--target',
        'production',
        '--build-arg',
        'APP_VERSION=1.4.0',
        '--label',
        'org.opencontainers.image.revision=abc',
        '--tag',
        'r.example/shop/web:abc1234',
        '--tag',
        'r.example/shop/web:latest',
        '--output',
        'type=image,push=true',
        '--metadata-file',
        '/t/metadata.json',
        '--iidfile',
        '/t/iid.txt',
        '--progress',
        'rawjson',
        '/w'
      ]
    })
  })

  it('passes secret values through the environment only, files by path', () => {
    const command = planBuild({
      ...request,
      secrets: [
        { id: 'npm_token', value: 'hunter2' },
        { id: 'pip', value: 'a=b' }
      ],
      secretFiles: [{ id: 'aws', path: '/home/.aws/credentials' }]
    })
    expect(command).toEqual({
      tool: 'docker',
      args: [
        ...head,
        ...arg,
        '--secret',
        'id=npm_token,env=ECR_BUILD_PUSH_SECRET_0',
        '--secret',
        'id=pip,env=ECR_BUILD_PUSH_SECRET_1',
        '--secret',
        'id=aws,src=/home/.aws/credentials',
        ...label,
        ...tags,
        '--output',
        'type=image,push=true',
        ...tail
      ],
      env: { ECR_BUILD_PUSH_SECRET_0: 'hunter2', ECR_BUILD_PUSH_SECRET_1: 'a=b' }
    })
    expect(command.args.join(' ')).not.toContain('hunter2')
  })

  it.each<[string, Partial<BuildRequest>, string[]]>([
    [
      'pushed and loaded',
      { output: planOutput('tags', names, true) },
      [
        ...head,
        ...arg,
        ...label,
        ...tags,
        '--output',
        'type=image,push=true',
        '--output',
        'type=docker',
        ...tail
      ]
    ],
    [
      'pushed by digest for the scan: no tag at all',
      { output: planOutput('registry-staging', names, false) },
      [
        ...head,
        ...arg,
        ...label,
        '--output',
        'type=image,name=r.example/shop/web,push-by-digest=true,name-canonical=true,push=true',
        ...tail
      ]
    ],
    [
      'held in the daemon under its staging name, with an OCI layout for the scan',
      { output: planOutput('daemon-staging', { ...names, layout: '/t/oci' }, false) },
      [
        ...head,
        ...arg,
        ...label,
        '--tag',
        'ecr-build-push-staging/shop/web:1-0',
        '--output',
        'type=docker,oci-mediatypes=true',
        '--output',
        'type=oci,dest=/t/oci,tar=false',
        ...tail
      ]
    ],
    [
      'loaded without a push',
      { output: planOutput('local', names, true) },
      [...head, ...arg, ...label, ...tags, '--output', 'type=docker', ...tail]
    ],
    [
      'cache only',
      { output: planOutput('cache-only', names, false) },
      [...head, ...arg, ...label, '--output', 'type=cacheonly', ...tail]
    ],
    [
      'several platforms',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      [
        ...head,
        '--platform',
        'linux/amd64,linux/arm64',
        ...arg,
        ...label,
        ...tags,
        '--output',
        'type=image,push=true',
        ...tail
      ]
    ],
    [
      'no-cache, pull and attestations',
      { noCache: true, pull: true, provenance: 'mode=max', sbom: 'true' },
      [
        ...head,
        ...arg,
        ...label,
        ...tags,
        '--no-cache',
        '--pull',
        '--provenance=mode=max',
        '--sbom=true',
        '--output',
        'type=image,push=true',
        ...tail
      ]
    ],
    [
      'cache reads and writes in plan order',
      { cache: { from: ['type=gha,scope=a', 'type=gha,scope=b'], to: ['type=inline'] } },
      [
        ...head,
        ...arg,
        ...label,
        ...tags,
        '--cache-from',
        'type=gha,scope=a',
        '--cache-from',
        'type=gha,scope=b',
        '--cache-to',
        'type=inline',
        '--output',
        'type=image,push=true',
        ...tail
      ]
    ],
    [
      'annotations',
      { annotations: ['index:org.opencontainers.image.version=1.4.0'] },
      [
        ...head,
        ...arg,
        ...label,
        '--annotation',
        'index:org.opencontainers.image.version=1.4.0',
        ...tags,
        '--output',
        'type=image,push=true',
        ...tail
      ]
    ],
    [
      'the last stage, which has no name: no --target',
      { target: '', buildArgs: [], labels: {} },
      [
        'buildx',
        'build',
        '--builder',
        'default',
        '--file',
        '/w/Dockerfile',
        ...tags,
        '--output',
        'type=image,push=true',
        ...tail
      ]
    ]
  ])('%s', (_name, change, args) => {
    expect(planBuild({ ...request, ...change })).toEqual({ tool: 'docker', args })
  })
})

describe('secretSpecs', () => {
  it('names values by environment variable and files by path, values only in env', () => {
    expect(
      secretSpecs({ secrets: [{ id: 'a', value: 'x,y' }], secretFiles: [{ id: 'b', path: '/w/b' }] })
    ).toEqual({
      specs: ['id=a,env=ECR_BUILD_PUSH_SECRET_0', 'id=b,src=/w/b'],
      env: { ECR_BUILD_PUSH_SECRET_0: 'x,y' }
    })
    expect(secretSpecs({ secrets: [], secretFiles: [] })).toEqual({ specs: [], env: {} })
  })
})

describe('buildResultOf', () => {
  const stats = { steps: 3, cached: 1, slowest: [] }
  it.each<[Record<string, unknown>, string, { digest: string; imageId: string }]>([
    [
      { 'containerimage.digest': 'sha256:manifest', 'containerimage.config.digest': 'sha256:config' },
      'sha256:iid',
      { digest: 'sha256:manifest', imageId: 'sha256:iid' }
    ],
    [
      { 'containerimage.digest': 'sha256:manifest', 'containerimage.config.digest': 'sha256:config' },
      '',
      { digest: 'sha256:manifest', imageId: 'sha256:config' }
    ],
    [
      { 'containerimage.digest': 'sha256:manifest' },
      '',
      { digest: 'sha256:manifest', imageId: 'sha256:manifest' }
    ],
    [{ 'containerimage.digest': 7 }, '', { digest: '', imageId: '' }],
    [{}, '', { digest: '', imageId: '' }]
  ])('%j with iid %j', (metadata, iid, expected) => {
    expect(buildResultOf(metadata, iid, stats)).toEqual({ ...expected, metadata, stats })
  })

  it('reads the metadata file and the image id file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'build-result-'))
    const files = { metadataFile: path.join(dir, 'metadata.json'), iidFile: path.join(dir, 'iid.txt') }
    writeFileSync(files.metadataFile, JSON.stringify({ 'containerimage.digest': 'sha256:m' }))
    await expect(readBuildResult(files, stats)).resolves.toEqual({
      digest: 'sha256:m',
      imageId: 'sha256:m',
      metadata: { 'containerimage.digest': 'sha256:m' },
      stats
    })
    writeFileSync(files.iidFile, 'sha256:iid\n')
    expect((await readBuildResult(files, stats)).imageId).toBe('sha256:iid')
  })
})

describe('runWithProgress', () => {
  const vertex = (digest: string, name: string, extra: Record<string, unknown>) =>
    JSON.stringify({ vertexes: [{ digest, name, ...extra }] })

  it('turns rawjson progress into log lines and counts the steps', async () => {
    const log = new RecordingLog()
    const runner = new ScriptedRunner({
      run: (_command, options) => {
        options?.onStderrLine?.(vertex('sha256:1', '[2/2] RUN make', { started: '2024-01-01T00:00:00Z' }))
        options?.onStderrLine?.(
          vertex('sha256:1', '[2/2] RUN make', {
            started: '2024-01-01T00:00:00Z',
            completed: '2024-01-01T00:00:02Z'
          })
        )
        return {}
      }
    })
    const stats = await runWithProgress(runner, log, { tool: 'docker', args: ['buildx', 'build'] })
    expect(stats).toEqual({ steps: 1, cached: 0, slowest: [{ name: '[2/2] RUN make', seconds: 2 }] })
    expect(log.of('untrusted')).toEqual(['#1 [2/2] RUN make', '#1 DONE 2.0s'])
  })

  it('fails with the readable lines instead of the raw JSON', async () => {
    const runner = new ScriptedRunner({
      run: (_command, options) => {
        options?.onStderrLine?.(
          vertex('sha256:1', '[2/2] RUN make', {
            started: '2024-01-01T00:00:00Z',
            completed: '2024-01-01T00:00:01Z',
            error: 'process "/bin/sh -c make" did not complete successfully: exit code: 2'
          })
        )
        options?.onStderrLine?.('ERROR: failed to solve')
        return new CommandError('$ docker buildx build', 1, '{"vertexes":[…]}')
      }
    })
    await expect(
      runWithProgress(runner, new RecordingLog(), { tool: 'docker', args: [] })
    ).rejects.toMatchObject({
      name: 'CommandError',
      exitCode: 1,
      stderrTail: [
        '#1 [2/2] RUN make',
        '#1 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
        'ERROR: failed to solve'
      ].join('\n')
    })
  })

  it("says a first run's missing cache in the log's own words", async () => {
    const log = new RecordingLog()
    const runner = new ScriptedRunner({
      run: (_command, options) => {
        options?.onStderrLine?.(
          vertex('sha256:c', 'importing cache manifest from 127.0.0.1:5000/shop/web:main', {
            started: '2024-01-01T00:00:00Z',
            completed: '2024-01-01T00:00:01Z',
            error: 'failed to configure registry cache importer: 127.0.0.1:5000/shop/web:main: not found'
          })
        )
        return {}
      }
    })
    await runWithProgress(runner, log, { tool: 'docker', args: ['buildx', 'build'] })
    expect(log.of('info')).toEqual([
      'No earlier image to reuse at 127.0.0.1:5000/shop/web:main (nothing there yet, as on a first run): every build step runs.'
    ])
  })

  it('fails with the last 25 readable lines, an update cut short by the failure included', async () => {
    const runner = new ScriptedRunner({
      run: (_command, options) => {
        for (let n = 1; n <= 30; n++) options?.onStderrLine?.(`step ${n}`)
        options?.onStderrLine?.('{"vertexes": [')
        return new CommandError('$ docker buildx build', 1, '')
      }
    })
    const failure = (await runWithProgress(runner, new RecordingLog(), { tool: 'docker', args: [] }).catch(
      (error: unknown) => error
    )) as CommandError
    expect(failure.stderrTail.split('\n')).toEqual([
      ...Array.from({ length: 24 }, (_, at) => `step ${at + 7}`),
      '{"vertexes": ['
    ])
  })
})

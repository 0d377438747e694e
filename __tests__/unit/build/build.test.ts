import { describe, expect, it } from '@jest/globals'
import { planBuild, type BuildRequest } from '../../../src/build/build.js'

const request: BuildRequest = {
  builder: 'default',
  file: '/w/Dockerfile',
  context: '/w',
  target: 'production',
  platforms: [],
  buildArgs: ['APP_VERSION=1.4.0'],
  secrets: [],
  secretFiles: [],
  labels: { 'org.opencontainers.image.revision': 'abc' },
  annotations: [],
  tags: ['r.example/shop/web:abc1234', 'r.example/shop/web:latest'],
  image: 'r.example/shop/web',
  cacheArgs: [],
  output: 'push',
  noCache: false,
  pull: false,
  provenance: '',
  sbom: '',
  metadataFile: '/t/metadata.json',
  iidFile: '/t/iid.txt',
  alsoLoad: false
}

describe('planBuild', () => {
  it('builds the target once with every tag and pushes', () => {
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
        '--push',
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

  it('passes secret values through the environment only', () => {
    const command = planBuild({
      ...request,
      secrets: ['npm_token=hunter2', 'pip=a=b'],
      secretFiles: ['aws=/home/.aws/credentials']
    })
    expect(command.args.join(' ')).not.toContain('hunter2')
    expect(command.args).toEqual(
      expect.arrayContaining([
        '--secret',
        'id=npm_token,env=ECR_BUILD_PUSH_SECRET_0',
        '--secret',
        'id=pip,env=ECR_BUILD_PUSH_SECRET_1',
        '--secret',
        'id=aws,src=/home/.aws/credentials'
      ])
    )
    expect(command.env).toEqual({ ECR_BUILD_PUSH_SECRET_0: 'hunter2', ECR_BUILD_PUSH_SECRET_1: 'a=b' })
  })

  it.each<[Partial<BuildRequest>, string[]]>([
    [
      { output: 'load' },
      ['--tag', 'r.example/shop/web:abc1234', '--tag', 'r.example/shop/web:latest', '--load']
    ],
    [
      { output: 'push-by-digest' },
      ['--output', 'type=image,name=r.example/shop/web,push-by-digest=true,name-canonical=true,push=true']
    ],
    [{ platforms: ['linux/amd64', 'linux/arm64'] }, ['--platform', 'linux/amd64,linux/arm64']],
    [
      { noCache: true, pull: true, provenance: 'mode=max', sbom: 'true' },
      ['--no-cache', '--pull', '--provenance=mode=max', '--sbom=true']
    ],
    [{ cacheArgs: ['--cache-to', 'type=inline'] }, ['--cache-to', 'type=inline']],
    [
      { annotations: ['index:org.opencontainers.image.version=1.4.0'] },
      ['--annotation', 'index:org.opencontainers.image.version=1.4.0']
    ]
  ])('%j', (change, expected) => {
    const args = planBuild({ ...request, ...change }).args
    const at = args.indexOf(expected[0])
    expect(args.slice(at, at + expected.length)).toEqual(expected)
  })

  it('gives no tags to a push by digest', () => {
    expect(planBuild({ ...request, output: 'push-by-digest' }).args).not.toContain('--tag')
    expect(planBuild({ ...request, output: 'none' }).args).not.toContain('--push')
  })
})

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ConfigurationError } from '../../src/errors.js'
import { inspectDockerfile, parseInputs, type RawInputs } from '../../src/config/inputs.js'

const env = { AWS_REGION: 'eu-west-1' }

describe('parseInputs', () => {
  it('applies defaults for a minimal step', () => {
    expect(parseInputs({ repository: 'shop/web' }, env)).toEqual({
      repository: 'shop/web',
      targets: [{ stage: '', repository: 'shop/web' }],
      gate: 'atomic',
      'aws-region': 'eu-west-1',
      'registry-ids': [],
      'create-repository': false,
      'image-tag-mutability': 'MUTABLE',
      context: '.',
      file: 'Dockerfile',
      target: '',
      'build-args': [],
      secrets: [],
      'secret-files': [],
      labels: [],
      platforms: [],
      push: true,
      load: false,
      'no-cache': false,
      pull: false,
      provenance: '',
      sbom: '',
      driver: 'docker-container',
      builder: '',
      tags: [],
      flavor: [],
      'sha-source': 'head',
      'dry-run': false,
      scan: true,
      'github-token': ''
    })
  })

  it.each<[string, RawInputs, Partial<ReturnType<typeof parseInputs>>]>([
    ['file defaults under context', { context: 'services/api' }, { file: 'services/api/Dockerfile' }],
    ['region input wins over env', { 'aws-region': 'us-east-1' }, { 'aws-region': 'us-east-1' }],
    ['no region needed without a push', { push: 'false' }, { 'aws-region': '', push: false }],
    [
      'registry ids as a list',
      { 'registry-ids': '123456789012,210987654321' },
      { 'registry-ids': ['123456789012', '210987654321'] }
    ],
    [
      'build args keep commas and spaces',
      { 'build-args': 'A=1,2\nB=two words' },
      { 'build-args': ['A=1,2', 'B=two words'] }
    ],
    ['booleans are case-insensitive', { push: 'False', load: 'TRUE' }, { push: false, load: true }],
    ['driver docker', { driver: 'docker' }, { driver: 'docker' }],
    [
      'platforms',
      { platforms: 'linux/amd64, linux/arm64/v8' },
      { platforms: ['linux/amd64', 'linux/arm64/v8'] }
    ],
    [
      'tag rules one per line',
      { tags: 'type=sha,prefix=staging-\ntype=ref,event=branch' },
      { tags: ['type=sha,prefix=staging-', 'type=ref,event=branch'] }
    ]
  ])('%s', (_name, raw, expected) => {
    const environment = raw.push === 'false' ? {} : env
    expect(parseInputs({ repository: 'shop/web', ...raw }, environment)).toMatchObject(expected)
  })

  it.each<[string, RawInputs, NodeJS.ProcessEnv, string]>([
    [
      'uppercase repository',
      { repository: 'Shop/Web' },
      env,
      `Input 'repository' is 'Shop/Web': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`
    ],
    [
      'one-character repository',
      { repository: 'a' },
      env,
      `Input 'repository' is 'a': expected an ECR repository name`
    ],
    [
      'repository with a shell substitution',
      { repository: 'shop/$(id)' },
      env,
      `Input 'repository' is 'shop/$(id)'`
    ],
    [
      'no region anywhere',
      {},
      {},
      `Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set`
    ],
    [
      'bad region',
      { 'aws-region': 'mars' },
      env,
      `Input 'aws-region' is 'mars': expected an AWS region such as 'us-east-1'.`
    ],
    [
      'bad account id',
      { 'registry-ids': '1234' },
      env,
      `Input 'registry-ids' has '1234': expected 12-digit AWS account ids.`
    ],
    ['bad boolean', { push: 'yes' }, env, `Input 'push' is 'yes': expected 'true' or 'false'.`],
    [
      'bad driver',
      { driver: 'kubernetes' },
      env,
      `Input 'driver' is 'kubernetes': expected one of 'docker-container', 'docker'.`
    ],
    [
      'bad build arg',
      { 'build-args': 'NOVALUE' },
      env,
      `Input 'build-args' has the line 'NOVALUE': expected NAME=value, one per line.`
    ],
    [
      'bad platform',
      { platforms: 'amd64' },
      env,
      `Input 'platforms' has 'amd64': expected platforms such as 'linux/amd64,linux/arm64'.`
    ],
    [
      'bad sha-source',
      { 'sha-source': 'tip' },
      env,
      `Input 'sha-source' is 'tip': expected one of 'head', 'merge'.`
    ]
  ])('rejects %s', (_name, raw, environment, message) => {
    const parse = () => parseInputs({ repository: 'shop/web', ...raw }, environment)
    expect(parse).toThrow(ConfigurationError)
    expect(parse).toThrow(message)
  })

  it('never echoes a secret value in its error', () => {
    expect(() => parseInputs({ repository: 'shop/web', secrets: 'bad id=hunter2' }, env)).toThrow(
      `Input 'secrets' has the line 'bad id=***': expected id=value, one per line.`
    )
  })
})

describe('targets', () => {
  it('reads one stage=repository line per image', () => {
    expect(
      parseInputs(
        { targets: 'production=shop/web\nworker = shop/worker\n# later\n', gate: 'per-target' },
        env
      )
    ).toMatchObject({
      repository: 'shop/web',
      target: 'production',
      targets: [
        { stage: 'production', repository: 'shop/web' },
        { stage: 'worker', repository: 'shop/worker' }
      ],
      gate: 'per-target'
    })
  })

  it.each<[string, RawInputs, string]>([
    [
      'with repository too',
      { targets: 'a=shop/a', repository: 'shop/web' },
      `Input 'targets' is set together with 'repository' or 'target'`
    ],
    [
      'without a repository',
      { targets: 'production' },
      `Input 'targets' has the line 'production': expected 'stage=repository', e.g. 'production=shop/web'.`
    ],
    [
      'with a bad repository',
      { targets: 'a=Shop/A' },
      `Input 'targets' has the repository 'Shop/A': expected an ECR repository name`
    ],
    [
      'sending two stages to one repository',
      { targets: 'a=shop/x\nb=shop/x' },
      `Input 'targets' sends two stages to 'shop/x'`
    ],
    [
      'with an unknown gate',
      { targets: 'a=shop/a', gate: 'strict' },
      `Input 'gate' is 'strict': expected one of 'atomic', 'per-target'.`
    ],
    ['with neither form', {}, `Input 'repository' is '': expected an ECR repository name`]
  ])('rejects targets %s', (_name, raw, message) => {
    expect(() => parseInputs(raw, env)).toThrow(message)
  })
})

describe('inspectDockerfile', () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'inputs-'))
  writeFileSync(
    path.join(workspace, 'Dockerfile'),
    'ARG BASE=busybox\nFROM ${BASE} AS base\nFROM base AS builder\nRUN true\nFROM base AS production\nFROM scratch\n'
  )
  const inputs = (raw: RawInputs) => parseInputs({ repository: 'shop/web', ...raw }, env)

  it('finds the target stage and its FROM line', () => {
    const facts = inspectDockerfile(inputs({ target: 'production' }), workspace)
    expect(facts.built).toEqual([{ name: 'production', index: 2, line: 5, from: 'base' }])
    expect(facts.stages.map((stage) => stage.name)).toEqual(['base', 'builder', 'production', '3'])
  })

  it('builds the last stage when no target is given', () => {
    expect(inspectDockerfile(inputs({}), workspace).built.map((stage) => stage.name)).toEqual(['3'])
  })

  it('lists the named stages when the target is unknown', () => {
    expect(() => inspectDockerfile(inputs({ target: 'prod' }), workspace)).toThrow(
      `Input 'target' is 'prod': Dockerfile has no stage of that name. Stages: base, builder, production.`
    )
  })

  it('finds every target stage, and names the input when one is unknown', () => {
    const facts = inspectDockerfile(
      inputs({ repository: '', targets: 'production=shop/web\nbuilder=shop/builder' }),
      workspace
    )
    expect(facts.built.map((stage) => stage.name)).toEqual(['production', 'builder'])
    expect(() =>
      inspectDockerfile(
        inputs({ repository: '', targets: 'production=shop/web\nworker=shop/worker' }),
        workspace
      )
    ).toThrow(
      `Input 'targets' has the stage 'worker': Dockerfile has no stage of that name. Stages: base, builder, production.`
    )
  })

  it('names the missing Dockerfile', () => {
    expect(() => inspectDockerfile(inputs({ file: 'nope/Dockerfile' }), workspace)).toThrow(
      `Input 'file' is 'nope/Dockerfile': no Dockerfile at ${path.join(workspace, 'nope/Dockerfile')}.`
    )
  })
})

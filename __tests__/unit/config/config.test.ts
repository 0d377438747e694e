import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { secretValues, type Config } from '../../../src/config/config.js'
import type { RawInputs } from '../../../src/config/values.js'
import { ConfigurationError } from '../../../src/errors.js'
import { parseTagRules } from '../../../src/meta/meta.js'
import { configOf, dockerfileText, makeWorkspace } from './workspace.js'

const { workspace, runnerTemp } = makeWorkspace({ 'services/api/Dockerfile': 'FROM busybox AS api\n' })
const env = { AWS_REGION: 'eu-west-1', RUNNER_TEMP: runnerTemp }
const parse = (raw: RawInputs, environment: NodeJS.ProcessEnv = env) =>
  configOf(workspace, { repository: 'shop/web', ...raw }, environment)

const stages = [
  { name: 'base', index: 0, line: 2, from: '${BASE}', named: true },
  { name: 'builder', index: 1, line: 3, from: 'base', named: true },
  { name: 'production', index: 2, line: 5, from: 'base', named: true },
  { name: '3', index: 3, line: 6, from: 'scratch', named: false }
]

describe('parseConfig', () => {
  it('applies defaults for a minimal step', () => {
    const expected: Config = {
      images: [{ stage: stages[3], repository: 'shop/web' }],
      gate: 'atomic',
      aws: { region: 'eu-west-1', registryIds: [], createRepository: false, tagMutability: 'MUTABLE' },
      build: {
        context: workspace,
        file: 'Dockerfile',
        filePath: path.join(workspace, 'Dockerfile'),
        buildArgs: [],
        secrets: [],
        secretFiles: [],
        labels: [],
        platforms: [],
        push: true,
        load: false,
        noCache: false,
        pull: false,
        provenance: '',
        sbom: '',
        driver: 'docker-container',
        builder: '',
        created: 'commit'
      },
      dockerfile: {
        path: path.join(workspace, 'Dockerfile'),
        relativePath: 'Dockerfile',
        text: dockerfileText,
        parsed: expect.anything() as unknown as Config['dockerfile']['parsed'],
        stages
      },
      cache: { backends: [], from: [], to: [], mode: 'max', ref: '', repository: '' },
      tags: {
        rules: [],
        flavor: { latest: 'auto', prefix: [], prefixOnLatest: false, suffix: [], suffixOnLatest: false },
        shaSource: 'head'
      },
      scan: {
        trivyVersion: '0.75.0',
        trivyChecksum: { kind: 'none' },
        skipSetupTrivy: false,
        dbRepositories: [],
        severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
        failOn: 'CRITICAL',
        ignoreUnfixed: false,
        ignoreFiles: [],
        scanners: ['vuln'],
        pkgTypes: ['os', 'library'],
        sarifUpload: true,
        sarifCategory: '',
        keepBlocked: false,
        listAllPackages: false
      },
      report: { annotateSeverity: 'HIGH', prComment: true },
      checks: { enabled: true, failOn: 'none', ignore: [] },
      sign: {
        sign: false,
        'sign-key': '',
        'sign-key-password': '',
        attest: [],
        sbomFormat: 'cyclonedx',
        'skip-setup-cosign': false,
        'transparency-log': true
      },
      dryRun: false,
      githubToken: ''
    }
    expect(parse({})).toEqual(expected)
  })

  it.each<[string, RawInputs, NodeJS.ProcessEnv, (config: Config) => unknown, unknown]>([
    [
      'file defaults under context',
      { context: 'services/api' },
      env,
      (config) => [config.build.context, config.build.file, config.dockerfile.relativePath],
      [path.join(workspace, 'services/api'), 'services/api/Dockerfile', 'services/api/Dockerfile']
    ],
    ['region input wins over env', { 'aws-region': 'us-east-1' }, env, (c) => c.aws.region, 'us-east-1'],
    [
      'AWS_DEFAULT_REGION after AWS_REGION',
      {},
      { AWS_DEFAULT_REGION: 'ap-south-1' },
      (c) => c.aws.region,
      'ap-south-1'
    ],
    [
      'no region needed without a push',
      { push: 'false' },
      {},
      (c) => [c.aws.region, c.build.push],
      ['', false]
    ],
    [
      'registry ids as a list',
      { 'registry-ids': '123456789012,210987654321' },
      env,
      (c) => c.aws.registryIds,
      ['123456789012', '210987654321']
    ],
    [
      'build args keep commas and spaces, split once at the first =',
      { 'build-args': 'A=1,2\nB=two words\n# a comment\nC==x' },
      env,
      (c) => c.build.buildArgs,
      [
        { key: 'A', value: '1,2' },
        { key: 'B', value: 'two words' },
        { key: 'C', value: '=x' }
      ]
    ],
    [
      'booleans are case-insensitive',
      { push: 'False', load: 'TRUE' },
      env,
      (c) => [c.build.push, c.build.load],
      [false, true]
    ],
    ['driver docker', { driver: 'docker' }, env, (c) => c.build.driver, 'docker'],
    [
      'platforms, lower-cased',
      { platforms: 'linux/amd64, Linux/ARM64/v8' },
      env,
      (c) => c.build.platforms,
      ['linux/amd64', 'linux/arm64/v8']
    ],
    [
      'tag rules one per line, quotes kept for parseTagRules',
      {
        tags: 'type=sha,prefix=staging-\ntype=ref,event=branch\ntype=match,"pattern=v(\\d+),(\\d+)",group=1'
      },
      env,
      (c) => c.tags.rules,
      parseTagRules([
        'type=sha,prefix=staging-',
        'type=ref,event=branch',
        'type=match,"pattern=v(\\d+),(\\d+)",group=1'
      ])
    ],
    ['scan: false leaves the scan out', { scan: 'false' }, env, (c) => c.scan, undefined],
    ['gate per-target', { gate: 'Per-Target' }, env, (c) => c.gate, 'per-target'],
    ['the token, trimmed', { 'github-token': ' ghs_abc \n' }, env, (c) => c.githubToken, 'ghs_abc'],
    ['dry-run', { 'dry-run': 'true' }, env, (c) => c.dryRun, true],
    [
      'an SBOM attestation makes the scan list every package',
      { attest: 'sbom,vuln' },
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example' },
      (c) => [c.sign.sign, c.sign.method, c.sign.attest, c.scan?.listAllPackages],
      [true, 'keyless', ['sbom', 'vuln'], true]
    ],
    [
      'a provenance attestation builds without buildx’s own unknown/unknown provenance manifest',
      {},
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example' },
      (c) => [c.sign.attest, c.build.provenance],
      [['provenance', 'vuln'], 'false']
    ],
    [
      'the provenance input keeps buildx’s provenance, which is then the one attested',
      { provenance: 'mode=max' },
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example' },
      (c) => [c.sign.attest, c.build.provenance],
      [['provenance', 'vuln'], 'mode=max']
    ],
    [
      'without a provenance attestation, buildx’s default stays',
      { attest: 'vuln' },
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example' },
      (c) => c.build.provenance,
      ''
    ],
    [
      'the target stage, case-insensitively as BuildKit',
      { target: 'PRODUCTION' },
      env,
      (c) => c.images,
      [{ stage: stages[2], repository: 'shop/web' }]
    ]
  ])('%s', (_name, raw, environment, read, expected) => {
    expect(read(parse(raw, environment))).toEqual(expected)
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
      `Input 'repository' is 'a': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`
    ],
    [
      'repository with a shell substitution',
      { repository: 'shop/$(id)' },
      env,
      `Input 'repository' is 'shop/$(id)': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`
    ],
    [
      'no region anywhere',
      {},
      {},
      `Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set: set 'aws-region' (e.g. us-east-1) or run aws-actions/configure-aws-credentials first.`
    ],
    [
      'bad region',
      { 'aws-region': 'mars' },
      env,
      `Input 'aws-region' is 'mars': expected an AWS region such as 'us-east-1'.`
    ],
    [
      'bad region from the environment',
      {},
      { AWS_REGION: 'US-EAST-1' },
      `Input 'aws-region' is 'US-EAST-1': expected an AWS region such as 'us-east-1'.`
    ],
    [
      'bad account id',
      { 'registry-ids': '1234' },
      env,
      `Input 'registry-ids' has '1234': expected 12-digit AWS account ids.`
    ],
    [
      'an account id twice',
      { 'registry-ids': '123456789012\n123456789012' },
      env,
      `Input 'registry-ids' names 123456789012 twice: list each account once.`
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
      `Line 1 of 'build-args' is 'NOVALUE': expected NAME=value, one per line.`
    ],
    [
      'bad platform',
      { platforms: 'amd64' },
      env,
      `Input 'platforms' has 'amd64': expected Linux platforms buildx can build here, comma-separated: linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/arm64, linux/arm64/v8, linux/arm/v7, linux/arm/v6, linux/386, linux/ppc64le, linux/s390x, linux/riscv64, linux/mips64le, linux/mips64, linux/loong64.`
    ],
    [
      'bad sha-source',
      { 'sha-source': 'tip' },
      env,
      `Input 'sha-source' is 'tip': expected one of 'head', 'merge'.`
    ],
    [
      'bad image-tag-mutability',
      { 'image-tag-mutability': 'FROZEN' },
      env,
      `Input 'image-tag-mutability' is 'FROZEN': expected one of 'MUTABLE', 'IMMUTABLE'.`
    ],
    [
      'a control character anywhere',
      { labels: 'a=b\u001b[31m' },
      env,
      `Input 'labels' contains the control character U+001B at position 4: only printable text, tabs and line breaks are accepted.`
    ]
  ])('rejects %s', (_name, raw, environment, message) => {
    const attempt = () => parse(raw, environment)
    expect(attempt).toThrow(ConfigurationError)
    expect(attempt).toThrow(message)
  })

  it('names the line of a bad secret, never its text', () => {
    const attempt = () => parse({ secrets: 'npm_token=fine\nbad id=hunter2' })
    expect(attempt).toThrow(
      new ConfigurationError(
        `Line 2 of 'secrets': expected id=value, one per line (its text is not shown: it may be part of a secret).`
      )
    )
  })
})

describe('targets', () => {
  it('reads one stage=repository line per image, stages resolved against the Dockerfile', () => {
    const config = configOf(workspace, {
      targets: 'production=shop/web\nbuilder = shop/builder\n# later\n',
      gate: 'per-target'
    })
    expect([config.images, config.gate]).toEqual([
      [
        { stage: stages[2], repository: 'shop/web' },
        { stage: stages[1], repository: 'shop/builder' }
      ],
      'per-target'
    ])
  })

  it.each<[string, RawInputs, string]>([
    [
      'with repository too',
      { targets: 'production=shop/a', repository: 'shop/web' },
      `Input 'targets' is set together with 'repository' or 'target': use 'targets' (one 'stage=repository' line per image) or 'target' and 'repository' (one image), not both.`
    ],
    [
      'with target too',
      { targets: 'production=shop/a', target: 'builder' },
      `Input 'targets' is set together with 'repository' or 'target'`
    ],
    [
      'without a repository',
      { targets: 'production' },
      `Line 1 of 'targets' is 'production': expected 'stage=repository', e.g. 'production=shop/web'.`
    ],
    [
      'with an empty repository',
      { targets: 'production=shop/web\nbuilder=  ' },
      `Line 2 of 'targets' is 'builder=': expected 'stage=repository', e.g. 'production=shop/web'.`
    ],
    [
      'with a bad repository',
      { targets: 'production=Shop/A' },
      `Line 1 of 'targets' has the repository 'Shop/A': expected an ECR repository name of 2 to 256 characters`
    ],
    [
      'sending two stages to one repository',
      { targets: 'production=shop/x\nbuilder=shop/x' },
      `Line 2 of 'targets' sends a second stage to 'shop/x': each target needs its own repository, or their tags would overwrite each other.`
    ],
    [
      'with an unknown gate',
      { targets: 'production=shop/a', gate: 'strict' },
      `Input 'gate' is 'strict': expected one of 'atomic', 'per-target'.`
    ],
    [
      'naming a stage the Dockerfile does not have',
      { targets: 'production=shop/web\nworker=shop/worker' },
      `Line 2 of 'targets' names the stage 'worker': Dockerfile has no stage of that name. Stages: base, builder, production.`
    ],
    [
      'with neither form',
      {},
      `Input 'repository' is empty: set it to the ECR repository to push to (e.g. 'shop/web'), or use 'targets' for several images.`
    ]
  ])('rejects targets %s', (_name, raw, message) => {
    const attempt = () => configOf(workspace, raw)
    expect(attempt).toThrow(ConfigurationError)
    expect(attempt).toThrow(message)
  })
})

describe('the Dockerfile, read once', () => {
  it('finds the target stage and its FROM line, and lists every stage', () => {
    const config = parse({ target: 'production' })
    expect(config.images.map((image) => image.stage)).toEqual([stages[2]])
    expect(config.dockerfile.stages.map((stage) => stage.name)).toEqual([
      'base',
      'builder',
      'production',
      '3'
    ])
  })

  it('builds the last stage when no target is given, even one without AS', () => {
    expect(parse({}).images[0].stage).toEqual(stages[3])
  })

  it.each<[string, RawInputs, string]>([
    [
      'the target is unknown',
      { target: 'prod' },
      `Input 'target' is 'prod': Dockerfile has no stage of that name. Stages: base, builder, production.`
    ],
    [
      'the target is a stage without AS',
      { target: '3' },
      `Input 'target' is '3': Dockerfile has no stage of that name. Stages: base, builder, production.`
    ],
    [
      'the Dockerfile is missing',
      { file: 'nope/Dockerfile' },
      `Input 'file' is 'nope/Dockerfile': no Dockerfile at ${path.join(workspace, 'nope/Dockerfile')}.`
    ],
    [
      'the Dockerfile is a directory',
      { file: 'services' },
      `Input 'file' is 'services': no Dockerfile at ${path.join(workspace, 'services')}.`
    ]
  ])('refuses when %s', (_name, raw, message) => {
    expect(() => parse(raw)).toThrow(new ConfigurationError(message))
  })

  it('refuses a Dockerfile without FROM', () => {
    const empty = makeWorkspace({ Dockerfile: '# nothing here\nARG A=1\n' })
    expect(() => configOf(empty.workspace, { repository: 'shop/web' })).toThrow(
      new ConfigurationError(`Input 'file' is 'Dockerfile': the Dockerfile has no FROM instruction.`)
    )
  })
})

describe('secretValues', () => {
  it('lists each secret line, its value (trimmed and as written) and the token, before any parsing', () => {
    expect(
      secretValues({
        secrets: 'npm_token=hunter2\n pip = a=b \nnot a pair\n=no-id-value\npin=7\n\n',
        'github-token': ' ghs_abc ',
        'build-args': 'NOT=secret'
      })
    ).toEqual([
      'npm_token=hunter2',
      'hunter2',
      'pip = a=b',
      'a=b',
      ' a=b',
      'not a pair',
      // A line the config refuses for its missing id: its value is hidden in the error's log all the same.
      '=no-id-value',
      'no-id-value',
      // However short: a value of one character is still a value.
      'pin=7',
      '7',
      'ghs_abc'
    ])
  })

  it('lists the signing key whole and line by line (without the indentation a YAML block leaves), and its password', () => {
    const key =
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n  AAAA\nBBBB \n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
    expect(secretValues({ 'sign-key': key, 'sign-key-password': ' pw ' })).toEqual([
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
      'AAAA',
      'BBBB',
      '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
      key,
      'pw'
    ])
  })

  it('is empty without secrets or a token', () => {
    expect(secretValues({ repository: 'shop/web' })).toEqual([])
  })
})

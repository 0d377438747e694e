import { describe, expect, it } from '@jest/globals'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseBuildConfig, type BuildConfig } from '../../../src/config/build.js'
import type { RawInputs } from '../../../src/config/values.js'
import { ConfigurationError } from '../../../src/errors.js'
import { makeWorkspace } from './workspace.js'

const { workspace, runnerTemp } = makeWorkspace({
  'secrets/npmrc': '//registry.npmjs.org/:_authToken=x\n',
  'services/api/Dockerfile': 'FROM busybox\n',
  'a,b.txt': 'x'
})
writeFileSync(path.join(runnerTemp, 'aws-credentials'), '[default]\n')
symlinkSync('/etc/hostname', path.join(workspace, 'hostname-link'))
symlinkSync('/etc', path.join(workspace, 'etc-link'))
mkdirSync(path.join(workspace, 'empty-dir'))
const roots = { workspace, runnerTemp }
const parse = (raw: RawInputs) => parseBuildConfig(raw, roots)

const defaults: BuildConfig = {
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
}

describe('parseBuildConfig', () => {
  it('has a default for everything', () => {
    expect(parse({})).toEqual(defaults)
  })

  it('reads every build input into the shape the build uses', () => {
    expect(
      parse({
        context: 'services/api',
        file: 'services/api/Dockerfile',
        'build-args': 'APP_VERSION=1.4.0\n"LIST=a,b"\nURL=http://x/#y',
        secrets: 'npm_token=hunter2\npip=a=b',
        'secret-files': `npmrc=secrets/npmrc\naws=${path.join(runnerTemp, 'aws-credentials')}`,
        labels: 'org.opencontainers.image.title=Shop API\nmaintainer=platform@example.com\nempty=',
        platforms: 'linux/amd64,linux/arm64',
        push: 'false',
        load: 'true',
        'no-cache': 'true',
        pull: 'true',
        provenance: 'mode=max',
        sbom: 'true',
        driver: 'docker',
        builder: 'my-builder.1',
        created: 'now'
      })
    ).toEqual({
      context: path.join(workspace, 'services/api'),
      file: 'services/api/Dockerfile',
      filePath: path.join(workspace, 'services/api/Dockerfile'),
      buildArgs: [
        { key: 'APP_VERSION', value: '1.4.0' },
        { key: 'LIST', value: 'a,b' },
        { key: 'URL', value: 'http://x/#y' }
      ],
      secrets: [
        { id: 'npm_token', value: 'hunter2' },
        { id: 'pip', value: 'a=b' }
      ],
      secretFiles: [
        { id: 'npmrc', path: path.join(workspace, 'secrets/npmrc') },
        { id: 'aws', path: path.join(runnerTemp, 'aws-credentials') }
      ],
      labels: [
        { key: 'org.opencontainers.image.title', value: 'Shop API' },
        { key: 'maintainer', value: 'platform@example.com' },
        { key: 'empty', value: '' }
      ],
      platforms: ['linux/amd64', 'linux/arm64'],
      push: false,
      load: true,
      noCache: true,
      pull: true,
      provenance: 'mode=max',
      sbom: 'true',
      driver: 'docker',
      builder: 'my-builder.1',
      created: 'now'
    })
  })

  it('keeps a value as written, spaces around its commas included, as build-push-action does', () => {
    expect(parse({ 'build-args': 'MSG=hello , world', secrets: 'pw=a , b,c' })).toMatchObject({
      buildArgs: [{ key: 'MSG', value: 'hello , world' }],
      secrets: [{ id: 'pw', value: 'a , b,c' }]
    })
  })

  it('skips comment lines in pair inputs', () => {
    expect(parse({ 'build-args': '# pinned\nA=1', secrets: '# none yet' })).toMatchObject({
      buildArgs: [{ key: 'A', value: '1' }],
      secrets: []
    })
  })

  it.each<[string, RawInputs, string]>([
    [
      'a build arg without =',
      { 'build-args': 'A=1\nNOVALUE' },
      `Line 2 of 'build-args' is 'NOVALUE': expected NAME=value, one per line.`
    ],
    [
      'a build arg name that is not one',
      { 'build-args': '1A=x' },
      `Line 1 of 'build-args' is '1A=x': expected NAME=value, one per line.`
    ],
    [
      'a label key with a space',
      { labels: 'my label=x' },
      `Line 1 of 'labels' is 'my label=x': expected key=value, one per line.`
    ],
    [
      'a secret id with a space',
      { secrets: 'bad id=hunter2' },
      `Line 1 of 'secrets': expected id=value, one per line (its text is not shown: it may be part of a secret).`
    ],
    [
      'a secret line without =',
      { secrets: 'ok=1\n\nhunter2' },
      `Line 3 of 'secrets': expected id=value, one per line (its text is not shown: it may be part of a secret).`
    ],
    [
      'a secret file without =',
      { 'secret-files': 'npmrc' },
      `Line 1 of 'secret-files' is 'npmrc': expected id=path, one per line.`
    ],
    [
      'a secret file that does not exist',
      { 'secret-files': 'npmrc=secrets/missing' },
      `Line 1 of 'secret-files' names 'secrets/missing': no file at ${path.join(workspace, 'secrets/missing')}.`
    ],
    [
      'a secret file outside the workspace',
      { 'secret-files': 'passwd=/etc/passwd' },
      `Line 1 of 'secret-files' names '/etc/passwd', which is outside the workspace and RUNNER_TEMP: only files in the checkout or written by earlier steps are accepted.`
    ],
    [
      'a secret file through ../',
      { 'secret-files': 'passwd=../../../../../../etc/passwd' },
      `Line 1 of 'secret-files' names '../../../../../../etc/passwd', which is outside the workspace and RUNNER_TEMP`
    ],
    [
      'a committed symlink that leads out of the workspace',
      { 'secret-files': 'host=hostname-link' },
      `Line 1 of 'secret-files' names 'hostname-link', which is outside the workspace and RUNNER_TEMP (it leads to /etc/hostname): only files in the checkout or written by earlier steps are accepted.`
    ],
    [
      'a secret file path buildx would split',
      { 'secret-files': '"x=a,b.txt"' },
      `Line 1 of 'secret-files' has a path with ',' or '"': buildx would read the rest as more --secret attributes. Rename the file or move it.`
    ],
    [
      'a context that does not exist',
      { context: 'nowhere' },
      `Input 'context' is 'nowhere': no directory at ${path.join(workspace, 'nowhere')}.`
    ],
    [
      'a context outside the workspace',
      { context: '/etc' },
      `Input 'context' names '/etc', which is outside the workspace and RUNNER_TEMP: only files in the checkout or written by earlier steps are accepted.`
    ],
    [
      'a context through a symlink out of the workspace',
      { context: 'etc-link' },
      `Input 'context' names 'etc-link', which is outside the workspace and RUNNER_TEMP (it leads to /etc)`
    ],
    [
      'a Dockerfile that is a directory',
      { file: 'empty-dir' },
      `Input 'file' is 'empty-dir': no Dockerfile at ${path.join(workspace, 'empty-dir')}.`
    ],
    [
      'a Dockerfile outside the workspace',
      { file: '/etc/hostname' },
      `Input 'file' names '/etc/hostname', which is outside the workspace and RUNNER_TEMP`
    ],
    [
      'a Dockerfile missing from the context',
      { context: 'empty-dir' },
      `Input 'file' is 'empty-dir/Dockerfile': no Dockerfile at ${path.join(workspace, 'empty-dir/Dockerfile')}.`
    ],
    [
      'a platform twice',
      { platforms: 'linux/amd64,LINUX/AMD64' },
      `Input 'platforms' names 'linux/amd64' twice: list each platform once.`
    ],
    [
      'a Windows platform',
      { platforms: 'windows/amd64' },
      `Input 'platforms' has 'windows/amd64': expected Linux platforms buildx can build here`
    ],
    [
      'provenance with a space',
      { provenance: 'mode=max builder-id=x' },
      `Input 'provenance' is 'mode=max builder-id=x': expected buildx's --provenance value, e.g. 'false', 'true' or 'mode=max' (letters, digits and = , . _ : / -).`
    ],
    [
      'sbom that reads as a flag',
      { sbom: '--output=/tmp/x' },
      `Input 'sbom' is '--output=/tmp/x': expected buildx's --sbom value (e.g. 'false', 'true', 'mode=max'), not something starting with '-'.`
    ],
    [
      'a builder name that reads as a flag',
      { builder: '--config=/tmp/x' },
      `Input 'builder' is '--config=/tmp/x': expected the name of an existing buildx builder, not something starting with '-'.`
    ],
    [
      'a builder name with a slash',
      { builder: 'a/b' },
      `Input 'builder' is 'a/b': expected a buildx builder name (letters, digits, '_', '.', '-').`
    ],
    [
      'an unknown driver',
      { driver: 'remote' },
      `Input 'driver' is 'remote': expected one of 'docker-container', 'docker'.`
    ]
  ])('refuses %s', (_name, raw, message) => {
    const attempt = () => parse(raw)
    expect(attempt).toThrow(ConfigurationError)
    expect(attempt).toThrow(message)
  })
})

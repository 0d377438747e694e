import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import * as path from 'node:path'
import { runPost } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'
import { scratchDir } from '../support/scratch.mjs'

const repository = 'shop/web'
const sha7 = '4f2c9ab'
// A version no earlier build used: BuildKit keys RUN --mount=type=secret steps without the secret's value.
const appVersion = `1.4.${Date.now() % 100000}`

let stack: Stack

beforeAll(async () => {
  stack = await startStack([{ name: repository }, { name: 'shop/other' }])
}, 120_000)

afterAll(async () => {
  await stack?.stop()
})

describe('push of the production stage to the default branch', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let dockerConfigAfterPost: { auths?: Record<string, unknown> }

  beforeAll(async () => {
    result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        repository,
        target: 'production',
        driver: 'docker',
        scan: 'false',
        'github-token': '',
        'build-args': `APP_VERSION=${appVersion}`,
        secrets: `pip_token=${stack.password}-build-secret`,
        labels: 'org.opencontainers.image.vendor=Octo Org'
      },
      env: stack.env
    })
    dockerConfigAfterPost = JSON.parse(readFileSync(path.join(stack.dockerConfig, 'config.json'), 'utf8'))
  }, 180_000)

  it('succeeds, main and post', () => {
    expect(result.main.stdout).not.toContain('::error::')
    expect(result.main.code).toBe(0)
    expect(result.post?.code).toBe(0)
  })

  it('pushes the default tags, all on the one digest it reports', async () => {
    const registry = stack.registry.host
    expect(result.outputs.registry).toBe(registry)
    expect(result.outputs.image).toBe(`${registry}/${repository}`)
    expect(result.outputs.tags.split('\n').sort()).toEqual(
      [
        `${registry}/${repository}:${sha7}`,
        `${registry}/${repository}:latest`,
        `${registry}/${repository}:main`
      ].sort()
    )
    expect(await stack.client.tags(repository)).toEqual([sha7, 'latest', 'main'].sort())
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    for (const tag of [sha7, 'latest', 'main']) {
      expect((await stack.client.manifest(repository, tag))?.digest).toBe(result.outputs.digest)
    }
    expect(result.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(result.outputs.metadata)['containerimage.digest']).toBe(result.outputs.digest)
  })

  it('is the production stage: its CMD and USER, OCI labels, build args applied', async () => {
    const config = await stack.client.config(repository, sha7)
    expect(config.config.Cmd).toEqual(['sh', '/app/app/serve.sh'])
    expect(config.config.User).toBe('nobody')
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/octo-org/shop',
      'org.opencontainers.image.revision': '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
      'org.opencontainers.image.vendor': 'Octo Org'
    })
    expect(config.config.Labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(config.config.Labels['org.opencontainers.image.version']).toBe('main')
  })

  it('holds no builder-only or development-only files, and the build saw the secret', () => {
    const image = `${stack.registry.host}/${repository}:${sha7}`
    stack.login()
    stack.docker(['pull', '--quiet', image])
    const listing = stack.docker([
      'run',
      '--rm',
      image,
      'sh',
      '-c',
      'ls -A /app; cat /app/VERSION /app/pip-token-state'
    ])
    expect(listing.split('\n').filter(Boolean)).toEqual([
      'VERSION',
      'app',
      'pip-token-state',
      'requirements.txt',
      appVersion,
      'present'
    ])
    expect(stack.docker(['run', '--rm', image])).toBe(`shop ${appVersion} listening on :8000 \n`)
  })

  it('never lets the password or a build secret reach argv, logs, outputs, summary or state', () => {
    const secrets = [stack.password, `${stack.password}-build-secret`]
    const argv = stack.argvLog().flat()
    expect(argv.length).toBeGreaterThan(0)
    // The runner consumes `::add-mask::` lines and shows them to no one; everything else is visible.
    const visible = (log: string) =>
      log
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n')
    const places = {
      argv: argv.join(' '),
      mainLog: visible(result.main.stdout + result.main.stderr),
      postLog: (result.post?.stdout ?? '') + (result.post?.stderr ?? ''),
      outputs: JSON.stringify(result.outputs),
      summary: result.summary,
      state: JSON.stringify(result.state),
      envFile: result.envFile
    }
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets)
        expect({ place, leaked: text.includes(secret) }).toEqual({ place, leaked: false })
    }
    // Whole lines: `::add-mask::<password>-build-secret` hides the password only inside that text.
    const masks = result.main.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
    expect(masks).toContain(`::add-mask::${stack.password}`)
    expect(masks).toContain(`::add-mask::${stack.password}-build-secret`)
    expect(result.main.stdout).toContain(
      `$ docker login --username AWS --password-stdin ${stack.registry.host} <<< ***`
    )
  })

  it('built once, with every tag on one buildx invocation', () => {
    const builds = stack.argvLog().filter((args) => args[0] === 'buildx' && args[1] === 'build')
    expect(builds).toHaveLength(1)
    expect(builds[0].filter((arg) => arg === '--tag')).toHaveLength(3)
    expect(builds[0]).toEqual(
      expect.arrayContaining(['--target', 'production', '--output', '--metadata-file', '--iidfile'])
    )
    expect(builds[0][builds[0].indexOf('--output') + 1]).toBe('type=image,push=true')
  })

  it('writes a job summary with the image, digest, tags and target', () => {
    expect(result.summary).toContain('production')
    expect(result.summary).toContain(result.outputs.digest)
    expect(result.summary).toContain(`${stack.registry.host}/${repository}:${sha7}`)
  })

  it('logs out in the post step and removes its temp files', () => {
    expect(Object.keys(dockerConfigAfterPost.auths ?? {})).not.toContain(stack.registry.host)
    expect(result.post?.stdout).toContain(`$ docker logout ${stack.registry.host}`)
    const saved = JSON.parse(result.state.cleanup)
    expect(existsSync(saved.tempDir)).toBe(false)
  })
})

describe('bad inputs fail before any slow work, with one clear error', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'unknown target',
      { target: 'staging' },
      /^::error::Input 'target' is 'staging': .*Dockerfile has no stage of that name\. Stages: base, builder, production, development, testing\.$/m
    ],
    [
      'missing Dockerfile',
      { file: 'docker/Dockerfile.prod' },
      /^::error::Input 'file' is 'docker\/Dockerfile\.prod': no Dockerfile at /m
    ],
    [
      'invalid repository',
      { repository: 'Shop/Web!' },
      /^::error::Input 'repository' is 'Shop\/Web!': expected an ECR repository name/m
    ],
    [
      'several platforms loaded into the daemon',
      { platforms: 'linux/amd64,linux/arm64', driver: 'docker-container', push: 'false', scan: 'true' },
      /^::error::Input 'platforms' has 2 platforms, but this image would be loaded into the Docker daemon/m
    ],
    [
      'one cache ref for several targets',
      {
        repository: '',
        target: '',
        targets: 'production=shop/other\ndevelopment=shop/web',
        'cache-ref': 'buildcache'
      },
      /^::error::Input 'cache-ref' is set with 2 targets: they would share one cache/m
    ],
    [
      'shell metacharacters in a tag',
      { tags: 'type=raw,value=$(touch pwned)' },
      /^::error::Input 'tags' .*\$\(touch pwned\)/m
    ]
  ]

  it.each(cases)(
    '%s',
    async (_name, inputs, message) => {
      const workspace = exampleWorkspace()
      const before = stack.argvLog().length
      const result = await runAction({
        ...pushToMain,
        workspace,
        inputs: {
          repository: 'shop/other',
          target: 'production',
          driver: 'docker',
          scan: 'false',
          'github-token': '',
          ...inputs
        },
        env: stack.env
      })
      expect(result.main.code).toBe(1)
      expect(result.main.stdout).toMatch(message)
      expect(result.main.stdout.match(/::error::/g)).toHaveLength(1)
      expect(result.main.stdout + result.main.stderr).not.toMatch(/^\s+at /m)
      expect(
        stack
          .argvLog()
          .slice(before)
          .filter((args) => args[0] !== 'buildx' || args[1] !== 'version')
      ).toEqual([])
      expect(await stack.client.tags('shop/other')).toEqual([])
      expect(existsSync(path.join(workspace, 'pwned'))).toBe(false)
      rmSync(workspace, { recursive: true, force: true })
    },
    60_000
  )
})

describe('dry-run', () => {
  it('prints every command with secrets as *** and builds nothing', async () => {
    const before = stack.argvLog().length
    const result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/other',
        target: 'production',
        scan: 'false',
        'dry-run': 'true',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(0)
    const commands = result.main.stdout.split('\n').filter((line) => line.startsWith('$ '))
    const host = stack.registry.host
    // The commit's time comes from git first ('created: commit', the payload has none): a read, like the probes.
    expect(commands[0]).toMatch(
      /^\$ git -C \S+ log -1 --format=%cI 4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6$/
    )
    // One probe: the daemon's platform and store, and the buildx plugin's version.
    expect(commands[1]).toBe(
      `$ docker info --format $'{{.OSType}}/{{.Architecture}}\\x0a{{json .DriverStatus}}\\x0a{{json .ClientInfo.Plugins}}'`
    )
    expect(commands).toContain(`$ docker login --username AWS --password-stdin ${host} <<< ***`)
    expect(
      commands.some((line) => line.startsWith('$ docker buildx create --name ecr-build-push-4242-1-'))
    ).toBe(true)
    const build = commands.find((line) => line.startsWith('$ docker buildx build '))
    expect(build).toContain(`--tag ${host}/shop/other:${sha7}`)
    expect(build).toContain('--target production ')
    expect(build).toContain(' --output type=image,push=true ')
    expect(result.main.stdout.replace(`::add-mask::${stack.password}`, '')).not.toContain(stack.password)
    expect(result.outputs.tags.split('\n')).toHaveLength(3)
    expect(result.outputs.digest).toBeUndefined()
    expect(await stack.client.tags('shop/other')).toEqual([])
    // What this run really ran: reads only, nothing that builds, logs in, pushes or creates.
    expect(
      stack
        .argvLog()
        .slice(before)
        .sort((a, b) => a[0].localeCompare(b[0]))
    ).toEqual([
      [
        'info',
        '--format',
        '{{.OSType}}/{{.Architecture}}\n{{json .DriverStatus}}\n{{json .ClientInfo.Plugins}}'
      ]
    ])
  }, 60_000)
})

describe('failures from AWS and docker', () => {
  it('a repository ECR does not have is one error naming the input, before any build', async () => {
    const before = stack.argvLog().length
    const result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/missing',
        target: 'production',
        driver: 'docker',
        scan: 'false',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(1)
    const errors = result.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toEqual([
      "::error::Input 'repository' is 'shop/missing': no such ECR repository. Create it, or set 'create-repository: true'."
    ])
    expect(
      stack
        .argvLog()
        .slice(before)
        .filter((args) => args[1] === 'build')
    ).toEqual([])
  }, 60_000)

  it('a failing build step is one error with the readable tail of the build, no stack trace, and a clean post', async () => {
    const workspace = exampleWorkspace()
    appendFileSync(
      path.join(workspace, 'Dockerfile'),
      '\nFROM base AS broken\nRUN echo "compiling assets" && echo "assets: out of memory" >&2 && exit 3\n'
    )
    const result = await runAction({
      ...pushToMain,
      workspace,
      inputs: {
        repository: 'shop/other',
        target: 'broken',
        driver: 'docker',
        scan: 'false',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(1)
    const errors = result.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::\$ docker buildx build .* failed with exit code 1:%0A/)
    expect(errors[0]).toContain('assets: out of memory')
    expect(errors[0]).toContain('exit code: 3')
    expect(result.main.stdout + result.main.stderr).not.toMatch(/^\s+at /m)
    expect(result.post?.code).toBe(0)
    expect(result.post?.stdout).toContain(`$ docker logout ${stack.registry.host}`)
    expect(await stack.client.tags('shop/other')).toEqual([])
  }, 120_000)
})

describe('the post step', () => {
  it('removes a builder the main step created, logs out, deletes temp files, and only warns on failures', async () => {
    const name = `ecr-build-push-test-${Date.now()}`
    // Creating a docker-container builder needs no image until it is bootstrapped, so this works offline.
    stack.docker(['buildx', 'create', '--name', name, '--driver', 'docker-container'])
    const tempDir = scratchDir('ecr-build-push-')
    const result = await runPost({
      workspace: exampleWorkspace(),
      state: {
        isPost: 'true',
        cleanup: JSON.stringify({ registries: ['127.0.0.1:9', stack.registry.host], builder: name, tempDir })
      },
      env: stack.env
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`$ docker buildx rm --force ${name}`)
    expect(stack.docker(['buildx', 'ls'])).not.toContain(name)
    expect(existsSync(tempDir)).toBe(false)
    expect(result.stdout).toContain('$ docker logout 127.0.0.1:9')
    expect(result.stdout).not.toContain('::error')

    const again = await runPost({
      workspace: exampleWorkspace(),
      state: { isPost: 'true', cleanup: JSON.stringify({ registries: [], builder: name }) },
      env: stack.env
    })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(
      /^::warning::Cleanup step failed: docker buildx rm --force \S+: .*no builder/m
    )
    expect(again.stdout).not.toContain('::error')
  }, 60_000)
})

describe('create-repository and load', () => {
  it('creates a missing repository with scan-on-push and the chosen tag mutability, then pushes to it', async () => {
    const result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/brand-new',
        'create-repository': 'true',
        'image-tag-mutability': 'IMMUTABLE',
        target: 'production',
        driver: 'docker',
        scan: 'false',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(0)
    expect(stack.ecr.requests.filter((request) => request.operation === 'CreateRepository')).toEqual([
      expect.objectContaining({
        body: {
          repositoryName: 'shop/brand-new',
          imageTagMutability: 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: true }
        }
      })
    ])
    expect(await stack.client.tags('shop/brand-new')).toEqual([sha7, 'latest', 'main'])
  }, 120_000)

  it('load: true with a push by digest pulls every tag into the daemon after tagging (dry-run plan)', async () => {
    const result = await runAction({
      ...pushToMain,
      workspace: exampleWorkspace(),
      inputs: {
        repository: 'shop/other',
        target: 'production',
        load: 'true',
        'skip-setup-trivy': 'true',
        'dry-run': 'true',
        'github-token': ''
      },
      env: stack.env
    })
    expect(result.main.code).toBe(0)
    const host = stack.registry.host
    const commands = result.main.stdout.split('\n').filter((line) => line.startsWith('$ docker'))
    expect(commands.slice(-3)).toEqual([
      `$ docker pull --quiet ${host}/shop/other:main`,
      `$ docker pull --quiet ${host}/shop/other:${sha7}`,
      `$ docker pull --quiet ${host}/shop/other:latest`
    ])
    // The tags go onto the scanned digest through ECR, before anything is pulled.
    const lines = result.main.stdout.split('\n')
    const puts = lines.filter((line) => line.startsWith('ECR PutImage '))
    expect(puts.map((line) => JSON.parse(line.slice('ECR PutImage '.length)).imageTag)).toEqual([
      'main',
      sha7,
      'latest'
    ])
    expect(lines.findIndex((line) => line.startsWith('ECR PutImage '))).toBeLessThan(
      lines.findIndex((line) => line.startsWith('$ docker pull'))
    )
  }, 60_000)
})

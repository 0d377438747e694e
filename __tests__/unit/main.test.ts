// runAction end to end in a dry run: every phase plans as it would live, the dry runner prints the plans,
// and the probe (the live runner) is only ever asked to read.
import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction, type Io } from '../../src/main.js'
import { sha } from '../fixtures/events/runs.js'
import { makeWorkspace } from './config/workspace.js'
import { dockerInfo, RecordingLog, ScriptedRunner } from './doubles.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const token = Buffer.from('AWS:ecr-password').toString('base64')

function io(inputs: Record<string, string>) {
  const { workspace, runnerTemp } = makeWorkspace()
  const log = new RecordingLog()
  const probe = new ScriptedRunner({
    run: (command) =>
      command.args[1] === 'build' && command.args.includes('--call=check,format=json')
        ? { stdout: '{"warnings":null}\n' }
        : command.args[0] === 'info'
          ? { stdout: dockerInfo() }
          : new Error(`unexpected probe command ${command.args.join(' ')}`),
    ecr: (request) =>
      request.operation === 'GetAuthorizationToken'
        ? { authorizationData: [{ authorizationToken: token, proxyEndpoint: `https://${registry}` }] }
        : request.operation === 'DescribeRepositories'
          ? {
              repositories: [
                { repositoryName: 'shop/web', registryId: '123456789012', imageTagMutability: 'MUTABLE' }
              ]
            }
          : new Error(`unexpected probe request ${request.operation}`),
    github: () => ({
      data: {
        name: 'shop-api',
        description: 'Shop API',
        html_url: 'https://github.com/octo-org/shop-api',
        default_branch: 'main',
        license: null
      }
    })
  })
  const liveOptions: unknown[] = []
  const value: Io = {
    env: {
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, text]) => [`INPUT_${name.toUpperCase()}`, text])
      ),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: path.resolve('__tests__/fixtures/events/push_branch.json'),
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/feature/Login_form',
      GITHUB_REPOSITORY: 'octo-org/shop-api',
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: '9012345678',
      RUNNER_TEMP: runnerTemp,
      AWS_REGION: 'us-east-1'
    },
    log,
    live: (options) => {
      liveOptions.push(options)
      return probe
    },
    now: () => new Date('2024-05-03T08:41:27Z')
  }
  return { io: value, log, probe, liveOptions, workspace }
}

describe('runAction in a dry run', () => {
  it('masks secrets first, prints every plan through the dry runner and only reads through the probe', async () => {
    const {
      io: given,
      log,
      probe,
      liveOptions
    } = io({
      repository: 'shop/web',
      target: 'production',
      'dry-run': 'true',
      secrets: 'npm_token=hunter2',
      'github-token': 'ghs_token',
      'skip-setup-trivy': 'true'
    })
    await runAction(given)
    expect(log.entries.slice(0, 4)).toEqual([
      { level: 'mask', text: 'npm_token=hunter2' },
      { level: 'mask', text: 'hunter2' },
      { level: 'mask', text: 'ghs_token' },
      { level: 'group', text: 'Inputs' }
    ])
    expect(liveOptions).toEqual([
      { region: 'us-east-1', github: { token: 'ghs_token', apiUrl: 'https://api.github.com' } }
    ])
    expect(
      probe
        .plans()
        .map((step) =>
          'run' in step
            ? step.run.args.slice(0, 2).join(' ')
            : 'ecr' in step
              ? step.ecr.operation
              : 'github' in step
                ? step.github.route
                : step.write.path
        )
    ).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
      'info --format',
      'GetAuthorizationToken',
      'DescribeRepositories',
      // Docker's build checks: read-only, so they run in a dry run too.
      'buildx build'
    ])

    const printed = log.of('info')
    const image = `${registry}/shop/web`
    expect(printed).toContainEqual(`$ docker login --username AWS --password-stdin ${registry} <<< ***`)
    expect(printed).toContainEqual(
      expect.stringMatching(
        /^\$ docker buildx create --name ecr-build-push-9012345678-1-\w+ --driver docker-container$/
      )
    )
    const build = printed.find((line) => line.startsWith('$ docker buildx build'))
    expect(build).toMatch(
      new RegExp(
        `--target production --build-arg SOURCE_DATE_EPOCH=1714725680 --secret id=npm_token,env=ECR_BUILD_PUSH_SECRET_0 .*--output type=image,name=${image},push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true `
      )
    )
    expect(printed.filter((line) => line.startsWith('$ trivy image'))).toEqual([
      expect.stringMatching(/ --download-db-only --no-progress$/),
      expect.stringMatching(
        new RegExp(
          ` --platform linux/amd64 --skip-db-update --no-progress --image-src remote '${image}@<digest>'$`
        )
      )
    ])
    expect(printed.filter((line) => line.startsWith('ECR PutImage'))).toEqual([
      'ECR PutImage {"registryId":"123456789012","repositoryName":"shop/web","imageManifest":"<0 bytes>","imageDigest":"<digest>","imageTag":"feature-login_form"}',
      'ECR PutImage {"registryId":"123456789012","repositoryName":"shop/web","imageManifest":"<0 bytes>","imageDigest":"<digest>","imageTag":"4f2c9ab"}'
    ])
    expect(printed.at(-1)).toBe('Dry run: nothing was built, scanned or pushed (buildx 0.21.1).')
    expect(log.outputs()).toMatchObject({
      registry,
      image,
      tags: `${image}:feature-login_form\n${image}:4f2c9ab`
    })
    expect(log.entries.filter((entry) => entry.level === 'state' || entry.level === 'summary')).toEqual([])
    const said = JSON.stringify(log.entries.filter((entry) => entry.level !== 'mask'))
    expect(said).not.toContain('hunter2')
    expect(said).not.toContain('ecr-password')
  })

  it.each([
    ['pushed', {}],
    ['only scanned', { push: 'false' }]
  ])('refuses tag rules that name no tag for an image that is %s', async (_name, inputs) => {
    const { io: given } = io({
      repository: 'shop/web',
      'dry-run': 'true',
      tags: 'type=raw,value=x,enable=false',
      ...inputs
    })
    await expect(runAction(given)).rejects.toThrow(
      "Input 'tags' produced no tag for this push event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults."
    )
  })

  it('accepts tag rules that name no tag when nothing is pushed or scanned, and says so', async () => {
    const { io: given, log } = io({
      repository: 'shop/web',
      'dry-run': 'true',
      tags: 'type=raw,value=x,enable=false',
      push: 'false',
      scan: 'false'
    })
    await runAction(given)
    expect(log.of('info')).toContain('Tags: (none)')
  })

  it('fails on a configuration mistake before asking anything', async () => {
    const { io: given, probe, liveOptions } = io({ repository: 'Shop/Web', 'dry-run': 'true' })
    await expect(runAction(given)).rejects.toThrow("Input 'repository' is 'Shop/Web'")
    expect([probe.steps, liveOptions]).toEqual([[], []])
  })
})

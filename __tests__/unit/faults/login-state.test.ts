// Each registry is saved for the post step as soon as its login succeeds: a login that fails halfway leaves
// the earlier ones recorded, so the post step logs out of them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CommandError } from '../../../src/errors.js'
import { runAction, type Io } from '../../../src/main.js'
import type { Command, CommandResult, Runner } from '../../../src/run/command.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import { parseSavedState, stateKey } from '../../../src/run/state.js'
import { recordingLog } from './recording-log.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const registries = [
  '111111111111.dkr.ecr.us-east-1.amazonaws.com',
  '222222222222.dkr.ecr.us-east-1.amazonaws.com'
]
let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'login-state-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Answers the probes; logs in to the first registry and fails on the second, as a refused login does. */
function partialLogins(): Runner & { commands: string[][] } {
  const commands: string[][] = []
  return {
    dryRun: false,
    commands,
    async run(command: Command): Promise<CommandResult> {
      commands.push(command.args)
      const [first] = command.args
      if (first === 'buildx')
        return { exitCode: 0, stdout: 'github.com/docker/buildx v0.21.1 abc\n', stderr: '' }
      if (first === 'info')
        return { exitCode: 0, stdout: 'linux/amd64 [["Backing Filesystem","extfs"]]\n', stderr: '' }
      if (first === 'login' && command.args.at(-1) === registries[1])
        throw new CommandError('$ docker login', 1, 'Error response from daemon: login attempt failed')
      return { exitCode: 0, stdout: '', stderr: '' }
    },
    async ecr(request: EcrRequest) {
      if (request.operation === 'GetAuthorizationToken')
        return {
          $metadata: {},
          authorizationData: registries.map((registry) => ({
            authorizationToken: Buffer.from('AWS:password').toString('base64'),
            proxyEndpoint: `https://${registry}`
          }))
        } as never
      return {
        $metadata: {},
        repositories: [{ registryId: '111111111111', imageTagMutability: 'MUTABLE' }]
      } as never
    },
    async github() {
      throw new Error('no GitHub in this test')
    },
    async write() {}
  }
}

describe('the ECR logins', () => {
  it('save each registry as it logs in, so a failed second login still logs out of the first', async () => {
    const recorded = recordingLog()
    const runner = partialLogins()
    const io: Io = {
      env: {
        GITHUB_WORKSPACE: path.join(root, 'examples/django'),
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: '4f2c9ab1d3e5f7a9b0c2d4e6f8a0b1c2d3e4f5a6',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'octo-org/shop',
        RUNNER_TEMP: dir,
        DOCKER_CONFIG: path.join(dir, 'docker'),
        INPUT_REPOSITORY: 'shop/web',
        INPUT_TARGET: 'production',
        'INPUT_AWS-REGION': 'us-east-1',
        'INPUT_REGISTRY-IDS': '111111111111,222222222222',
        INPUT_SCAN: 'false',
        'INPUT_DOCKERFILE-CHECKS': 'false'
      },
      log: recorded.log,
      live: () => runner,
      now: () => new Date('2026-03-01T12:00:00Z')
    }
    await expect(runAction(io)).rejects.toThrow('login attempt failed')
    expect(runner.commands.filter((args) => args[0] === 'login').map((args) => args.at(-1))).toEqual(
      registries
    )
    expect(parseSavedState(recorded.state[stateKey]).registries).toEqual([registries[0]])
    expect(runner.commands.some((args) => args[0] === 'buildx' && args[1] === 'build')).toBe(false)
  })
})

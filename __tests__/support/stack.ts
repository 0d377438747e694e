import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import { ensureBaseImage, ensureDocker, registryClient, startRegistry } from './local-stack.mjs'
import { sdkEnv, startEcr } from './stand-ins/ecr.mjs'
import { pushToMain, root, runAction } from './run-action.mjs'

const spyDir = path.join(root, '__tests__/support/bin')

export type Stack = Awaited<ReturnType<typeof startStack>>

/** A registry with a random password, an ECR stand-in handing it out, and a private docker config. */
export async function startStack(repositories: Array<{ name: string; tagMutability?: string }>) {
  await ensureDocker()
  ensureBaseImage()
  const password = randomBytes(18).toString('base64url')
  const registry = await startRegistry({ password })
  const ecr = await startEcr({ registryHost: registry.host, password, repositories })
  const dockerConfig = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
  const spyLog = path.join(dockerConfig, 'argv.log')
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const client = registryClient(registry.host, 'AWS', password)
  return {
    password,
    registry,
    ecr,
    client,
    dockerConfig,
    spyLog,
    /** Environment every action run gets: AWS SDK → stand-in, docker → spy + private config. */
    env: {
      ...sdkEnv(ecr.url),
      DOCKER_CONFIG: dockerConfig,
      DOCKER_SPY_LOG: spyLog,
      REAL_DOCKER: realDocker,
      PATH: `${spyDir}:${process.env.PATH}`
    },
    argvLog(): string[][] {
      if (!existsSync(spyLog)) return []
      return readFileSync(spyLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\x1f').filter((arg, index, all) => index < all.length - 1 || arg !== ''))
    },
    login(): void {
      execFileSync(realDocker, ['login', '--username', 'AWS', '--password-stdin', registry.host], {
        input: password,
        env: { ...process.env, DOCKER_CONFIG: dockerConfig },
        stdio: ['pipe', 'ignore', 'ignore']
      })
    },
    docker(args: string[]): string {
      return execFileSync(realDocker, args, {
        encoding: 'utf8',
        env: { ...process.env, DOCKER_CONFIG: dockerConfig }
      })
    },
    async stop() {
      registry.stop()
      await ecr.close()
    }
  }
}

/** A copy of the example app, so a test can change it without touching the repository. */
export function exampleWorkspace(): string {
  const workspace = mkdtempSync(path.join(tmpdir(), 'workspace-'))
  cpSync(path.join(root, 'examples/django'), workspace, { recursive: true })
  return workspace
}

export { pushToMain, runAction }

import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { randomBytes } from 'node:crypto'
import {
  ensureBaseImage,
  ensureDocker,
  ensureEmulation,
  registryClient,
  startRegistry,
  type DockerStore
} from './local-stack.mjs'
import { sdkEnv, startEcr } from './stand-ins/ecr.mjs'
import { startRegistryProxy } from './stand-ins/registry-proxy.mjs'
import { pushToMain, root, runAction } from './run-action.mjs'
import { scratchDir, scratchDockerConfig } from './scratch.mjs'

const spyDir = path.join(root, '__tests__/support/bin')

export type Stack = Awaited<ReturnType<typeof startStack>>

export interface StackOptions {
  /** Which daemon the action and the stack's own docker calls use (default `classic`). */
  store?: DockerStore
  /** Put the fault-injecting proxy in front of the registry and hand out its host (ECR's proxyEndpoint). */
  proxy?: boolean
  /**
   * The proxy answers the OCI 1.1 referrers API, as ECR does (implies `proxy`); `stack.proxy.referrers(on)`
   * switches it per test. Without it the registry is distribution 2.8, which has none.
   */
  referrers?: boolean
}

/** One docker call the action made through the spy, with the daemon it was pointed at. */
export interface DockerCall {
  dockerHost: string
  args: string[]
}

/**
 * A registry with a random password, an ECR stand-in handing it out (or the proxy in front of it), a private
 * docker config, and the daemon of the chosen image store. The containerd store also gets arm64 emulation and
 * a linux/amd64 + linux/arm64 `busybox:local`.
 */
export async function startStack(
  repositories: Array<{ name: string; tagMutability?: string }>,
  options: StackOptions = {}
) {
  const daemon = await ensureDocker({ store: options.store ?? 'classic' })
  if (daemon.store === 'containerd') ensureEmulation()
  ensureBaseImage(daemon)
  const password = randomBytes(18).toString('base64url')
  const registry = await startRegistry({ password })
  // With the proxy, ECR's IMMUTABLE tags hold on the registry API too (cosign's tags), not only in PutImage.
  const proxy =
    options.proxy || options.referrers
      ? await startRegistryProxy({
          upstream: registry.host,
          referrers: options.referrers ?? false,
          immutable: repositories
            .filter((repository) => repository.tagMutability === 'IMMUTABLE')
            .map((repository) => repository.name)
        })
      : undefined
  const host = proxy?.host ?? registry.host
  const ecr = await startEcr({
    registryHost: registry.host,
    endpointHost: host,
    registryStorage: registry.storage,
    password,
    repositories
  })
  // Its folder goes after the test file, and with it any builder a run left in it.
  const dockerConfig = scratchDockerConfig(scratchDir('docker-config-'), daemon.host)
  const spyLog = path.join(dockerConfig, 'argv.log')
  const realDocker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const client = registryClient(registry.host, 'AWS', password)
  const dockerEnv = { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: daemon.host }
  const calls = (): DockerCall[] => {
    if (!existsSync(spyLog)) return []
    return readFileSync(spyLog, 'utf8')
      .split('\x1d')
      .filter(Boolean)
      .map((record) => {
        const [dockerHost, argv] = record.split('\x1e')
        return { dockerHost, args: argv.split('\x1f').slice(0, -1) }
      })
  }
  return {
    password,
    /** The real registry (the stack's client and the ECR stand-in reach it directly, never through the proxy). */
    registry,
    /** The registry host the action is handed: the proxy's with `proxy: true`, else the registry's. */
    host,
    proxy,
    ecr,
    client,
    daemon,
    dockerConfig,
    spyLog,
    /** Environment every action run gets: AWS SDK → stand-in, docker → spy + private config + the daemon. */
    env: {
      ...sdkEnv(ecr.url),
      DOCKER_CONFIG: dockerConfig,
      DOCKER_HOST: daemon.host,
      DOCKER_SPY_LOG: spyLog,
      REAL_DOCKER: realDocker,
      PATH: `${spyDir}:${process.env.PATH}`
    },
    /** Every docker call the spy saw, with its DOCKER_HOST. */
    dockerCalls: calls,
    argvLog(): string[][] {
      return calls().map((call) => call.args)
    },
    /** `docker login` to the handed-out host (or `to`), password on stdin, into the private config. */
    login(to: string = host): void {
      execFileSync(realDocker, ['login', '--username', 'AWS', '--password-stdin', to], {
        input: password,
        env: dockerEnv,
        stdio: ['pipe', 'ignore', 'ignore']
      })
    },
    /** ECR's PutImageTagMutability: for PutImage and, with the proxy, for manifest PUTs to the registry. */
    setTagMutability(repository: string, mutability: 'MUTABLE' | 'IMMUTABLE'): void {
      const known = ecr.repositories.get(repository)
      if (!known) throw new Error(`No repository ${repository} in the ECR stand-in.`)
      known.imageTagMutability = mutability
      proxy?.tagMutability(repository, mutability)
    },
    /** The real docker against the stack's daemon, with the private config. */
    docker(args: string[]): string {
      return execFileSync(realDocker, args, { encoding: 'utf8', env: dockerEnv })
    },
    /** Stops the registry and the stand-ins; their folders and image names go after the test file. */
    async stop() {
      await Promise.all([registry.stop(), ecr.close(), proxy?.close()])
    }
  }
}

/** A copy of the example app, so a test can change it without touching the repository; removed after the file. */
export function exampleWorkspace(): string {
  const workspace = scratchDir('workspace-')
  cpSync(path.join(root, 'examples/django'), workspace, { recursive: true })
  return workspace
}

export { pushToMain, runAction }

export interface ContainerBuilder {
  name: string
  /** The amd64 + arm64 busybox base in the stack's registry, for `FROM ${base}`. */
  base: string
  remove(): void
}

/**
 * A docker-container builder on the stack's daemon, with host networking so it reaches the registry on loopback
 * as a hosted runner's reaches ECR, and the amd64 + arm64 busybox base pushed to the stack's registry (a builder
 * container sees no daemon's images). Call after `stack.login(…)` to the registry; `remove()` in afterAll.
 */
export async function startContainerBuilder(stack: Stack, prefix: string): Promise<ContainerBuilder> {
  const docker = (args: string[], dockerHost: string) =>
    execFileSync('docker', args, {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: stack.dockerConfig, DOCKER_HOST: dockerHost }
    })
  const buildkit = 'moby/buildkit:buildx-stable-1'
  if (docker(['image', 'ls', '-q', buildkit], stack.daemon.host).trim() === '')
    throw new Error(`No ${buildkit} image: run 'bash scripts/build-buildkit-image.sh' (npm test does).`)
  const containerd = await ensureDocker({ store: 'containerd' })
  const base = `${stack.registry.host}/base/busybox:local`
  docker(['tag', 'busybox:local', base], containerd.host)
  docker(['push', '--quiet', base], containerd.host)
  const name = `${prefix}-${randomBytes(4).toString('hex')}`
  docker(
    [
      'buildx',
      'create',
      '--name',
      name,
      '--driver',
      'docker-container',
      '--driver-opt',
      'network=host',
      '--bootstrap'
    ],
    stack.daemon.host
  )
  return { name, base, remove: () => void docker(['buildx', 'rm', '--force', name], stack.daemon.host) }
}

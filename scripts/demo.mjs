// README's first command: runs the real bundled action (dist/) on examples/django exactly as the runner
// would, against a real Docker engine, an htpasswd-protected registry on loopback and a local ECR stand-in.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, cpSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const say = (text) => console.log(`\n\x1b[1m== ${text}\x1b[0m`)

if (!existsSync(path.join(root, 'node_modules/yaml'))) {
  say('npm ci')
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
}
if (process.getuid?.() === 0) {
  say('system packages (Docker engine, buildx, registry)')
  const installed = spawnSync('bash', [path.join(root, 'scripts/install-system.sh')], { stdio: 'inherit' })
  if (installed.status !== 0) process.exit(1)
}
const { ensureDocker, ensureBaseImage, startRegistry } = await import('../__tests__/support/local-stack.mjs')
const { sdkEnv, startEcr } = await import('../__tests__/support/stand-ins/ecr.mjs')
const { pushToMain, runAction } = await import('../__tests__/support/run-action.mjs')

say('Docker engine, base image, registry on loopback, ECR stand-in')
await ensureDocker()
ensureBaseImage()
const password = randomBytes(18).toString('base64url')
const registry = await startRegistry({ password })
const ecr = await startEcr({ registryHost: registry.host, password, repositories: [] })
console.log(`registry ${registry.host} (htpasswd, user AWS); ECR API stand-in ${ecr.url}`)

// No Trivy can be installed offline: a clearly labelled stand-in replays one of Trivy's own reports.
const realTrivy = spawnSync('sh', ['-c', 'command -v trivy'], { encoding: 'utf8' }).stdout.trim()
const scanner = realTrivy
  ? { label: `Trivy at ${realTrivy}`, env: {} }
  : {
      label:
        'STAND-IN scanner (__tests__/support/stand-ins/trivy replays a real Trivy report; this is not a real scan)',
      env: {
        PATH: `${path.join(root, '__tests__/support/stand-ins')}:${process.env.PATH}`,
        STANDIN_TRIVY_REPORT: 'alpine-310'
      }
    }
console.log(`scanner: ${scanner.label}`)

const workspace = mkdtempSync(path.join(tmpdir(), 'demo-workspace-'))
cpSync(path.join(root, 'examples/django'), workspace, { recursive: true })
const dockerConfig = mkdtempSync(path.join(tmpdir(), 'demo-docker-config-'))

say('running dist/index.js as the runner would: repository shop/web, target production')
try {
  const result = await runAction({
    workspace,
    echo: true,
    ...pushToMain,
    inputs: {
      repository: 'shop/web',
      'create-repository': 'true',
      target: 'production',
      driver: 'docker',
      'build-args': 'APP_VERSION=1.4.0',
      'skip-setup-trivy': 'true',
      'github-token': ''
    },
    env: {
      ...sdkEnv(ecr.url),
      DOCKER_CONFIG: dockerConfig,
      ...scanner.env
    }
  })
  say(result.main.code === 0 ? 'result' : `the action failed (exit ${result.main.code})`)
  console.log(`image:   ${result.outputs.image}`)
  console.log(`digest:  ${result.outputs.digest}`)
  console.log(`tags:\n  ${(result.outputs.tags ?? '').split('\n').join('\n  ')}`)
  console.log(`scan:    ${result.outputs.vulnerabilities ?? 'not run'} (${scanner.label})`)
  console.log(`summary: ${result.runnerDir}/summary.md`)
  process.exitCode = result.main.code ?? 1
} finally {
  registry.stop()
  await ecr.close()
}

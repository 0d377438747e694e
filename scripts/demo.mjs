// README's first command: runs the real bundled action (dist/) on examples/django exactly as the runner
// would, against a real Docker engine, an htpasswd-protected registry on loopback and a local ECR stand-in,
// and shows its log as the job's page would (workflow commands consumed, masked values as ***).
//   npm run demo                 the image passes the scan gate and gets its tags
//   npm run demo -- --blocked    the same app with a CRITICAL finding: the gate refuses, nothing is tagged
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const blocked = process.argv.includes('--blocked')
const started = Date.now()
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const say = (text) => console.log(`\n${paint('1', `== ${text}`)}`)

say(blocked ? 'ecr-build-push demo: a blocked image' : 'ecr-build-push demo')
console.log(
  [
    'Runs dist/ (the bundled action) as GitHub\'s runner would, on examples/django, push to "ECR" on this machine:',
    "- the docker driver: the daemon's own builder (hosted runners normally use docker-container, which needs",
    '  the moby/buildkit image: nothing can be pulled here);',
    '- a registry on loopback and an ECR API stand-in in place of AWS;',
    blocked
      ? '- a STAND-IN scanner that replays a real Trivy report with one CRITICAL finding (not a real scan).'
      : '- Trivy if it is on PATH, else a STAND-IN scanner that replays a real Trivy report (not a real scan).'
  ].join('\n')
)

if (!existsSync(path.join(root, 'node_modules/yaml'))) {
  say('npm ci')
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
}
if (process.getuid?.() === 0) {
  say('system packages (Docker engine, buildx, registry)')
  const installed = spawnSync('bash', [path.join(root, 'scripts/install-system.sh')], { stdio: 'inherit' })
  if (installed.status !== 0) process.exit(1)
}
const { baseImage, ensureDocker, ensureBaseImage, registryClient, startRegistry } =
  await import('../__tests__/support/local-stack.mjs')
const { sdkEnv, startEcr } = await import('../__tests__/support/stand-ins/ecr.mjs')
const { pushToMain, runAction } = await import('../__tests__/support/run-action.mjs')
const { removeScratch } = await import('../__tests__/support/scratch.mjs')
const { logRenderer } = await import('../__tests__/support/workflow-commands.mjs')

say('Docker engine, base image, registry on loopback, ECR stand-in')
const daemon = await ensureDocker()
console.log(
  daemon.started
    ? `started dockerd on ${daemon.host} (log ${daemon.log}); it stays running`
    : `dockerd on ${daemon.host} was already running`
)
ensureBaseImage()
const password = randomBytes(18).toString('base64url')
const registry = await startRegistry({ password })
const ecr = await startEcr({ registryHost: registry.host, password, repositories: [] })
console.log(`registry ${registry.host} (htpasswd, user AWS); ECR API stand-in ${ecr.url}`)

// No Trivy can be installed offline: a clearly labelled stand-in replays one of Trivy's own reports.
const realTrivy = spawnSync('sh', ['-c', 'command -v trivy'], { encoding: 'utf8' }).stdout.trim()
const standIn = (report) => ({
  label: `STAND-IN scanner replaying Trivy's ${report} report (__tests__/support/stand-ins/trivy; not a real scan)`,
  env: {
    PATH: `${path.join(root, '__tests__/support/stand-ins')}:${process.env.PATH}`,
    STANDIN_TRIVY_REPORT: report
  }
})
// debian-buster holds one CRITICAL finding: what a base image with a known critical vulnerability looks like.
const scanner = blocked
  ? standIn('debian-buster')
  : realTrivy
    ? { label: `Trivy at ${realTrivy}`, env: {} }
    : standIn('alpine-310')
console.log(`scanner: ${scanner.label}`)

const demoDir = mkdtempSync(path.join(tmpdir(), 'ecr-build-push-demo-'))
const workspace = path.join(demoDir, 'workspace')
cpSync(path.join(root, 'examples/django'), workspace, { recursive: true })
const dockerConfig = path.join(demoDir, 'docker-config')
mkdirSync(dockerConfig)

/** The log as the job's page shows it: groups indented, annotations by level, tool-output markers dimmed. */
function printer() {
  const render = logRenderer()
  const styles = { error: '31', warning: '33', notice: '36' }
  return (entry) => {
    const text = render(entry)
    if (text === undefined) return
    if (entry.kind === 'group') console.log(paint('1', text))
    else if (entry.kind === 'annotation') console.log(paint(styles[entry.annotation.level], text))
    else if (entry.kind === 'debug') console.log(paint('35', text))
    else if (/^\s*::[0-9a-f]{32}::$|^\s*::stop-commands::[0-9a-f]{32}$/.test(text))
      console.log(paint('2', text))
    else console.log(text)
  }
}

const repository = 'shop/web'
say(`running dist/index.js as the runner would: repository ${repository}, target production`)
let failed = false
try {
  const result = await runAction({
    workspace,
    tempRoot: demoDir,
    echo: printer(),
    // The runner shows the post step as its own step, at the end of the job.
    beforePost: () => say('post step: dist/post/index.js, as at the end of the job'),
    ...pushToMain,
    inputs: {
      repository,
      'create-repository': 'true',
      target: 'production',
      driver: 'docker',
      'build-args': 'APP_VERSION=1.4.0',
      'skip-setup-trivy': 'true',
      'github-token': ''
    },
    env: { ...sdkEnv(ecr.url), DOCKER_CONFIG: dockerConfig, ...scanner.env }
  })
  const summaryFile = path.join(result.runnerDir, 'summary.md')
  // The gate's verdict is the first bold line of the target's section.
  const verdict = result.shownSummary.split('\n').find((line) => line.startsWith('**Gate')) ?? '(no verdict)'
  const tags = await registryClient(registry.host, 'AWS', password).tags(repository)
  // What the demo prints itself goes through the job's masks too.
  const show = (label, text) => console.log(result.mask(`${`${label}:`.padEnd(10)}${text}`))
  if (blocked) {
    say(
      result.main.code === 0
        ? 'result: the action passed an image it should have blocked'
        : `result: blocked (the step failed with exit ${result.main.code}, as it should)`
    )
    show('verdict', verdict.replace(/\*\*/g, ''))
    const why = result.main.annotations.filter((annotation) => annotation.level === 'error').at(-1)
    if (why) show('why', why.message.replace(/\n/g, '\n          '))
    show(
      'registry',
      tags.length === 0
        ? `no tag of ${repository} in ${registry.host} (asked its HTTP API): nothing can pull the blocked image`
        : `${repository} has tags ${tags.join(', ')}: the gate let something through`
    )
    const staging = JSON.parse(result.state.cleanup ?? '{}').staging ?? []
    const inDaemon = staging.filter(
      (name) => spawnSync('docker', ['image', 'inspect', name], { stdio: 'ignore' }).status === 0
    )
    show(
      'daemon',
      inDaemon.length === 0
        ? 'the blocked image is not in the daemon either'
        : `still holds ${inDaemon.join(', ')}`
    )
    show('scan', `${result.outputs.vulnerabilities ?? 'not run'} (${scanner.label})`)
    show('summary', `${summaryFile} (its first line per image is the verdict)`)
    failed = result.main.code === 0 || tags.length > 0 || inDaemon.length > 0
  } else {
    say(result.main.code === 0 ? 'result' : `result: the action failed (exit ${result.main.code})`)
    show('verdict', verdict.replace(/\*\*/g, ''))
    show('image', result.outputs.image)
    show('digest', result.outputs.digest)
    show('tags', (result.outputs.tags ?? '').split('\n').filter(Boolean).join('\n          '))
    show('registry', `${repository} in ${registry.host} has ${tags.join(', ') || 'no tags'}`)
    show('scan', `${result.outputs.vulnerabilities ?? 'not run'} (${scanner.label})`)
    show('summary', `${summaryFile} (its first line per image is the verdict)`)
    failed = result.main.code !== 0
  }
} finally {
  await Promise.all([registry.stop(), ecr.close()])
  // The registry is gone: its data and the image names that pointed at it go too.
  const removed = removeScratch()
  const size = spawnSync('du', ['-sh', demoDir], { encoding: 'utf8' }).stdout.split('\t')[0]
  say('left behind')
  console.log(
    [
      `- dockerd on ${daemon.host}: ${daemon.started ? `started by this demo, still running (log ${daemon.log})` : 'already running, left as it was'}`,
      `- in that daemon: ${baseImage} (the base image, made offline) and BuildKit's build cache, for the next run`,
      `- ${demoDir} (${size}): the workspace, the docker config and the runner's files (summary.md); rm -rf it when done`,
      `- removed: the registry and ECR stand-in (stopped), the registry's data, ${removed.images} image names for ${registry.host}`
    ].join('\n')
  )
  console.log(`demo took ${Math.round((Date.now() - started) / 1000)} s`)
}
process.exitCode = failed ? 1 : 0

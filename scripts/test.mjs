// README's test command: prepares what the tests need on a fresh machine (dependencies, both Docker engines,
// buildx, a BuildKit image for the docker-container driver, arm64 emulation, base images), typechecks,
// packages dist/ when src/ is newer, runs the stand-ins' own tests, then every product test on Node 22 (the
// oldest supported) and Node 24 (the node24 runtime).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const step = (title) => console.log(`\n== ${title}`)
const run = (tool, args, env = {}) => {
  const result = spawnSync(tool, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

if (!existsSync(path.join(root, 'node_modules/.bin/jest'))) {
  step('npm ci')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}
const asRoot = process.getuid?.() === 0
if (asRoot) {
  step('system packages (Docker engine, buildx, registry, QEMU, cosign, arm64 busybox)')
  run('bash', ['scripts/install-system.sh'])
}

const buildkitImage = 'moby/buildkit:buildx-stable-1'
const hasImage = (image) => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0
/** BuildKit for the docker-container driver, built from Debian's sources (minutes): in the background meanwhile. */
let buildkit
const buildkitLog = path.join(tmpdir(), 'ecr-build-push-buildkit.log')

const { ensureDocker, ensureBaseImage, ensureEmulation, startedDaemons } =
  await import('../__tests__/support/local-stack.mjs')
step('Docker engines (classic and containerd image stores), arm64 emulation, base images')
for (const store of ['classic', 'containerd']) ensureBaseImage(await ensureDocker({ store }))
ensureEmulation()
for (const daemon of startedDaemons) {
  console.log(
    `started dockerd (${daemon.store} image store) on ${daemon.host}; left running, log ${daemon.log}`
  )
}
console.log(execFileSync('docker', ['buildx', 'version'], { encoding: 'utf8' }).trim())
if (!hasImage(buildkitImage) && asRoot) {
  console.log(
    `building ${buildkitImage} from Debian's BuildKit sources in the background (log ${buildkitLog})`
  )
  const log = openSync(buildkitLog, 'a')
  const child = spawn('bash', ['scripts/build-buildkit-image.sh'], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: { ...process.env, BK_CLEAN: '1' }
  })
  buildkit = new Promise((resolve) => child.on('close', resolve))
}

step('typecheck')
run('npx', ['tsc', '--noEmit'])

/** The newest modification time under a folder. */
function newest(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const full = path.join(dir, entry.name)
    return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs)
  }, 0)
}
// The e2e tests run dist/ as the runner does: a bundle older than src/ would test yesterday's code.
const bundle = path.join(root, 'dist/index.js')
if (!existsSync(bundle) || newest(path.join(root, 'src')) > statSync(bundle).mtimeMs) {
  step('dist/ is older than src/: npm run package')
  run('npm', ['run', 'package', '--silent'])
}

const jest = path.join(root, 'node_modules/jest/bin/jest.js')
const results = mkdtempSync(path.join(tmpdir(), 'jest-results-'))
/** Passed and failed tests by kind: the product's unit and end-to-end tests, and the stand-ins' own. */
const totals = { unit: 0, e2e: 0, support: 0, failed: 0 }
const closingLine = () =>
  `tests: ${totals.unit + totals.e2e} product (unit ${totals.unit}, e2e ${totals.e2e}), ` +
  `${totals.support} stand-in; ${totals.failed} failed`
/**
 * The closing lines, on every way out: the counts, then what this run leaves behind. Each test file removed
 * its own folders, images and builders (__tests__/support/scratch.mjs); only daemons this run started stay.
 * @param {number} code
 */
function finish(code) {
  rmSync(results, { recursive: true, force: true })
  console.log(`\n${closingLine()}`)
  const left = startedDaemons.map(
    (daemon) =>
      `dockerd (${daemon.store} image store) on ${daemon.host}, started by this run (log ${daemon.log})`
  )
  console.log(
    left.length > 0
      ? `left running: ${left.join('; ')}`
      : 'left running: nothing this run started (the Docker daemons it used were already running)'
  )
  process.exit(code)
}
/**
 * Runs one jest invocation and adds its counts to the closing line.
 * @param {string} node @param {string} name @param {'unit' | 'e2e' | 'support'} kind @param {string[]} args
 */
function runJest(node, name, kind, args) {
  const outputFile = path.join(results, `${name}.json`)
  const result = spawnSync(
    node,
    [
      '--experimental-vm-modules',
      '--no-warnings',
      jest,
      '--ci',
      '--json',
      '--outputFile',
      outputFile,
      ...args
    ],
    { cwd: root, stdio: 'inherit' }
  )
  if (existsSync(outputFile)) {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'))
    totals[kind] += report.numPassedTests
    totals.failed += report.numFailedTests + report.numRuntimeErrorTestSuites
  }
  if (result.status !== 0) finish(result.status ?? 1)
}
const nodes = [
  ['Node 22, the oldest supported', path.join(root, 'node_modules/node22/bin/node')],
  ['Node 24, the node24 runtime', path.join(root, 'node_modules/node/bin/node')]
]
// The stand-ins are test infrastructure: once, before the tests that rely on them.
step('stand-in tests (local stack, registry proxy, ECR, GitHub, OIDC)')
runJest(nodes[1][1], 'support', 'support', ['--selectProjects', 'support', '--runInBand'])
// Needs the BuildKit image: run last, after the background build.
const builderContainerTests = '__tests__/e2e/docker-container.test.ts'
for (const [name, node] of nodes) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  step(`unit tests on ${name} (${version})`)
  runJest(node, `unit-${version}`, 'unit', ['--selectProjects', 'unit'])
  // End-to-end tests share the Docker engines and empty a build cache: one at a time.
  step(`end-to-end tests on ${name} (${version}), running dist/ as the runner does`)
  runJest(node, `e2e-${version}`, 'e2e', [
    '--selectProjects',
    'e2e',
    '--runInBand',
    '--testPathIgnorePatterns',
    builderContainerTests
  ])
}
if (buildkit) {
  step(`waiting for ${buildkitImage}`)
  const code = await buildkit
  if (code !== 0 || !hasImage(buildkitImage)) {
    console.log(readFileSync(buildkitLog, 'utf8').split('\n').slice(-30).join('\n'))
    console.log(`building ${buildkitImage} failed (exit ${code}); see ${buildkitLog}`)
    finish(1)
  }
  rmSync(buildkitLog, { force: true })
}
for (const [name, node] of nodes) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  step(`end-to-end tests of the docker-container driver on ${name} (${version})`)
  runJest(node, `e2e-builder-${version}`, 'e2e', [
    '--selectProjects',
    'e2e',
    '--runInBand',
    builderContainerTests
  ])
}
finish(0)

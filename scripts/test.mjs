// README's test command: prepares what the tests need on a fresh machine (dependencies, both Docker engines,
// buildx, registry binary, arm64 emulation, base images), typechecks, runs the stand-ins' own tests, then every
// product test on Node 20 and on Node 24.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
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
if (process.getuid?.() === 0) {
  step('system packages (Docker engine, buildx, registry, QEMU, cosign, arm64 busybox)')
  run('bash', ['scripts/install-system.sh'])
}
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

step('typecheck')
run('npx', ['tsc', '--noEmit'])

const jest = path.join(root, 'node_modules/jest/bin/jest.js')
const results = mkdtempSync(path.join(tmpdir(), 'jest-results-'))
/** Passed and failed tests by kind: the product's unit and end-to-end tests, and the stand-ins' own. */
const totals = { unit: 0, e2e: 0, support: 0, failed: 0 }
const closingLine = () =>
  `tests: ${totals.unit + totals.e2e} product (unit ${totals.unit}, e2e ${totals.e2e}), ` +
  `${totals.support} stand-in; ${totals.failed} failed`
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
  if (result.status !== 0) {
    console.log(closingLine())
    process.exit(result.status ?? 1)
  }
}
// npm puts node_modules/.bin (and so the `node` package's Node 24) first on PATH; npm itself runs on the machine's.
const machineNode = process.env.npm_node_execpath || process.execPath
const node24 = path.join(root, 'node_modules/node/bin/node')
// The stand-ins are test infrastructure: once, on the machine's Node, before the tests that rely on them.
step('stand-in tests (local stack, registry proxy, ECR, GitHub, OIDC)')
runJest(machineNode, 'support', 'support', ['--selectProjects', 'support', '--runInBand'])
for (const [name, node] of [
  ['the machine', machineNode],
  ['Node 24, the node24 runtime', node24]
]) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  step(`unit tests on ${name} (${version})`)
  runJest(node, `unit-${version}`, 'unit', ['--selectProjects', 'unit'])
  // End-to-end tests share one Docker engine and empty its build cache: one at a time.
  step(`end-to-end tests on ${name} (${version}), running dist/ as the runner does`)
  runJest(node, `e2e-${version}`, 'e2e', ['--selectProjects', 'e2e', '--runInBand'])
}
console.log(`\n${closingLine()}`)

// `npm run bench`: the action's cost over the bare docker CLI, its start-up and its bundle size,
// measured in one run and written to BENCHMARKS.md with the machine and versions.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { root } from '../__tests__/support/run-action.mjs'
import { benchBuild, exampleWorkspace } from './build.mjs'
import { bundleFiles, chunksLoaded } from './bundle.mjs'
import { benchStartup, startupCases, startupProfile } from './startup.mjs'
import { benchTargets, sharedStep, sides, targetRepositories } from './targets.mjs'
import { formatBytes, formatMs, formatRatio, formatSpread, signTest, summarize } from './stats.mjs'

const settings = {
  buildPairs: Number(process.env.BENCH_BUILD_PAIRS ?? 21),
  buildWarmups: Number(process.env.BENCH_BUILD_WARMUPS ?? 2),
  startupRuns: Number(process.env.BENCH_STARTUP_RUNS ?? 30),
  targetsRounds: Number(process.env.BENCH_TARGETS_ROUNDS ?? 12),
  targetsWarmups: Number(process.env.BENCH_TARGETS_WARMUPS ?? 1),
  startupWarmups: 3
}
const targets = { fixedCostMs: 300, startupOverheadMs: 150 }
const heavyPackages = [
  '@aws-sdk/',
  '@smithy/',
  '@octokit/',
  '@actions/github',
  '@actions/cache',
  '@actions/tool-cache',
  '@azure/'
]

const log = (line) => console.log(line)
const capture = (tool, args) => {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unavailable'
  }
}

/** Node 24 and 22 from node_modules (the runtime, `using: node24`; the oldest supported) and every node on PATH. */
function nodeBinaries() {
  const candidates = [
    path.join(root, 'node_modules/node/bin/node'),
    path.join(root, 'node_modules/node22/bin/node')
  ]
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && !path.resolve(dir).startsWith(path.join(root, 'node_modules')))
      candidates.push(path.join(dir, 'node'))
  }
  const seen = new Map()
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue
    const real = realpathSync(candidate)
    if (seen.has(real)) continue
    const version = capture(real, ['--version'])
    seen.set(real, { label: `Node ${version.slice(1).split('.')[0]}`, path: real, version })
  }
  const byMajor = new Map([...seen.values()].map((node) => [node.label, node]))
  return [...byMajor.values()]
}

function machine() {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : ''
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    load: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
    os: `${/^PRETTY_NAME="?([^"\n]+)/m.exec(osRelease)?.[1] ?? os.type()} (kernel ${os.release()})`,
    docker: `engine ${capture('docker', ['version', '--format', '{{.Server.Version}}'])}, CLI ${capture(
      'docker',
      ['version', '--format', '{{.Client.Version}}']
    )}`,
    buildx: capture('docker', ['buildx', 'version']),
    // A tree with changes to src/ or dist/ is not the commit it names: the report says so.
    commit: `${capture('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])}${
      capture('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'dist'])
        ? ' with uncommitted changes to src/ or dist/'
        : ''
    }`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  }
}

/** Options of the action's build that the bare command does not pass, with how often it passes them. */
function extraBuildFlags(actionCommands, bareCommands) {
  const flags = (prefix, commands) =>
    (commands.find((command) => command.startsWith(prefix)) ?? '')
      .split(' ')
      .filter((word) => word.startsWith('--'))
  const bareFlags = new Set(flags('docker buildx build', bareCommands))
  const counts = new Map()
  for (const flag of flags('docker buildx build', actionCommands)) {
    if (!bareFlags.has(flag)) counts.set(flag, (counts.get(flag) ?? 0) + 1)
  }
  return [...counts].map(([flag, times]) => (times > 1 ? `${flag} ×${times}` : flag))
}

function count(commands, prefix) {
  return commands.filter((command) => command.startsWith(prefix)).length
}

const started = Date.now()
const facts = machine()
const nodes = nodeBinaries()
const actionNode = nodes.find((node) => node.label === 'Node 24') ?? nodes[0]
if (!existsSync(path.join(root, 'dist/index.js')))
  throw new Error('No dist/index.js: run `npm run package` first.')
const distAge = statSync(path.join(root, 'dist/index.js')).mtime.toISOString()
log(`machine: ${facts.cpu}, ${facts.cores} cores, ${facts.memory}; ${facts.os}`)
log(
  `docker ${facts.docker}; ${facts.buildx}; nodes: ${nodes.map((node) => `${node.version} (${node.path})`).join(', ')}`
)

const workspace = exampleWorkspace()
const allFiles = bundleFiles()
const files = allFiles.filter((file) => !file.stale)
const staleFiles = allFiles.filter((file) => file.stale)
// A run that ends in its first phase (an input mistake): what it loads is what every run loads before any work.
const loadedAtStart = chunksLoaded(actionNode.path, startupCases(workspace).cases.invalid.env, workspace)
const profile = startupProfile(actionNode.path, workspace)
const startup = benchStartup({
  nodes,
  workspace,
  runs: settings.startupRuns,
  warmups: settings.startupWarmups,
  log
})
const build = await benchBuild({
  node: actionNode.path,
  pairs: settings.buildPairs,
  warmups: settings.buildWarmups,
  log
})

const multi = await benchTargets({
  node: actionNode.path,
  rounds: settings.targetsRounds,
  warmups: settings.targetsWarmups,
  log
})

const buildRatio = build.action.median / build.bare.median
const phaseSum = build.breakdown.phases.reduce((sum, [, ms]) => sum + ms, 0)
const bareCommand = (name) => build.breakdown.bare.find(([command]) => command === name)?.[1] ?? 0
/** The commands both sides run: A's phase or process that runs it is counted over B's run of it. */
const sharedWork = { Build: 'buildx build', 'ECR login': 'login' }
/** A − B by where it goes: every phase over B's run of the same command, the processes. */
const fixedCostParts = [
  ...build.breakdown.phases.map(([name, ms]) =>
    sharedWork[name]
      ? [`${name} phase over the bare \`docker ${sharedWork[name]}\``, ms - bareCommand(sharedWork[name])]
      : [`${name} phase`, ms]
  ),
  ['main process outside the phases (node start-up, bundle load, exit)', build.breakdown.main - phaseSum],
  [
    'post process over the bare `docker logout` (node start-up, state, cleanup)',
    build.breakdown.post - bareCommand('logout')
  ]
].filter(([, ms]) => Math.round(ms) !== 0)
const actionStartup = startup.find((result) => result.node === actionNode)
const startupOverhead = actionStartup.firstPhase.median - actionStartup.bare.median
const invalidOverhead = actionStartup.invalid.median - actionStartup.bare.median
const probes =
  count(build.actionCommands, 'docker info') +
  count(build.actionCommands, 'docker buildx version') +
  count(build.actionCommands, 'docker version')
const uploads =
  count(build.actionCommands, 'docker buildx build') +
  count(build.actionCommands, 'docker push') +
  count(build.actionCommands, 'docker save') +
  count(build.actionCommands, 'docker image save')
const startFiles = files.filter((file) => loadedAtStart.includes(file.file))
const sdkChunkBytes = files.find((file) => file.holds.includes('@aws-sdk/client-ecr'))?.bytes ?? 0
const heavyAtStart = startFiles.flatMap((file) =>
  file.holds.filter((name) => heavyPackages.some((heavy) => name.startsWith(heavy)))
)
const extraFlags = extraBuildFlags(build.actionCommands, build.minimalCommands)
const mark = (met) => (met ? 'met' : '**missed**')

/** How a per-run count came out over the measured runs: `1 in 5 of 5 runs`, or `1 in 4 runs, 2 in 1 run`. */
function tally(counts) {
  const runs = new Map()
  for (const value of counts) runs.set(value, (runs.get(value) ?? 0) + 1)
  if (runs.size === 1) return `${counts[0]} in ${counts.length} of ${counts.length} runs`
  return [...runs]
    .sort((a, b) => a[0] - b[0])
    .map(([value, times]) => `${value} in ${times} run${times === 1 ? '' : 's'}`)
    .join(', ')
}
const stepCounts = (side, key) => multi.steps[side].map((step) => step[key])
const bakeRanOnce = ['action', 'bake'].every((side) => stepCounts(side, 'ran').every((ran) => ran === 1))
const concurrentRatio = multi.concurrent.median / multi.bake.median
const sequentialRatio = multi.sequential.median / multi.bake.median
const rounds = multi.samples.bake.length
const bakeWins = multi.samples.bake.filter((ms, round) => ms < multi.samples.concurrent[round]).length
const bakeWinsOverSequential = multi.samples.bake.filter(
  (ms, round) => ms < multi.samples.sequential[round]
).length
const pairedDifference = summarize(
  multi.samples.concurrent.map((ms, round) => ms - multi.samples.bake[round])
)
const bakeVsConcurrentP = signTest(bakeWins, rounds)
const buildxVersion = /\d+\.\d+\.\d+/.exec(facts.buildx)?.[0] ?? facts.buildx
const medianGap = `${formatMs(Math.abs(multi.concurrent.median - multi.bake.median))} (concurrent / bake ${formatRatio(concurrentRatio)})`
const roundsWon = `the bake was faster in ${bakeWins} of ${rounds} rounds, sign test p = ${bakeVsConcurrentP.toFixed(3)}`
const faster =
  bakeVsConcurrentP >= 0.05
    ? `no clear winner between one bake and three concurrent builds on the same builder: the bake's median is ${concurrentRatio >= 1 ? 'lower' : 'higher'} by ${medianGap}; ${roundsWon}`
    : concurrentRatio >= 1
      ? `one bake is faster than three concurrent builds on the same builder, by ${medianGap} at the median; ${roundsWon}`
      : `three concurrent builds on the same builder are faster than one bake, by ${medianGap} at the median; ${roundsWon}`

/** What the fixed cost is made of beyond the phases: said whether or not the target is met. */
const remains = `What remains is work the bare CLI does not do, on 2 cores: two Node processes (\`node -e 0\` alone takes ${formatMs(actionStartup.bare.median)}, an empty post step ${formatMs(actionStartup.post.median)}) that load the bundle; the probe phase's \`docker info\` (the CLI's start-up and its plugin scan) beside the ECR SDK's first load (a ${formatBytes(sdkChunkBytes)} chunk compiled on the main thread) and its two API calls; reading and checking the Dockerfile and the workspace for the inputs, tags and Dockerfile checks.`

const verdicts = [
  {
    target: `Fixed cost ≤ ${targets.fixedCostMs} ms over the bare CLI doing the same work (warm rebuild + push, main + post, ${actionNode.label})`,
    measured: `${formatMs(build.differences.median)} (median paired A − B; A ${formatMs(build.action.median)}, B ${formatMs(build.bare.median)})`,
    met: build.differences.median <= targets.fixedCostMs,
    why: `missed by ${formatMs(build.differences.median - targets.fixedCostMs)}; where it goes: ${fixedCostParts.map(([part, ms]) => `${part} ${formatMs(ms)}`).join(', ')}. ${remains}`
  },
  {
    target: `Start-up overhead ≤ ${targets.startupOverheadMs} ms (${actionNode.label}, spawn to the first command)`,
    measured: `${formatMs(startupOverhead)} over \`node -e 0\` (to a validation failure: ${formatMs(invalidOverhead)})`,
    met: startupOverhead <= targets.startupOverheadMs,
    why: `missed by ${formatMs(startupOverhead - targets.startupOverheadMs)}: the chunks every run loads before its first command are ${startFiles.map((file) => `${file.file} (${formatBytes(file.bytes)}: ${file.holds.join(', ')})`).join('; ')}.`
  },
  {
    target:
      'Heavy modules (AWS SDK, Octokit, cache and tool-cache clients) loaded only in the phase that needs them',
    measured: heavyAtStart.length
      ? `loaded by a run that ends in its first phase: ${heavyAtStart.join(', ')}`
      : 'none loaded by a run that ends in its first phase (Inputs)',
    met: heavyAtStart.length === 0,
    why: `these packages are in chunks loaded at start-up: ${heavyAtStart.join(', ')}.`
  },
  {
    target:
      'Several targets in one buildx invocation so shared stages build once (bake vs concurrent builds: which is faster)',
    measured: `one \`docker buildx bake\`; the shared \`${sharedStep}\` ran ${tally([...stepCounts('action', 'ran'), ...stepCounts('bake', 'ran')])} (action and bare bake); ${faster}`,
    met: bakeRanOnce,
    why: `the bake ran the shared step more than once: action ${tally(stepCounts('action', 'ran'))}, bare bake ${tally(stepCounts('bake', 'ran'))}.`
  },
  {
    target: 'docker/buildx probed once per run',
    measured: `${probes} probe${probes === 1 ? '' : 's'} (\`docker info\`: platform, image store and the buildx plugin's version) in a full run`,
    met: probes === 1,
    why: `the run probed ${probes} times; see the command list below.`
  },
  {
    target: 'No phase exports or uploads an image twice',
    measured: `${uploads} export/upload command${uploads === 1 ? '' : 's'} (one \`buildx build --push\` with every tag)`,
    met: uploads === 1,
    why: `the run exported or uploaded ${uploads} times; see the command list below.`
  }
]

const startupRows = startup.flatMap((result) => [
  `| ${result.node.label} (${result.node.version}) | \`node -e 0\` | ${formatSpread(result.bare)} | |`,
  `| | \`node dist/index.js\` → its first command (the docker probes) | ${formatSpread(result.firstPhase)} | +${formatMs(result.firstPhase.median - result.bare.median)} (${formatRatio(result.firstPhase.median / result.bare.median)}) |`,
  `| | \`node dist/index.js\` → input-validation failure | ${formatSpread(result.invalid)} | +${formatMs(result.invalid.median - result.bare.median)} (${formatRatio(result.invalid.median / result.bare.median)}) |`,
  `| | \`node dist/index.js\` as a post step with nothing to clean | ${formatSpread(result.post)} | +${formatMs(result.post.median - result.bare.median)} (${formatRatio(result.post.median / result.bare.median)}) |`
])
const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0)
const markdown = `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs) on ${facts.date}, commit ${facts.commit}, dist/index.js built ${distAge}.
Do not edit by hand: run \`npm run package && npm run bench\` again.

| Machine | |
| --- | --- |
| CPU | ${facts.cpu}, ${facts.cores} cores |
| Memory | ${facts.memory} |
| Load average at start (1, 5, 15 min) | ${facts.load} |
| OS | ${facts.os} |
| Docker | ${facts.docker} |
| Buildx | ${facts.buildx} |
| Node | ${nodes.map((node) => `${node.version} (${node.path})`).join(', ')}; the action runs on ${actionNode.version} |

## Targets

| Target | Measured | |
| --- | --- | --- |
${verdicts.map((verdict) => `| ${verdict.target} | ${verdict.measured} | ${mark(verdict.met)} |`).join('\n')}
${
  verdicts.some((verdict) => !verdict.met)
    ? `\n### Why targets were missed\n\n${verdicts
        .filter((verdict) => !verdict.met)
        .map((verdict) => `- ${verdict.target}: ${verdict.why}`)
        .join('\n')}\n`
    : ''
}
## Warm rebuild + push after a one-line code change

examples/django (target \`production\`), a local htpasswd registry on loopback and the ECR API stand-in, the
docker driver, one private DOCKER_CONFIG for both sides. Before every run (warm-up and measured, both sides)
one line is appended to \`app/serve.sh\`, so each run rebuilds the changed layers and pushes them.
${settings.buildWarmups} warm-up rounds, then ${settings.buildPairs} rounds of A, B and B0, each round starting with the next side
in turn. Times are wall clock per side: the action's main and post steps (as the runner starts them), or the three
bare commands.

| | Median (min – max) |
| --- | --- |
| A: the bundled action, \`scan: false\`, main + post | ${formatSpread(build.action)} |
| B: the bare docker CLI running A's own commands (login, the same \`buildx build\` argv, logout) | ${formatSpread(build.bare)} |
| B0: the bare docker CLI with only the same tags, target, build args and labels | ${formatSpread(build.minimal)} |
| **A − B, paired: the fixed cost** | ${formatSpread(build.differences)} |
| A − B0, paired: the fixed cost and what A's build options cost BuildKit | ${formatSpread(build.minimalDifferences)} |
| A / B (medians) | ${formatRatio(buildRatio)} |

Where A's time goes (medians over the measured runs; phases from the \`::debug::<phase>: <n> ms\` line the
action writes as each phase ends, processes timed from spawn to exit) next to B's commands:

| A: part | Median | B: command | Median |
| --- | --- | --- | --- |
${[
  ...build.breakdown.phases.map(([name, ms]) => [`${name} phase`, ms]),
  ['main process outside the phases', build.breakdown.main - phaseSum],
  ['post process', build.breakdown.post]
]
  .map(([part, ms], index) => {
    const bareRow = build.breakdown.bare[index]
    return `| ${part} | ${formatMs(ms)} | ${bareRow ? `\`docker ${bareRow[0]}\`` : ''} | ${bareRow ? formatMs(bareRow[1]) : ''} |`
  })
  .join('\n')}
| **A: main + post** | ${formatMs(build.breakdown.main + build.breakdown.post)} | **B: all three** | ${formatMs(build.breakdown.bare.reduce((sum, [, ms]) => sum + ms, 0))} |

The fixed cost, A − B, by where it goes: ${fixedCostParts.map(([part, ms]) => `${part} ${formatMs(ms)}`).join('; ')}. ${remains}

What A ran (from its log):

\`\`\`
${build.actionCommands.join('\n')}
\`\`\`

What B ran (A's commands from its first run; its metadata and iid files in a folder of its own, docker's default
progress output instead of \`--progress rawjson\`):

\`\`\`
${build.bareCommands.join('\n')}
\`\`\`

What B0 ran:

\`\`\`
${build.minimalCommands.join('\n')}
\`\`\`

A's build options that B0 does not pass: ${extraFlags.map((flag) => `\`${flag}\``).join(', ') || 'none'}.

## Several targets: one bake, concurrent builds or sequential builds

Issue 7: examples/django with \`targets\` ${targetRepositories.map(([stage, repository]) => `\`${stage}=${repository}\``).join(', ')}
(three images sharing the \`base\`, \`builder\` and \`production\` stages), the docker driver, the local registry and
the ECR API stand-in. Every run of every side (warm-ups included) passes a fresh \`APP_VERSION\` build arg, so the
builder stage's \`${sharedStep} …\` and every step after it run again while \`base\` comes from cache. All sides push
the three images with the same tags, labels, annotations, registry cache imports and inline cache export: B and
C take each target's flags from the bake definition the action generated. ${settings.targetsWarmups} warm-up round${settings.targetsWarmups === 1 ? '' : 's'}, then
${settings.targetsRounds} rounds; each round starts with the next side in turn (A, A′, B, C; then A′, B, C, A; …).
Times are wall clock per side.

| | Median (min – max) | / A′ (medians) | Shared step ran | Shown as CACHED | Vertex digests of the shared step |
| --- | --- | --- | --- | --- | --- |
${[
  ['action', 'A: the bundled action, main + post (`targets:` three lines, `scan: false`): one bake'],
  ['bake', 'A′: the same `docker buildx bake`, bare, with the definition the action generated'],
  ['concurrent', 'B: three `docker buildx build` started at once on the same builder'],
  ['sequential', 'C: the same three builds one after another']
]
  .map(
    ([side, label]) =>
      `| ${label} | ${formatSpread(multi[side])} | ${formatRatio(multi[side].median / multi.bake.median)} | ${tally(stepCounts(side, 'ran'))} | ${tally(stepCounts(side, 'cached'))} | ${tally(stepCounts(side, 'declared'))} |`
  )
  .join('\n')}

**Faster: ${faster}.** Concurrent − bake, paired by round: ${formatSpread(pairedDifference)}.
Three sequential builds take ${formatRatio(sequentialRatio)} the bake's time (${formatMs(multi.sequential.median)}; the bake was faster in
${bakeWinsOverSequential} of ${rounds} rounds, sign test p = ${signTest(bakeWinsOverSequential, rounds).toFixed(3)}). The action
around the bake adds ${formatMs(multi.action.median - multi.bake.median)} (start-up, ECR API, probe, login, a manifest read per
image, post step).

"Shared step ran" counts the distinct vertex digests of \`${sharedStep} …\` that finished uncached (\`DONE\`) in the
run's \`--progress rawjson\` output (for A: \`#N DONE\` in the action's log); one execution that several builds share
is reported to each of them under one digest and counts once. "Vertex digests" counts the digests the run declared
for that step (for A: those its log shows). On buildx ${buildxVersion} the bake's targets declare the shared step under
distinct vertex digests (each target loads the build context as its own source and its stages COPY from it), yet
BuildKit's cache key for the step is content-based, so it ran under one digest and the other targets' showings
were \`CACHED\` or merged into the running one. ${sides.every((side) => stepCounts(side, 'ran').every((ran) => ran === 1)) ? 'Concurrent builds on one builder share the step the same way (BuildKit merges steps with equal cache keys across in-flight builds) and sequential builds take it from the cache, so on this builder (the docker driver: BuildKit inside dockerd) every approach ran the shared step once; they differ only in time.' : `Concurrent builds ran it ${tally(stepCounts('concurrent', 'ran'))}, sequential builds ${tally(stepCounts('sequential', 'ran'))}.`}

What A ran (A′ is the same command with its own definition and metadata file):

\`\`\`
${multi.bakeCommand}
\`\`\`

What B and C ran per target (here \`production\`; the other two differ in \`--target\` and tags):

\`\`\`
${multi.buildCommand}
\`\`\`

## Start-up

Spawn to the first command, after the Inputs and Tags and labels phases (a stand-in \`docker\` first on PATH stamps
the time of the first docker probe and fails), spawn to exit on an invalid \`repository\` input, and spawn to exit of a
post step with no saved state, against bare \`node -e 0\` on the same binary. ${settings.startupWarmups} warm-ups, ${settings.startupRuns} runs each, rotated.

| Node | Run | Median (min – max) | Over \`node -e 0\` |
| --- | --- | --- | --- |
${startupRows.join('\n')}

Where the time to the first command goes (${actionNode.label}, one \`--cpu-prof\` run cut at the first
\`child_process.spawn\`; ${formatMs(profile.totalMs)} of samples, profiling itself slows the run down):

| Where | Self time |
| --- | --- |
${profile.parts.map(([where, ms]) => `| ${where} | ${formatMs(ms)} |`).join('\n')}

\`node internals\` is mostly node's own bootstrap (what \`node -e 0\` costs) and compiling the bundle's modules.
Before the first command only the main bundle loads (${startFiles.map((file) => `${file.file}: ${file.holds.join(', ')}`).join('; ')}): the config stage
needs all of it. The AWS SDK, Octokit, the cache and tool-cache clients, @actions/core with undici (an OIDC token
for keyless signing only) and moment-timezone (tag rules that render a date only) load in the phase that uses them.

## Bundle

dist/ holds ${formatBytes(totalBytes)} of JavaScript and licenses (source maps excluded${
  staleFiles.length
    ? `; not counted: ${staleFiles.map((file) => `\`${file.file}\``).join(', ')}, left by an earlier build and loaded by nothing`
    : ''
}). Loaded by every run before its
first command: ${startFiles.map((file) => `\`${file.file}\``).join(', ')} (${formatBytes(startFiles.reduce((sum, file) => sum + file.bytes, 0))}); every other chunk is loaded lazily by the phase that needs it.

| File | Size | Largest packages inside | Loaded |
| --- | --- | --- | --- |
${files
  .map(
    (file) =>
      `| ${file.file} | ${formatBytes(file.bytes)} | ${file.holds.join(', ')} | ${!/\.c?js$/.test(file.file) ? '' : loadedAtStart.includes(file.file) ? 'at start-up' : 'lazily, by the phase that needs it'} |`
  )
  .join('\n')}
`

writeFileSync(path.join(root, 'BENCHMARKS.md'), markdown)
log('')
for (const verdict of verdicts)
  log(`${verdict.met ? 'met   ' : 'MISSED'} ${verdict.target}: ${verdict.measured}`)
log(
  `build: action ${formatSpread(build.action)}, bare ${formatSpread(build.bare)}, ratio ${formatRatio(buildRatio)}`
)
for (const result of startup) {
  log(
    `start-up ${result.node.label}: node -e 0 ${formatSpread(result.bare)}, first phase ${formatSpread(result.firstPhase)}, validation failure ${formatSpread(result.invalid)}, empty post step ${formatSpread(result.post)}`
  )
}
log(
  `targets: ${sides.map((side) => `${side} ${formatSpread(multi[side])} (shared step ran ${tally(stepCounts(side, 'ran'))})`).join(', ')}`
)
log(
  `bundle: ${formatBytes(totalBytes)} in dist/; at start-up ${startFiles.map((file) => `${file.file} ${formatBytes(file.bytes)}`).join(', ')}`
)
log(`wrote BENCHMARKS.md in ${((Date.now() - started) / 1000).toFixed(0)} s`)

import { Env, type Instruction } from 'dockerfile-ast'
import type { DockerfileFinding } from '../finding.js'
import {
  chainOf,
  instructionsOf,
  keywordOf,
  mountsOf,
  stageLabel,
  type BuildModel,
  type Mount
} from '../model.js'
import { isBuildTool, packageOperation, pipSubcommand, type PackageOperation } from '../package-managers.js'
import { runScript, shellCommands, type ShellCommand } from '../shell.js'
import { found } from './found.js'

/** A RUN with what it runs and the ENV in effect before it. */
interface RunStep {
  run: Instruction
  commands: ShellCommand[]
  operations: PackageOperation[]
  mounts: Mount[]
  env: Map<string, string>
  /** The instructions before it in its stage's chain. */
  before: Instruction[]
}

function envOf(instructions: Instruction[]): Map<string, string> {
  const env = new Map<string, string>()
  for (const instruction of instructions) {
    if (instruction instanceof Env)
      for (const property of instruction.getProperties())
        env.set(property.getName(), property.getValue() ?? '')
  }
  return env
}

function stepsOf(model: BuildModel, stages: BuildModel['closure']): RunStep[] {
  return stages.flatMap((stage) => {
    const chain = instructionsOf(chainOf(model, stage))
    return stage.instructions
      .filter((instruction) => keywordOf(instruction) === 'RUN')
      .map((run) => {
        const commands = shellCommands(runScript(run).script)
        const before = chain.slice(0, chain.indexOf(run))
        return {
          run,
          commands,
          operations: commands.flatMap((command) => packageOperation(command) ?? []),
          mounts: mountsOf(run),
          env: envOf(before),
          before
        }
      })
  })
}

function hasMount(step: RunStep, target: RegExp): boolean {
  return step.mounts.some(
    (mount) => (mount.type === 'cache' || mount.type === 'tmpfs') && target.test(mount.target)
  )
}

/** Packages a RUN installs and does not remove again before it ends (`apk add --virtual .deps …; apk del .deps`). */
function keptPackages(step: RunStep): string[] {
  const kept: string[] = []
  step.operations.forEach((operation, index) => {
    if (operation.action !== 'install') return
    const removed = step.operations
      .slice(index + 1)
      .filter((later) => later.action === 'remove')
      .flatMap((later) => later.packages)
    if (operation.virtual && removed.includes(operation.virtual)) return
    kept.push(...operation.packages.filter((name) => !removed.includes(name)))
  })
  return kept
}

function buildTools(model: BuildModel): DockerfileFinding[] {
  const severity = model.development ? 'notice' : 'warning'
  return stepsOf(model, model.chain).flatMap((step) => {
    const tools = [...new Set(keptPackages(step).filter(isBuildTool))]
    if (tools.length === 0) return []
    return [
      found(
        model,
        'build-tools-in-image',
        step.run,
        `${tools.join(', ')} installed here end up in the image of ${stageLabel(model.built)}: build tools belong in a builder stage.`,
        { severity }
      )
    ]
  })
}

function isAptUpdate(operation: PackageOperation): boolean {
  return operation.manager === 'apt' && operation.action === 'update'
}

function removes(step: RunStep, path: RegExp): boolean {
  return step.commands.some(
    (command) => command.words[0] === 'rm' && command.words.some((word) => path.test(word))
  )
}

function aptChecks(model: BuildModel, steps: RunStep[]): DockerfileFinding[] {
  return steps.flatMap((step) => {
    const findings: DockerfileFinding[] = []
    const update = step.operations.find(isAptUpdate)
    const installs = step.operations.filter(
      (operation) => operation.manager === 'apt' && operation.action === 'install'
    )
    if (update && installs.length === 0)
      findings.push(
        found(model, 'apt-update-alone', step.run, `${update.tool} update runs in a RUN without an install.`)
      )
    const recommendsOff = step.before.some((instruction) =>
      /APT::Install-Recommends\W+(?:"?(?:0|false)"?)/i.test(instruction.getArgumentsContent() ?? '')
    )
    const withRecommends = installs.filter(
      (operation) =>
        !recommendsOff &&
        !operation.options.some(
          (option) =>
            option === '--no-install-recommends' || /APT::Install-Recommends=(?:0|false)/i.test(option)
        )
    )
    if (withRecommends.length > 0)
      findings.push(
        found(
          model,
          'apt-no-install-recommends',
          step.run,
          `${withRecommends.map((operation) => [operation.tool, 'install', ...operation.packages].join(' ')).join(', ')} also installs recommended packages.`
        )
      )
    if (update && !removes(step, /^\/var\/lib\/apt\/lists/) && !hasMount(step, /^\/var\/lib\/apt(\/lists)?$/))
      findings.push(
        found(
          model,
          'apt-lists-not-removed',
          step.run,
          `The package lists ${update.tool} update writes stay in this layer.`
        )
      )
    return findings
  })
}

const truthy = (value: string | undefined) => value !== undefined && !/^(|0|false|no|off)$/i.test(value)

function envValue(command: ShellCommand, step: RunStep, name: string): string | undefined {
  return command.env[name] ?? step.env.get(name)
}

function runsInStep(step: RunStep, words: string[]): boolean {
  return step.commands.some((command) => words.every((word, index) => command.words[index] === word))
}

/** Tools that keep a download cache in the home directory, and how a RUN avoids leaving it in the layer. */
const toolCaches: {
  name: string
  runs: (words: string[]) => boolean
  avoided: (command: ShellCommand, step: RunStep) => boolean
}[] = [
  {
    name: 'pip',
    runs: (words) => ['install', 'wheel'].includes(pipSubcommand(words) ?? ''),
    avoided: (command, step) =>
      command.words.includes('--no-cache-dir') ||
      truthy(envValue(command, step, 'PIP_NO_CACHE_DIR')) ||
      hasMount(step, /(^|\/)\.cache(\/pip)?$|pip/)
  },
  {
    name: 'uv',
    runs: ([tool, first, second]) =>
      tool === 'uv' && (first === 'sync' || (first === 'pip' && second === 'install')),
    avoided: (command, step) =>
      command.words.includes('--no-cache') ||
      truthy(envValue(command, step, 'UV_NO_CACHE')) ||
      hasMount(step, /(^|\/)\.cache(\/uv)?$|uv/)
  },
  {
    name: 'npm',
    runs: ([tool, first]) => tool === 'npm' && ['ci', 'install', 'i'].includes(first ?? ''),
    avoided: (_command, step) => runsInStep(step, ['npm', 'cache', 'clean']) || hasMount(step, /npm/)
  },
  {
    name: 'yarn',
    runs: ([tool, first]) =>
      tool === 'yarn' && (first === undefined || first === 'install' || first.startsWith('-')),
    avoided: (_command, step) => runsInStep(step, ['yarn', 'cache', 'clean']) || hasMount(step, /yarn/)
  }
]

/** System package managers' caches, and how a RUN avoids leaving them. */
function managerCacheLeft(step: RunStep, operation: PackageOperation): boolean {
  const cleaned = step.operations.some(
    (other) => other.manager === operation.manager && other.action === 'clean'
  )
  switch (operation.manager) {
    case 'apk':
      return (
        !operation.options.includes('--no-cache') &&
        !removes(step, /^\/var\/cache\/apk/) &&
        !hasMount(step, /^\/(var\/cache|etc)\/apk/)
      )
    case 'dnf':
    case 'yum':
      return (
        !cleaned && !removes(step, /^\/var\/cache\/(dnf|yum)/) && !hasMount(step, /^\/var\/cache\/(dnf|yum)/)
      )
    case 'zypper':
      return !cleaned && !hasMount(step, /^\/var\/cache\/zypp/)
    default:
      // apt: Debian and Ubuntu images delete downloaded .debs themselves; the lists are apt-lists-not-removed.
      return false
  }
}

/** The caches a RUN leaves in its layer, by tool. */
function leftCaches(step: RunStep): string[] {
  const fromTools = step.commands.flatMap((command) =>
    toolCaches
      .filter((cache) => cache.runs(command.words) && !cache.avoided(command, step))
      .map((cache) => cache.name)
  )
  const fromManagers = step.operations
    .filter((operation) => operation.action === 'install' && managerCacheLeft(step, operation))
    .map((operation) => operation.manager)
  return [...new Set([...fromTools, ...fromManagers])]
}

function packageCaches(model: BuildModel, steps: RunStep[]): DockerfileFinding[] {
  return steps.flatMap((step) => {
    const caches = leftCaches(step)
    if (caches.length === 0) return []
    return [
      found(model, 'package-cache-in-layer', step.run, `The ${caches.join(', ')} cache stays in this layer.`)
    ]
  })
}

export function packageChecks(model: BuildModel): DockerfileFinding[] {
  const steps = stepsOf(model, model.closure)
  return [...buildTools(model), ...aptChecks(model, steps), ...packageCaches(model, steps)]
}

import type { Instruction } from 'dockerfile-ast'
import type { DockerfileFinding } from '../finding.js'
import { chainOf, flagsOf, instructionsOf, keywordOf, lineOf, type BuildModel } from '../model.js'
import { pipSubcommand } from '../package-managers.js'
import { copySources, positional, runScript, shellCommands } from '../shell.js'
import { found } from './found.js'

type Ecosystem = 'python' | 'node' | 'go' | 'ruby' | 'rust' | 'php'

/** Copy the manifests first, install, then copy the rest: per ecosystem, what "the manifests" are. */
const manifests: Record<Ecosystem, string> = {
  python: 'requirements*.txt (or pyproject.toml and the lock file)',
  node: 'package.json and the lock file',
  go: 'go.mod and go.sum',
  ruby: 'Gemfile and Gemfile.lock',
  rust: 'Cargo.toml and Cargo.lock (or use cargo-chef)',
  php: 'composer.json and composer.lock'
}

/** The dependency installs of one command: what reinstalls everything when it runs after `COPY . .`. */
function dependencyInstall(words: string[]): Ecosystem | undefined {
  const [tool, first, second] = words
  const pip = pipSubcommand(words)
  if (pip === 'install' && words.some((word) => /^(-r|--requirement)/.test(word))) return 'python'
  if (tool === 'uv' && (first === 'sync' || (first === 'pip' && second === 'install'))) return 'python'
  if ((tool === 'poetry' || tool === 'pipenv' || tool === 'pdm') && first === 'install') return 'python'
  if (
    tool === 'npm' &&
    (first === 'ci' || ((first === 'install' || first === 'i') && positional(words).length === 2))
  )
    return 'node'
  if (tool === 'yarn' && (first === undefined || first === 'install' || first.startsWith('-'))) return 'node'
  if (tool === 'pnpm' && (first === 'install' || first === 'i')) return 'node'
  if (tool === 'go' && first === 'mod' && second === 'download') return 'go'
  if (tool === 'bundle' && (first === 'install' || first === undefined)) return 'ruby'
  if (tool === 'cargo' && (first === 'build' || first === 'fetch' || (first === 'chef' && second === 'cook')))
    return 'rust'
  if (tool === 'composer' && first === 'install') return 'php'
  return undefined
}

/** `COPY . .`, `ADD ./ /app`, `COPY * ./`: the whole build context, not files picked for a layer. */
function copiesWholeContext(instruction: Instruction): boolean {
  const keyword = keywordOf(instruction)
  if (keyword !== 'COPY' && keyword !== 'ADD') return false
  if (flagsOf(instruction).some((flag) => flag.name === 'from')) return false
  return copySources(instruction).some((source) => ['.', './', '*', './*'].includes(source))
}

/** Installs that run after the first whole-context copy of the chain, unless done before it as well. */
function cacheBustingInstalls(model: BuildModel, instructions: Instruction[]): DockerfileFinding[] {
  const findings: DockerfileFinding[] = []
  const installed = new Set<Ecosystem>()
  let copy: { instruction: Instruction; installedBefore: Set<Ecosystem> } | undefined
  for (const instruction of instructions) {
    if (!copy && copiesWholeContext(instruction)) copy = { instruction, installedBefore: new Set(installed) }
    if (keywordOf(instruction) !== 'RUN') continue
    for (const command of shellCommands(runScript(instruction).script)) {
      const ecosystem = dependencyInstall(command.words)
      if (!ecosystem) continue
      installed.add(ecosystem)
      if (!copy || copy.installedBefore.has(ecosystem)) continue
      const copyText = `${keywordOf(copy.instruction)} ${(copy.instruction.getArgumentsContent() ?? '').trim()}`
      findings.push(
        found(
          model,
          'install-after-copy-all',
          copy.instruction,
          `${copyText} comes before ${command.text} (line ${lineOf(instruction)}): every code change reinstalls the dependencies.`,
          { fix: `Copy ${manifests[ecosystem]} first, install, then copy the rest of the context.` }
        )
      )
    }
  }
  return findings
}

export function orderChecks(model: BuildModel): DockerfileFinding[] {
  return model.closure.flatMap((stage) => cacheBustingInstalls(model, instructionsOf(chainOf(model, stage))))
}

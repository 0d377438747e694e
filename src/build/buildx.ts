import { readdir } from 'node:fs/promises'
import semver from 'semver'
import { ServiceError } from '../errors.js'
import type { Command, Runner } from '../run/command.js'
import type { Driver } from '../config/build.js'

/** What docker and buildx can do here: probed once per run and passed to every phase as data. */
export interface BuildxFacts {
  buildxVersion: string
}

/** What docker said is wrong, without its "See 'docker --help'" hint lines. */
function buildxProblem(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim())
  return lines.find((line) => line !== '' && !/^(See|Run) '/.test(line))?.replace(/\.$/, '') ?? ''
}

export async function probeBuildx(probe: Runner): Promise<BuildxFacts> {
  const result = await probe.run({ tool: 'docker', args: ['buildx', 'version'] }, { allowFailure: true })
  if (result.exitCode !== 0) {
    throw new ServiceError(
      `docker buildx is not available: ${buildxProblem(result.stderr) || 'docker buildx version failed'}. Install the buildx plugin (on GitHub-hosted runners it is preinstalled).`,
      'BuildxUnavailable'
    )
  }
  return { buildxVersion: parseBuildxVersion(result.stdout) }
}

/** `github.com/docker/buildx v0.21.1 abc` or `... 0.13.1+ds1 ...` → `0.21.1`. */
export function parseBuildxVersion(output: string): string {
  const word = output.trim().split(/\s+/)[1] ?? ''
  return semver.coerce(word)?.version ?? '0.0.0'
}

export interface BuilderPlan {
  /** Name passed as `--builder` to every build. */
  name: string
  /** True when this run creates the builder and the post step must remove it. */
  created: boolean
  commands: Command[]
}

/**
 * Uses the named builder, or the daemon's own (`docker` driver), or creates a docker-container
 * builder the way docker/setup-buildx-action does, without `--use` so the user's default is untouched.
 */
export function planBuilder(request: { driver: Driver; builder: string; runId: string }): BuilderPlan {
  if (request.builder) return { name: request.builder, created: false, commands: [] }
  if (request.driver === 'docker') return { name: 'default', created: false, commands: [] }
  const name = `ecr-build-push-${request.runId}`
  return {
    name,
    created: true,
    commands: [
      { tool: 'docker', args: ['buildx', 'create', '--name', name, '--driver', 'docker-container'] },
      { tool: 'docker', args: ['buildx', 'inspect', '--bootstrap', '--builder', name] }
    ]
  }
}

export function planBuilderRemoval(name: string): Command {
  return { tool: 'docker', args: ['buildx', 'rm', '--force', name] }
}

/** `BuildKit version: v0.20.1` (buildx ≥ 0.11) or `Buildkit: v0.12.5` in `docker buildx inspect` output. */
export function parseBuildkitVersion(inspectOutput: string): string | undefined {
  const match = /^\s*Build[Kk]it(?: version)?:\s*v?(\S+)/m.exec(inspectOutput)
  return match ? (semver.coerce(match[1])?.version ?? undefined) : undefined
}

/** A named builder's driver and BuildKit version, from `docker buildx inspect` (a read; runs in a dry run too). */
export async function inspectBuilder(
  probe: Runner,
  name: string
): Promise<{ driver?: string; buildkitVersion?: string }> {
  const result = await probe.run(
    { tool: 'docker', args: ['buildx', 'inspect', '--builder', name] },
    { allowFailure: true }
  )
  if (result.exitCode !== 0) return {}
  const driver = /^Driver:\s*(\S+)/m.exec(result.stdout)?.[1]
  const buildkitVersion = parseBuildkitVersion(result.stdout)
  return { ...(driver ? { driver } : {}), ...(buildkitVersion ? { buildkitVersion } : {}) }
}

/** Creates the builder when the plan says so; returns the BuildKit version it reports, if any. */
export async function runBuilder(runner: Runner, plan: BuilderPlan): Promise<string | undefined> {
  let buildkitVersion: string | undefined
  for (const command of plan.commands) {
    const result = await runner.run(command)
    buildkitVersion = parseBuildkitVersion(result.stdout) ?? buildkitVersion
  }
  return buildkitVersion
}

/** binfmt_misc handler names, by the architecture part of a platform. */
const qemuNames: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  loong64: 'loongarch64'
}

/** Architectures the host runs without emulation, by Node's `process.arch`. */
const nativeArchitectures: Record<string, string[]> = {
  x64: ['amd64', '386'],
  arm64: ['arm64', 'arm'],
  arm: ['arm'],
  ppc64: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64']
}

/**
 * The platforms' architectures this host can neither run natively nor through an installed binfmt
 * handler: only these need QEMU (as docker/setup-qemu-action installs it).
 */
export function architecturesNeedingEmulation(
  platforms: string[],
  hostArch: string,
  registeredHandlers: string[]
): string[] {
  const native = nativeArchitectures[hostArch] ?? []
  const needed = platforms
    .map((platform) => platform.split('/')[1])
    .filter(
      (arch) => !native.includes(arch) && !registeredHandlers.includes(`qemu-${qemuNames[arch] ?? arch}`)
    )
  return [...new Set(needed)]
}

/**
 * The QEMU installer runs `--privileged`, so it is pinned by digest (the multi-platform index of the
 * `qemu-v10.2.3` tag; the tag is only there for readers). Source: docs/signing.md.
 */
export const binfmtImage =
  'tonistiigi/binfmt:qemu-v10.2.3@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0'

export function planQemu(architectures: string[]): Command[] {
  if (architectures.length === 0) return []
  return [
    {
      tool: 'docker',
      args: ['run', '--privileged', '--rm', binfmtImage, '--install', architectures.join(',')]
    }
  ]
}

/** binfmt handlers the kernel has now (`qemu-aarch64`, ...); none where binfmt_misc is not mounted. */
export async function registeredHandlers(): Promise<string[]> {
  return readdir('/proc/sys/fs/binfmt_misc').catch(() => [])
}

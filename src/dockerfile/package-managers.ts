import type { ShellCommand } from './shell.js'

type PackageManager = 'apt' | 'apk' | 'dnf' | 'yum' | 'zypper'

/** What one command does with system packages: `apt-get install -y gcc` → install, apt, [gcc]. */
export interface PackageOperation {
  manager: PackageManager
  /** The command as typed: `apt-get`, `apt`, `microdnf`, ... */
  tool: string
  action: 'install' | 'remove' | 'update' | 'clean' | 'other'
  /** Package names without versions (`gcc=4:12` → `gcc`); for apk also the `--virtual` name. */
  packages: string[]
  /** apk's `-t`/`--virtual` group, removed later with `apk del <name>`. */
  virtual?: string
  /** The options given, e.g. `--no-install-recommends`, `--no-cache`, `-o APT::Install-Recommends=false`. */
  options: string[]
}

interface ManagerSyntax {
  manager: PackageManager
  /** Options that take the next word as their value. */
  valued: Set<string>
  actions: Record<string, PackageOperation['action']>
}

const syntaxes: Record<string, ManagerSyntax> = {
  'apt-get': {
    manager: 'apt',
    valued: new Set(['-o', '--option', '-t', '--target-release', '-c', '--config-file']),
    actions: {
      install: 'install',
      remove: 'remove',
      purge: 'remove',
      autoremove: 'remove',
      update: 'update',
      clean: 'clean'
    }
  },
  apk: {
    manager: 'apk',
    valued: new Set([
      '-t',
      '--virtual',
      '-X',
      '--repository',
      '-p',
      '--root',
      '--arch',
      '--cache-dir',
      '--keys-dir'
    ]),
    actions: { add: 'install', del: 'remove', update: 'update', cache: 'clean' }
  },
  dnf: {
    manager: 'dnf',
    valued: new Set([
      '--enablerepo',
      '--disablerepo',
      '--repo',
      '-c',
      '--config',
      '--installroot',
      '--releasever',
      '--setopt'
    ]),
    actions: {
      install: 'install',
      groupinstall: 'install',
      group: 'install',
      remove: 'remove',
      erase: 'remove',
      clean: 'clean',
      makecache: 'update'
    }
  },
  zypper: {
    manager: 'zypper',
    valued: new Set(['-t', '--type', '-r', '--repo', '--from']),
    actions: {
      install: 'install',
      in: 'install',
      remove: 'remove',
      rm: 'remove',
      clean: 'clean',
      cc: 'clean',
      refresh: 'update',
      ref: 'update'
    }
  }
}
syntaxes.apt = syntaxes['apt-get']
syntaxes.aptitude = syntaxes['apt-get']
syntaxes.microdnf = syntaxes.dnf
syntaxes.yum = { ...syntaxes.dnf, manager: 'yum' }

/** `gcc=4:12.2.0-3`, `gcc~12`, `gcc:amd64` → `gcc`. */
function packageName(word: string): string {
  return word.replace(/[=~:<>].*$/, '').trim()
}

export function packageOperation(command: ShellCommand): PackageOperation | undefined {
  const tool = command.words[0]?.replace(/^.*\//, '') ?? ''
  if (!Object.hasOwn(syntaxes, tool)) return undefined
  const syntax = syntaxes[tool]
  const options: string[] = []
  const rest: string[] = []
  let virtual: string | undefined
  const words = command.words.slice(1)
  for (let index = 0; index < words.length; index++) {
    const word = words[index]
    if (!word.startsWith('-')) {
      rest.push(word)
      continue
    }
    const [name, inline] = word.split(/=(.*)/s, 2)
    const value = inline ?? (syntax.valued.has(name) ? words[++index] : undefined)
    options.push(value === undefined ? word : `${name}=${value}`)
    if (syntax.manager === 'apk' && (name === '-t' || name === '--virtual')) virtual = value
  }
  const [subcommand, ...packages] = rest
  // `dnf group install "Development Tools"`: the word after `group` is the action.
  const groupAction = subcommand === 'group' ? packages.shift() : undefined
  const action =
    groupAction !== undefined && groupAction !== 'install'
      ? 'other'
      : (syntax.actions[subcommand ?? ''] ?? 'other')
  return {
    manager: syntax.manager,
    tool,
    action,
    packages: packages.map(packageName).filter((name) => name !== ''),
    ...(virtual ? { virtual } : {}),
    options
  }
}

const buildTools = new Set([
  'build-essential',
  'build-base',
  'gcc',
  'g++',
  'gcc-c++',
  'clang',
  'make',
  'cmake',
  'git',
  'git-core',
  'development tools'
])

/** Compilers, build systems, headers (`*-dev`, `*-devel`) and git: what belongs in a builder stage. */
export function isBuildTool(name: string): boolean {
  const lower = name.toLowerCase()
  return (
    buildTools.has(lower) ||
    /^(gcc|g\+\+|clang)-\d+$/.test(lower) ||
    /.-dev$/.test(lower) ||
    /.-devel$/.test(lower)
  )
}

/** `pip install`, `pip3 wheel`, `python -m pip install` → the pip subcommand. */
export function pipSubcommand(words: string[]): string | undefined {
  if (/^pip[0-9.]*$/.test(words[0] ?? '')) return words[1]
  if (/^python[0-9.]*$/.test(words[0] ?? '') && words[1] === '-m' && /^pip/.test(words[2] ?? ''))
    return words[3]
  return undefined
}

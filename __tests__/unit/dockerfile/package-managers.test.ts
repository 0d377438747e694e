// How a RUN command is read as a system package operation (which manager, which action, which packages and
// options), which package names count as build tools, and which commands are pip subcommands.
import { describe, expect, it } from '@jest/globals'
import { isBuildTool, packageOperation, pipSubcommand } from '../../../src/dockerfile/package-managers.js'
import type { ShellCommand } from '../../../src/dockerfile/shell.js'

/** A command as the shell reader gives it, quotes already removed. */
const command = (...words: string[]): ShellCommand => ({ words, env: {}, writes: [], text: words.join(' ') })

describe('packageOperation', () => {
  it('reads an apt-get install: the tool, the packages without versions or architectures, the options', () => {
    expect(
      packageOperation(
        command(
          'apt-get',
          'install',
          '-y',
          '--no-install-recommends',
          'gcc=4:12.2.0-3',
          'libc6:amd64',
          'curl'
        )
      )
    ).toEqual({
      manager: 'apt',
      tool: 'apt-get',
      action: 'install',
      packages: ['gcc', 'libc6', 'curl'],
      options: ['-y', '--no-install-recommends']
    })
  })

  it('recognises a package manager called by its full path', () => {
    expect(packageOperation(command('/usr/bin/apt-get', 'install', '-y', 'curl'))).toEqual({
      manager: 'apt',
      tool: 'apt-get',
      action: 'install',
      packages: ['curl'],
      options: ['-y']
    })
  })

  it('is nothing for a command that is not a package manager, or no command at all', () => {
    expect(packageOperation(command('curl', '-fsSL', 'https://example.com/install.sh'))).toBeUndefined()
    expect(packageOperation(command())).toBeUndefined()
  })

  it('joins an option and its value whether given as one word with = or as two words', () => {
    expect(
      packageOperation(
        command(
          'apt-get',
          '--option=Dpkg::Options::=--force-confold',
          '-o',
          'APT::Install-Recommends=false',
          '-t',
          'bookworm-backports',
          'install',
          '-y',
          'curl'
        )
      )
    ).toEqual({
      manager: 'apt',
      tool: 'apt-get',
      action: 'install',
      packages: ['curl'],
      options: [
        '--option=Dpkg::Options::=--force-confold',
        '-o=APT::Install-Recommends=false',
        '-t=bookworm-backports',
        '-y'
      ]
    })
  })

  it('reads an apk --virtual group, by either spelling, as the virtual name and a package', () => {
    expect(
      packageOperation(command('apk', 'add', '--no-cache', '-t', '.build-deps', 'gcc', 'musl-dev'))
    ).toEqual({
      manager: 'apk',
      tool: 'apk',
      action: 'install',
      packages: ['gcc', 'musl-dev'],
      virtual: '.build-deps',
      options: ['--no-cache', '-t=.build-deps']
    })
    expect(packageOperation(command('apk', 'add', '--virtual=.deps', 'make'))).toEqual({
      manager: 'apk',
      tool: 'apk',
      action: 'install',
      packages: ['make'],
      virtual: '.deps',
      options: ['--virtual=.deps']
    })
  })

  it('gives no virtual name for other valued options, of apk or of another manager', () => {
    expect(
      packageOperation(
        command('apk', 'add', '--no-cache', '-X', 'https://dl-cdn.alpinelinux.org/alpine/edge/testing', 'hub')
      )
    ).toEqual({
      manager: 'apk',
      tool: 'apk',
      action: 'install',
      packages: ['hub'],
      options: ['--no-cache', '-X=https://dl-cdn.alpinelinux.org/alpine/edge/testing']
    })
    expect(packageOperation(command('zypper', 'install', '-t', 'pattern', 'devel_basis'))).toEqual({
      manager: 'zypper',
      tool: 'zypper',
      action: 'install',
      packages: ['devel_basis'],
      options: ['-t=pattern']
    })
  })

  it('reads dnf group install as an install of the group, other group actions as other', () => {
    expect(packageOperation(command('dnf', 'group', 'install', '-y', 'Development Tools'))).toEqual({
      manager: 'dnf',
      tool: 'dnf',
      action: 'install',
      packages: ['Development Tools'],
      options: ['-y']
    })
    expect(packageOperation(command('dnf', 'group', 'list'))).toEqual({
      manager: 'dnf',
      tool: 'dnf',
      action: 'other',
      packages: [],
      options: []
    })
  })

  it('reads yum like dnf and microdnf as dnf', () => {
    expect(packageOperation(command('yum', 'install', '-y', 'gcc'))).toEqual({
      manager: 'yum',
      tool: 'yum',
      action: 'install',
      packages: ['gcc'],
      options: ['-y']
    })
    expect(packageOperation(command('microdnf', 'install', 'gcc'))).toEqual({
      manager: 'dnf',
      tool: 'microdnf',
      action: 'install',
      packages: ['gcc'],
      options: []
    })
  })

  it('reads a subcommand it has no name for as other', () => {
    expect(packageOperation(command('apt-get', 'source', 'gcc'))).toEqual({
      manager: 'apt',
      tool: 'apt-get',
      action: 'other',
      packages: ['gcc'],
      options: []
    })
  })

  it('keeps the name of a dnf version constraint with spaces, without the constraint', () => {
    expect(packageOperation(command('dnf', 'install', '-y', 'python3 >= 3.9'))).toEqual({
      manager: 'dnf',
      tool: 'dnf',
      action: 'install',
      packages: ['python3'],
      options: ['-y']
    })
  })

  it('drops an empty argument: it names no package', () => {
    expect(packageOperation(command('apt-get', 'install', '-y', 'curl', ''))).toEqual({
      manager: 'apt',
      tool: 'apt-get',
      action: 'install',
      packages: ['curl'],
      options: ['-y']
    })
  })
})

describe('isBuildTool', () => {
  it.each<[string, boolean]>([
    ['gcc', true],
    ['Development Tools', true],
    ['gcc-12', true],
    ['clang-17', true],
    ['libpq-dev', true],
    ['openssl-devel', true],
    ['gcc-12-base', false],
    ['libgcc-12', false],
    ['perl-Devel-Size', false],
    ['python3-devicetree', false],
    ['curl', false]
  ])('%s is a build tool: %s', (name, expected) => {
    expect(isBuildTool(name)).toBe(expected)
  })
})

describe('pipSubcommand', () => {
  it.each<[string[], string | undefined]>([
    [['pip', 'install', 'flask'], 'install'],
    [['pip3', 'wheel', '.'], 'wheel'],
    [['pip3.12', 'install', 'flask'], 'install'],
    [['python', '-m', 'pip', 'install', 'flask'], 'install'],
    [['python3.12', '-m', 'pip', 'install', 'flask'], 'install'],
    [['pipx', 'install', 'poetry'], undefined],
    [['python3', '-m', 'ensurepip', '--upgrade'], undefined],
    [['python3', 'get-pip.py', 'pip==24.0', 'wheel'], undefined],
    [['conda', 'install', 'pip', 'setuptools'], undefined],
    [[], undefined]
  ])('the pip subcommand %j runs: %s', (words, expected) => {
    expect(pipSubcommand(words)).toBe(expected)
  })
})

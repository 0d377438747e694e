// The RUN-line reader the Dockerfile rules stand on: each simple command's words, its environment prefix, the
// files it writes, and its text as the findings quote it.
import { describe, expect, it } from '@jest/globals'
import { shellCommands } from '../../../src/dockerfile/shell.js'

const command = (words: string[], text: string, writes: string[] = [], env: Record<string, string> = {}) => ({
  words,
  env,
  writes,
  text
})

describe('shellCommands', () => {
  it('keeps a double-quoted word whole, its escaped quotes unescaped', () => {
    expect(shellCommands('echo "say \\"hi\\" to $USER" > /tmp/greeting')).toEqual([
      command(['echo', 'say "hi" to $USER'], 'echo "say \\"hi\\" to $USER" > /tmp/greeting', [
        '/tmp/greeting'
      ])
    ])
  })

  it('reads a command substitution, nested and with pipes inside, as one word', () => {
    expect(shellCommands('A=$(echo $(uname -m) | tr -d "\\n") make build && echo done')).toEqual([
      command(['make', 'build'], 'A=$(echo $(uname -m) | tr -d "\\n") make build', [], {
        A: '$(echo $(uname -m) | tr -d "\\n")'
      }),
      command(['echo', 'done'], 'echo done')
    ])
  })

  it('drops a comment, separators in it included, from the words and the text', () => {
    expect(
      shellCommands('apt-get update # refresh the lists; not a command\napt-get install -y curl')
    ).toEqual([
      command(['apt-get', 'update'], 'apt-get update'),
      command(['apt-get', 'install', '-y', 'curl'], 'apt-get install -y curl')
    ])
  })

  it('takes redirections out of the words, writes apart from reads, the operators kept in the text', () => {
    expect(shellCommands('make 2>&1 >> build.log; sort < in.txt > out.txt')).toEqual([
      command(['make'], 'make 2>&1 >> build.log', ['build.log']),
      command(['sort'], 'sort < in.txt > out.txt', ['out.txt'])
    ])
    expect(shellCommands('cmd &> all.log && other &>> all.log')).toEqual([
      command(['cmd'], 'cmd &> all.log', ['all.log']),
      command(['other'], 'other &>> all.log', ['all.log'])
    ])
    expect(shellCommands("echo 'a;b' >| forced.txt")).toEqual([
      command(['echo', 'a;b'], "echo 'a;b' >| forced.txt", ['forced.txt'])
    ])
  })

  it("counts tee's files as writes, and never /dev/null", () => {
    expect(shellCommands('echo deb http://x y | tee -a /etc/apt/sources.list > /dev/null')).toEqual([
      command(['echo', 'deb', 'http://x', 'y'], 'echo deb http://x y'),
      command(['tee', '-a', '/etc/apt/sources.list'], 'tee -a /etc/apt/sources.list > /dev/null', [
        '/etc/apt/sources.list'
      ])
    ])
  })

  it('splits at subshells, ||, & and ;', () => {
    expect(shellCommands('(cd sub && make) || exit 1 & wait').map((found) => found.text)).toEqual([
      'cd sub',
      'make',
      'exit 1',
      'wait'
    ])
  })

  it('reads past sudo, env and assignments to the command, and joins continued lines in the text', () => {
    expect(shellCommands('sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n  curl')).toEqual(
      [
        command(
          ['apt-get', 'install', '-y', 'curl'],
          'sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install -y curl',
          [],
          { DEBIAN_FRONTEND: 'noninteractive' }
        )
      ]
    )
  })

  it('leaves the shell keywords out of the words and the text; a bare keyword is no command', () => {
    expect(shellCommands('if [ -f x ]; then make; fi')).toEqual([
      command(['[', '-f', 'x', ']'], '[ -f x ]'),
      command(['make'], 'make')
    ])
    expect(shellCommands('for f in *.txt; do gzip "$f"; done').map((found) => found.text)).toEqual([
      'for f in *.txt',
      'gzip "$f"'
    ])
  })
})

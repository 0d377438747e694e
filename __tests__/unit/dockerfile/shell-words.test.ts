// How a RUN, COPY or ADD line is read word by word: heredocs split off, exec form, redirections, quotes,
// escapes and separators, as the Dockerfile rules see them.
import { describe, expect, it } from '@jest/globals'
import { parseDockerfile } from '../../../src/config/dockerfile.js'
import { copySources, runScript, shellCommands, splitHeredocs } from '../../../src/dockerfile/shell.js'

/** The instruction a one-instruction Dockerfile body parses to. */
const instruction = (line: string) => parseDockerfile(`FROM scratch\n${line}\n`).getInstructions()[1]

const command = (words: string[], text: string, writes: string[] = [], env: Record<string, string> = {}) => ({
  words,
  env,
  writes,
  text
})

describe('splitHeredocs', () => {
  it('leaves a command without a heredoc as it is, with no bodies', () => {
    expect(splitHeredocs('echo hi > /etc/motd')).toEqual({ command: 'echo hi > /etc/motd', bodies: [] })
  })

  it('puts a space where the heredoc operator was, so the words around it stay apart', () => {
    expect(splitHeredocs('cat<<EOF>/etc/motd\nhello\nEOF')).toEqual({
      command: 'cat >/etc/motd',
      bodies: ['hello']
    })
  })

  it('reads several heredocs of one line in order, each up to its own delimiter', () => {
    expect(splitHeredocs('<<ONE <<TWO\necho one\nONE\necho two\nTWO')).toEqual({
      command: '',
      bodies: ['echo one', 'echo two']
    })
  })

  it('ends a <<- heredoc at its delimiter indented with tabs, one tab or several', () => {
    expect(splitHeredocs('cat <<-EOF > /etc/motd\nhello\n\tEOF')).toEqual({
      command: 'cat   > /etc/motd',
      bodies: ['hello']
    })
    expect(splitHeredocs('cat <<-"EOF"\nhello\n\t\tEOF')).toEqual({ command: 'cat', bodies: ['hello'] })
  })

  it('does not end a <<- heredoc at the delimiter followed by a tab', () => {
    expect(splitHeredocs('cat <<-EOF\nEOF\t\n\tEOF')).toEqual({ command: 'cat', bodies: ['EOF\t'] })
  })

  it('does not end a plain << heredoc at a tab-indented delimiter', () => {
    expect(splitHeredocs("python3 <<'EOF'\n\tEOF\nEOF")).toEqual({ command: 'python3', bodies: ['\tEOF'] })
  })

  it('takes an unterminated heredoc to the end of the text', () => {
    expect(splitHeredocs('cat <<EOF\nhello')).toEqual({ command: 'cat', bodies: ['hello'] })
    expect(splitHeredocs('cat <<-EOF\nhello')).toEqual({ command: 'cat', bodies: ['hello'] })
  })
})

describe('runScript', () => {
  it('reads a RUN without arguments as an empty script', () => {
    expect(runScript(instruction('RUN'))).toEqual({ script: '', data: [] })
  })

  it('joins an exec-form RUN into one command line', () => {
    expect(runScript(instruction('RUN ["make", "install"]'))).toEqual({ script: 'make install', data: [] })
  })

  it('runs a shell-form RUN without heredoc as written, also when the command is a shell', () => {
    expect(runScript(instruction('RUN apt-get update'))).toEqual({ script: 'apt-get update', data: [] })
    expect(runScript(instruction('RUN bash'))).toEqual({ script: 'bash', data: [] })
  })

  it('runs the heredocs of a bare RUN one after the other', () => {
    expect(runScript(instruction('RUN <<ONE <<TWO\necho one\nONE\necho two\nTWO'))).toEqual({
      script: 'echo one\necho two',
      data: []
    })
  })

  it('runs the heredoc given to a shell, and keeps a heredoc given to another program as data', () => {
    expect(runScript(instruction('RUN bash -e <<EOF\napt-get update\nEOF'))).toEqual({
      script: 'apt-get update',
      data: []
    })
    expect(runScript(instruction('RUN cat <<EOF > /etc/motd\nhello\nEOF'))).toEqual({
      script: 'cat   > /etc/motd',
      data: ['hello']
    })
  })
})

describe('copySources', () => {
  it('finds no sources in a COPY without arguments', () => {
    expect(copySources(instruction('COPY'))).toEqual([])
  })

  it('takes every argument but the destination, in exec form too', () => {
    expect(copySources(instruction('COPY package.json package-lock.json .npmrc ./'))).toEqual([
      'package.json',
      'package-lock.json',
      '.npmrc'
    ])
    expect(copySources(instruction('COPY ["my file.txt", "b.txt", "c.txt", "/app/"]'))).toEqual([
      'my file.txt',
      'b.txt',
      'c.txt'
    ])
  })

  it('names a heredoc source <<NAME', () => {
    expect(copySources(instruction('COPY <<EOF /app/config.ini\n[main]\nEOF'))).toEqual(['<<EOF'])
  })
})

describe('shellCommands', () => {
  it('reads a word that is not a variable name before = as the command, not as an assignment', () => {
    expect(shellCommands('my-var=1 make')).toEqual([command(['my-var=1', 'make'], 'my-var=1 make')])
  })

  it('reads past sudo to the command and its options', () => {
    expect(shellCommands('sudo apt-get install -y curl')).toEqual([
      command(['apt-get', 'install', '-y', 'curl'], 'sudo apt-get install -y curl')
    ])
  })

  it('joins a continued line in the text also when no space comes before the backslash', () => {
    expect(shellCommands('apt-get install -y\\\n  curl')).toEqual([
      command(['apt-get', 'install', '-y', 'curl'], 'apt-get install -y curl')
    ])
  })

  it('keeps a redirection without a command, which creates or empties the file', () => {
    expect(shellCommands('> /var/log/app.log')).toEqual([
      command([], '> /var/log/app.log', ['/var/log/app.log'])
    ])
  })

  it('counts files under /dev as writes unless they are /dev/null, /dev/stdout or /dev/stderr', () => {
    expect(
      shellCommands('echo x > /srv/root/dev/null; echo y > /dev/stdout.log; echo z > /dev/stderr')
    ).toEqual([
      command(['echo', 'x'], 'echo x > /srv/root/dev/null', ['/srv/root/dev/null']),
      command(['echo', 'y'], 'echo y > /dev/stdout.log', ['/dev/stdout.log']),
      command(['echo', 'z'], 'echo z > /dev/stderr')
    ])
  })

  it('keeps backslashes in single quotes as they are', () => {
    expect(shellCommands("printf 'a\\nb'")).toEqual([command(['printf', 'a\\nb'], "printf 'a\\nb'")])
  })

  it('keeps a backslash that ends the script, in double quotes or not', () => {
    expect(shellCommands('echo "abc\\')).toEqual([command(['echo', 'abc\\'], 'echo "abc\\')])
    expect(shellCommands('echo abc\\')).toEqual([command(['echo', 'abc\\'], 'echo abc\\')])
  })

  it('takes the character after a backslash literally, at the start of a word or inside it', () => {
    expect(shellCommands('echo \\$HOME a\\ b')).toEqual([
      command(['echo', '$HOME', 'a b'], 'echo \\$HOME a\\ b')
    ])
  })

  it('keeps an empty quoted word, and joins a quoted part to the unquoted part before it', () => {
    expect(shellCommands('./configure --prefix="/opt/my app" ""')).toEqual([
      command(['./configure', '--prefix=/opt/my app', ''], './configure --prefix="/opt/my app" ""')
    ])
  })

  it('reads a variable reference as an ordinary word', () => {
    expect(shellCommands('echo $HOME ${USER}')).toEqual([
      command(['echo', '$HOME', '${USER}'], 'echo $HOME ${USER}')
    ])
  })

  it('reads a command substitution that starts a word as one word', () => {
    expect(shellCommands('tar -C $(pwd) -xf app.tar')).toEqual([
      command(['tar', '-C', '$(pwd)', '-xf', 'app.tar'], 'tar -C $(pwd) -xf app.tar')
    ])
  })

  it('keeps a # inside a word, and reads a comment that ends the script', () => {
    expect(shellCommands('curl -o app.tgz https://example.com/app.tgz#v2')).toEqual([
      command(
        ['curl', '-o', 'app.tgz', 'https://example.com/app.tgz#v2'],
        'curl -o app.tgz https://example.com/app.tgz#v2'
      )
    ])
    expect(shellCommands('make # build it')).toEqual([command(['make'], 'make')])
  })

  it('ends a word at a redirection written right after it, unless the word is one digit', () => {
    expect(shellCommands('echo hi>out.txt')).toEqual([
      command(['echo', 'hi'], 'echo hi>out.txt', ['out.txt'])
    ])
    expect(shellCommands('echo v2>version.txt')).toEqual([
      command(['echo', 'v2'], 'echo v2>version.txt', ['version.txt'])
    ])
    expect(shellCommands('echo 2024-06>release.txt')).toEqual([
      command(['echo', '2024-06'], 'echo 2024-06>release.txt', ['release.txt'])
    ])
    expect(shellCommands('echo 1>out.txt')).toEqual([command(['echo'], 'echo 1>out.txt', ['out.txt'])])
  })

  it('reads the file after < as input, also a one-letter name, and <> as a write', () => {
    expect(shellCommands('sort <f -u')).toEqual([command(['sort', '-u'], 'sort <f -u')])
    expect(shellCommands('exec 3<>/dev/tcp/example.com/80')).toEqual([
      command([], 'exec 3<>/dev/tcp/example.com/80', ['/dev/tcp/example.com/80'])
    ])
  })

  it('reads &> and &>> written without spaces as writes of both streams', () => {
    expect(shellCommands('make&>build.log')).toEqual([command(['make'], 'make&>build.log', ['build.log'])])
    expect(shellCommands('echo 1&>out.log')).toEqual([command(['echo', '1'], 'echo 1&>out.log', ['out.log'])])
    expect(shellCommands('make &>>build.log')).toEqual([
      command(['make'], 'make &>>build.log', ['build.log'])
    ])
  })

  it('reads >> and >| as writes', () => {
    expect(shellCommands('echo a >>log.txt; echo b >|log.txt')).toEqual([
      command(['echo', 'a'], 'echo a >>log.txt', ['log.txt']),
      command(['echo', 'b'], 'echo b >|log.txt', ['log.txt'])
    ])
  })

  it('splits at a pipe or subshell written without spaces', () => {
    expect(shellCommands('ls|wc -l')).toEqual([command(['ls'], 'ls'), command(['wc', '-l'], 'wc -l')])
    expect(shellCommands('(cd sub&&make)')).toEqual([
      command(['cd', 'sub'], 'cd sub'),
      command(['make'], 'make')
    ])
  })

  it('splits words at tabs as at spaces', () => {
    expect(shellCommands('apt-get\tinstall -y\tcurl')).toEqual([
      command(['apt-get', 'install', '-y', 'curl'], 'apt-get\tinstall -y\tcurl')
    ])
  })
})

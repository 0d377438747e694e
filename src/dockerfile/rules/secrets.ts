import { Arg, Env, type Instruction } from 'dockerfile-ast'
import type { DockerfileFinding } from '../finding.js'
import { keywordOf, type BuildModel } from '../model.js'
import { runScript, shellCommands, splitHeredocs } from '../shell.js'
import { found } from './found.js'

// Messages name the variable or file, never the value: findings end up in logs, comments and SARIF.

const secretWords = new Set([
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'APIKEY',
  'AUTHTOKEN'
])
/** Last words that make a name about a secret rather than the secret itself: `DB_PASSWORD_FILE`, `TOKEN_URL`. */
const notSecretEndings = [
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'LENGTH',
  'TYPE',
  'NAME',
  'HASHERS',
  'ALGORITHM',
  'POLICY',
  'TIMEOUT',
  'TTL',
  'EXPIRY',
  'LIFETIME',
  'HEADER',
  'PREFIX',
  'ENABLED',
  'REQUIRED',
  'VERSION'
]

const secretPairs = [
  ['API', 'KEY'],
  ['PRIVATE', 'KEY'],
  ['ACCESS', 'KEY'],
  ['SECRET', 'KEY'],
  ['AUTH', 'TOKEN']
]

/** `DB_PASSWORD`, `apiKey`, `_authToken`, `AWS_SECRET_ACCESS_KEY`; not `PASSWORD_FILE`, `PUBLIC_KEY`, `TOKEN_URL`. */
function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '')
  if (words.includes('PUBLIC')) return false
  if (notSecretEndings.includes(words[words.length - 1] ?? '')) return false
  if (words.some((word) => secretWords.has(word))) return true
  return secretPairs.some(([first, second]) =>
    words.some((word, index) => word === first && words[index + 1] === second)
  )
}

/** A value written out, not taken from a variable: `hunter2`, `"abc"`; not `$TOKEN`, `${TOKEN:-}`, `""`. */
function isLiteral(value: string): boolean {
  const unquoted = value.trim().replace(/^(["'])(.*)\1$/s, '$2')
  return unquoted !== '' && !/^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(unquoted)
}

function envAndArgFindings(model: BuildModel, instruction: Instruction): DockerfileFinding[] {
  if (instruction instanceof Env) {
    return instruction
      .getProperties()
      .filter((property) => isSecretName(property.getName()) && isLiteral(property.getValue() ?? ''))
      .map((property) =>
        found(
          model,
          'secret-in-image',
          instruction,
          `ENV ${property.getName()} sets a secret-looking value in the image.`
        )
      )
  }
  if (instruction instanceof Arg) {
    const property = instruction.getProperty()
    if (!property || !isSecretName(property.getName())) return []
    const name = property.getName()
    if (isLiteral(property.getValue() ?? ''))
      return [found(model, 'secret-in-image', instruction, `ARG ${name} has a secret-looking default value.`)]
    if (model.buildArgs.get(name))
      return [
        found(
          model,
          'secret-in-image',
          instruction,
          `ARG ${name} gets a secret-looking value from build-args: build arguments stay in the image history and provenance.`
        )
      ]
  }
  return []
}

/** `password=hunter2`, `_authToken: abc`, `$NPM_TOKEN` in text that is written to a file. */
function secretIn(text: string): string | undefined {
  for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
    if (isSecretName(match[1])) return `$${match[1]}`
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(["']?)([^\s"'$]+)\2/g))
    if (isSecretName(match[1]) && isLiteral(match[3])) return match[1]
  if (/\/run\/secrets\//.test(text)) return 'a mounted secret'
  return undefined
}

function writtenSecrets(model: BuildModel, instruction: Instruction): DockerfileFinding[] {
  const keyword = keywordOf(instruction)
  if (keyword === 'COPY' || keyword === 'ADD') {
    const { bodies } = splitHeredocs(instruction.getArgumentsContent() ?? '')
    const secret = bodies.map(secretIn).find((name) => name !== undefined && name !== 'a mounted secret')
    return secret
      ? [
          found(
            model,
            'secret-in-image',
            instruction,
            `${keyword} writes ${secret} into a file of the image.`
          )
        ]
      : []
  }
  if (keyword !== 'RUN') return []
  const { script, data } = runScript(instruction)
  const commands = shellCommands(script)
  const removed = commands
    .filter((command) => command.words[0] === 'rm')
    .flatMap((command) => command.words.slice(1))
  for (const command of commands) {
    const targets =
      command.words[0] === 'cp' && command.words.some((word) => word.startsWith('/run/secrets/'))
        ? command.words.slice(-1)
        : command.writes
    const kept = targets.filter((target) => !removed.includes(target))
    if (kept.length === 0) continue
    const secret = secretIn([command.text, ...data].join('\n'))
    if (secret)
      return [
        found(
          model,
          'secret-in-image',
          instruction,
          `RUN writes ${secret} into ${kept.join(', ')}, which stays in the layer.`
        )
      ]
  }
  return []
}

export function secretChecks(model: BuildModel): DockerfileFinding[] {
  const initial = model.dockerfile.getInitialARGs()
  const instructions = [...initial, ...model.closure.flatMap((stage) => stage.instructions)]
  return instructions.flatMap((instruction) => [
    ...envAndArgFindings(model, instruction),
    ...writtenSecrets(model, instruction)
  ])
}

import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast'
import { ConfigurationError } from '../errors.js'

export interface Stage {
  /** The `AS` name, or the stage's index as a string when it has none. */
  name: string
  index: number
  /** 1-based line of the stage's FROM. */
  line: number
  /** The image or stage the FROM names, unexpanded (`${BASE_IMAGE}` stays as written). */
  from: string
  /** False for a stage without `AS`: `--target` cannot name it. */
  named: boolean
}

/** The Dockerfile, read and parsed once by the config stage; every later phase uses this. */
export interface DockerfileFacts {
  /** Absolute path. */
  path: string
  /** Workspace-relative, `/`-separated: what annotations and SARIF need. */
  relativePath: string
  text: string
  parsed: Dockerfile
  stages: Stage[]
}

export function parseDockerfile(content: string): Dockerfile {
  return DockerfileParser.parse(content)
}

export function stagesOf(dockerfile: Dockerfile): Stage[] {
  return dockerfile.getFROMs().map((from, index) => {
    const name = from.getBuildStage()
    return {
      name: name ?? String(index),
      index,
      line: from.getRange().start.line + 1,
      from: from.getImage() ?? '',
      named: name !== null
    }
  })
}

/** A path as GitHub annotations and SARIF want it: relative to the workspace, with `/` separators. */
export function relativeToWorkspace(file: string, workspace: string): string {
  return path.relative(workspace, path.resolve(workspace, file)).split(path.sep).join('/')
}

/**
 * Where a path input may point: inside the workspace or RUNNER_TEMP (files an earlier step wrote), after
 * symlinks are followed, so a committed symlink cannot make the action read a file elsewhere on the runner.
 */
export function allowedPath(
  input: string,
  value: string,
  roots: { workspace: string; runnerTemp?: string },
  kind: 'file' | 'directory',
  line?: number,
  noun: string = kind
): string {
  const where = line !== undefined ? `Line ${line} of '${input}'` : `Input '${input}'`
  const absolute = path.resolve(roots.workspace, value)
  const exists =
    existsSync(absolute) && (kind === 'file' ? statSync(absolute).isFile() : statSync(absolute).isDirectory())
  if (!exists) {
    const subject = line !== undefined ? `${where} names` : `${where} is`
    throw new ConfigurationError(`${subject} '${value}': no ${noun} at ${absolute}.`)
  }
  const real = realpathSync(absolute)
  const inside = [roots.workspace, roots.runnerTemp]
    .filter((root): root is string => Boolean(root) && existsSync(root as string))
    .map((root) => realpathSync(root))
    .some((root) => real === root || real.startsWith(`${root}${path.sep}`))
  if (!inside) {
    throw new ConfigurationError(
      `${where} names '${value}', which is outside the workspace and RUNNER_TEMP${real !== absolute ? ` (it leads to ${real})` : ''}: only files in the checkout or written by earlier steps are accepted.`
    )
  }
  return absolute
}

/** BuildKit's rule for `FROM ... AS <name>`, compared case-insensitively. */
const stageNamePattern = /^[a-z][a-z0-9_.-]*$/i

/** Reads and parses the Dockerfile once; an error names the `file` input. */
export function readDockerfile(file: string, absolute: string, workspace: string): DockerfileFacts {
  const text = readFileSync(absolute, 'utf8')
  const parsed = parseDockerfile(text)
  const stages = stagesOf(parsed)
  if (stages.length === 0) {
    throw new ConfigurationError(`Input 'file' is '${file}': the Dockerfile has no FROM instruction.`)
  }
  // BuildKit refuses such a name only when it builds, after the step has logged in and prepared folders named after it.
  const badStage = parsed.getFROMs().find((from) => {
    const name = from.getBuildStage()
    return name !== null && !name.includes('$') && !stageNamePattern.test(name)
  })
  if (badStage) {
    throw new ConfigurationError(
      `Input 'file' is '${file}': line ${badStage.getRange().start.line + 1} names the stage '${badStage.getBuildStage()}', which BuildKit refuses: a stage name starts with a letter and has only letters, digits, '-', '_' and '.'.`
    )
  }
  return { path: absolute, relativePath: relativeToWorkspace(absolute, workspace), text, parsed, stages }
}

/**
 * The stage a target name picks: BuildKit compares stage names case-insensitively; '' is the last stage.
 * `input` and `line` say where the name came from, for the error.
 */
export function resolveStage(
  dockerfile: DockerfileFacts,
  name: string,
  where: { input: string; file: string; line?: number }
): Stage {
  if (name === '') return dockerfile.stages[dockerfile.stages.length - 1]
  const found = dockerfile.stages.find(
    (stage) => stage.named && stage.name.toLowerCase() === name.toLowerCase()
  )
  if (found) return found
  const named = dockerfile.stages.filter((stage) => stage.named).map((stage) => stage.name)
  const subject =
    where.line !== undefined
      ? `Line ${where.line} of '${where.input}' names the stage`
      : `Input '${where.input}' is`
  throw new ConfigurationError(
    `${subject} '${name}': ${where.file} has no stage of that name. Stages: ${named.join(', ') || '(none named; add AS <name> to a FROM)'}.`
  )
}

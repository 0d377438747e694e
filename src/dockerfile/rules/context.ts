import type { DockerfileFinding } from '../finding.js'
import { isIgnored, parseDockerignore } from '../dockerignore.js'
import type { BuildModel } from '../model.js'
import { found } from './found.js'

/** What must not reach the image or the builder: history, environment files, dependency and bytecode caches. */
const sensitive = (entry: string) =>
  entry === '.git' || entry.startsWith('.env') || entry === 'node_modules' || entry === '__pycache__'

/** Reported at line 1: the problem is the context next to the Dockerfile, not one instruction. */
export function contextChecks(model: BuildModel): DockerfileFinding[] {
  if (!model.context) return []
  const present = model.context.entries.filter(sensitive).sort()
  if (present.length === 0) return []
  if (model.context.dockerignore === undefined)
    return [
      found(
        model,
        'missing-dockerignore',
        1,
        `There is no .dockerignore and the build context holds ${present.join(', ')}.`,
        { fix: `Add a .dockerignore that lists ${present.join(', ')}.` }
      )
    ]
  const patterns = parseDockerignore(model.context.dockerignore)
  const through = present.filter((entry) => !isIgnored(entry, patterns))
  if (through.length === 0) return []
  return [
    found(
      model,
      'dockerignore-incomplete',
      1,
      `The .dockerignore lets ${through.join(', ')} into the build context.`,
      { fix: `Add ${through.join(', ')} to the .dockerignore.` }
    )
  ]
}

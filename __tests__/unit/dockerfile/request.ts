import { parseDockerfile, stagesOf } from '../../../src/config/dockerfile.js'
import { checkDockerfile, type DockerfileCheckRequest } from '../../../src/dockerfile/check.js'

/** A check request as the tests write it: the stage by name and build args as lines, resolved as the config stage does. */
export type NamedRequest = Omit<DockerfileCheckRequest, 'stage' | 'buildArgs'> & {
  target?: string
  buildArgs?: string[]
}

export function checkNamed({ target, buildArgs, ...request }: NamedRequest) {
  const stages = stagesOf(parseDockerfile(request.dockerfile.replace(/\r\n/g, '\n')))
  const stage = target
    ? stages.find((candidate) => candidate.name.toLowerCase() === target.toLowerCase())
    : undefined
  if (target && !stage) throw new Error(`no stage ${target}`)
  return checkDockerfile({
    ...request,
    ...(stage ? { stage } : {}),
    ...(buildArgs
      ? {
          buildArgs: buildArgs.map((line) => ({
            key: line.slice(0, line.indexOf('=')),
            value: line.slice(line.indexOf('=') + 1)
          }))
        }
      : {})
  })
}

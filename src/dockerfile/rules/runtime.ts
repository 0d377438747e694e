import type { Instruction } from 'dockerfile-ast'
import { expandArgs } from '../../scan/layer-map.js'
import type { DockerfileFinding } from '../finding.js'
import { parseImage } from '../image.js'
import { instructionsOf, isExecForm, keywordOf, stageLabel, type BuildModel } from '../model.js'
import { found } from './found.js'

// What the image does when it runs: decided by the built stage's chain alone (COPY --from brings files only).

function last(instructions: Instruction[], keyword: string): Instruction | undefined {
  return instructions.filter((instruction) => keywordOf(instruction) === keyword).pop()
}

/** `root`, `0`, `root:root`, `0:0`. A user from a variable is taken as not root: it cannot be told here. */
function isRoot(user: string): boolean {
  const name = user.trim().split(':')[0]
  return name === 'root' || name === '0'
}

function rootUser(model: BuildModel): DockerfileFinding[] {
  const severity = model.development ? 'notice' : 'warning'
  const user = last(instructionsOf(model.chain), 'USER')
  const stage = stageLabel(model.built)
  if (user) {
    const value = user.getArgumentsContent() ?? ''
    if (!isRoot(value)) return []
    return [
      found(
        model,
        'root-user',
        user,
        `Stage ${stage} runs as root: USER ${value.trim()} is the last USER of its chain.`,
        {
          severity
        }
      )
    ]
  }
  // Distroless and similar `nonroot` images set a user in the image itself.
  const base = parseImage(expandArgs(model.chain[0].stage.from, model.args))
  if (/nonroot/.test(`${base.shortName}:${base.tag}`)) return []
  return [
    found(
      model,
      'root-user',
      model.built.from,
      `Stage ${stage} runs as root: no stage in its chain sets USER.`,
      {
        severity
      }
    )
  ]
}

function shellFormCommand(model: BuildModel): DockerfileFinding[] {
  const instructions = instructionsOf(model.chain)
  return ['ENTRYPOINT', 'CMD'].flatMap((keyword) => {
    const effective = last(instructions, keyword)
    if (!effective || isExecForm(effective)) return []
    const text = (effective.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim()
    const fix = /[|&;<>$`*]/.test(text)
      ? `Use the exec form; move the shell parts into a script and run it with ${keyword} ["/path/to/script"].`
      : `Use the exec form: ${keyword} [${text
          .split(' ')
          .map((word) => JSON.stringify(word.replace(/^["']|["']$/g, '')))
          .join(', ')}]`
    return [
      found(
        model,
        'shell-form-cmd',
        effective,
        `${keyword} ${text} is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.`,
        { fix }
      )
    ]
  })
}

function healthcheckMissing(model: BuildModel): DockerfileFinding[] {
  const instructions = instructionsOf(model.chain)
  const expose = last(instructions, 'EXPOSE')
  if (!expose || last(instructions, 'HEALTHCHECK')) return []
  const ports = (expose.getArgumentsContent() ?? '').trim()
  return [
    found(
      model,
      'healthcheck-missing',
      model.built.from,
      `Stage ${stageLabel(model.built)} exposes ${ports} but has no HEALTHCHECK.`
    )
  ]
}

export function runtimeChecks(model: BuildModel): DockerfileFinding[] {
  return [...rootUser(model), ...shellFormCommand(model), ...healthcheckMissing(model)]
}

import type { DockerfileFinding } from '../finding.js'
import { flagsOf, keywordOf, type BuildModel } from '../model.js'
import { copySources } from '../shell.js'
import { found } from './found.js'

const archive = /\.(?:tar|tar\.(?:gz|bz2|xz|zst)|tgz|tbz2?|txz)$/i
const git = /^git@|^git:\/\/|\.git(?:#.*)?$/
const url = /^https?:\/\//i

/** ADD of a URL (unverified download) and ADD of plain files (COPY is meant). */
export function addChecks(model: BuildModel): DockerfileFinding[] {
  return model.closure.flatMap((stage) =>
    stage.instructions
      .filter((instruction) => keywordOf(instruction) === 'ADD')
      .flatMap((instruction) => {
        const sources = copySources(instruction)
        const checksum = flagsOf(instruction).some((flag) => flag.name === 'checksum')
        const remote = sources.filter((source) => url.test(source) && !git.test(source))
        const local = sources.filter(
          (source) => !url.test(source) && !git.test(source) && !archive.test(source)
        )
        const findings: DockerfileFinding[] = []
        if (remote.length > 0 && !checksum)
          findings.push(
            found(
              model,
              'add-remote-url',
              instruction,
              `ADD downloads ${remote.join(', ')} without a checksum.`
            )
          )
        if (local.length > 0)
          findings.push(
            found(
              model,
              'add-instead-of-copy',
              instruction,
              `ADD ${local.join(' ')} copies plain files: COPY says what happens.`,
              {
                fix: 'Use COPY instead of ADD.'
              }
            )
          )
        return findings
      })
  )
}

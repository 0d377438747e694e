import { expandArgs } from '../../scan/layer-map.js'
import type { DockerfileFinding } from '../finding.js'
import { isPinned, parseImage, slimTagFor } from '../image.js'
import { buildsOnStage, stageLabel, type BuildModel } from '../model.js'
import { found } from './found.js'

/** FROM lines that pick an image (not an earlier stage) in every stage the build runs. */
export function baseImageChecks(model: BuildModel): DockerfileFinding[] {
  return model.closure.flatMap((stage) => {
    if (buildsOnStage(model, stage)) return []
    const reference = expandArgs(stage.stage.from, model.args).trim()
    // An ARG without a value leaves nothing to judge; Docker's own checks report the empty name.
    if (reference === '' || reference.toLowerCase() === 'scratch') return []
    const image = parseImage(reference)
    const findings: DockerfileFinding[] = []
    const written = stage.stage.from === reference ? reference : `${stage.stage.from} (${reference})`
    if (!isPinned(image))
      findings.push(
        found(
          model,
          'unpinned-base',
          stage.from,
          `FROM ${written} is not pinned: ${image.tag === 'latest' ? ':latest' : 'no tag (:latest)'} changes underneath the build.`,
          { fix: `Name a version tag (${image.name}:<version>) or a digest (${image.name}@sha256:…).` }
        )
      )
    const slim = image.digest === '' ? slimTagFor(image) : undefined
    if (slim) {
      const shipped = model.chain.includes(stage)
      const suggestion = `${image.name}:${slim}`
      findings.push(
        found(
          model,
          'full-base-image',
          stage.from,
          shipped
            ? `FROM ${written} is the full image, and ${stageLabel(model.built)} is built on it.`
            : `FROM ${written} in ${stageLabel(stage)}, which ${stageLabel(model.built)} copies from, is the full image.`,
          {
            fix: `Use ${suggestion}${shipped ? '' : ' unless this stage needs the compilers of the full image'}.`,
            severity: shipped ? 'warning' : 'notice'
          }
        )
      )
    }
    return findings
  })
}

import { readFileSync } from 'node:fs'
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast'

export interface Stage {
  /** The `AS` name, or the stage's index as a string when it has none. */
  name: string
  index: number
  /** 1-based line of the stage's FROM. */
  line: number
  /** The image or stage the FROM names, unexpanded (`${BASE_IMAGE}` stays as written). */
  from: string
}

export function parseDockerfile(content: string): Dockerfile {
  return DockerfileParser.parse(content)
}

export function readDockerfile(path: string): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'))
}

export function stagesOf(dockerfile: Dockerfile): Stage[] {
  return dockerfile.getFROMs().map((from, index) => ({
    name: from.getBuildStage() ?? String(index),
    index,
    line: from.getRange().start.line + 1,
    from: from.getImage() ?? ''
  }))
}

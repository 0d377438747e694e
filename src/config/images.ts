import { ConfigurationError } from '../errors.js'
import { resolveStage, type DockerfileFacts, type Stage } from './dockerfile.js'
import { numberedLines, splitKeyValue, text, type RawInputs } from './values.js'

/** One image of the step: a Dockerfile stage and the ECR repository it goes to. */
export interface ImageSpec {
  stage: Stage
  repository: string
}

/** What `targets` (or `target` + `repository`) asks for, before the Dockerfile resolves the stages. */
export interface TargetRequest {
  /** '' means the Dockerfile's last stage. */
  stage: string
  repository: string
  /** The line of `targets` it came from; undefined for the one-image form. */
  line?: number
}

const repositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/

export function checkRepositoryName(where: string, repository: string): void {
  if (repository.length < 2 || repository.length > 256 || !repositoryPattern.test(repository)) {
    throw new ConfigurationError(
      `${where} '${repository}': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`
    )
  }
}

/** `targets` lines (`stage=repository`), or the one-image form from `target` and `repository`. */
export function targetRequests(raw: RawInputs): TargetRequest[] {
  const lines = numberedLines(raw, 'targets').filter((item) => !item.text.startsWith('#'))
  if (lines.length === 0) {
    const repository = text(raw, 'repository')
    if (repository === '') {
      throw new ConfigurationError(
        `Input 'repository' is empty: set it to the ECR repository to push to (e.g. 'shop/web'), or use 'targets' for several images.`
      )
    }
    checkRepositoryName(`Input 'repository' is`, repository)
    return [{ stage: text(raw, 'target'), repository }]
  }
  if (text(raw, 'repository') || text(raw, 'target')) {
    throw new ConfigurationError(
      `Input 'targets' is set together with 'repository' or 'target': use 'targets' (one 'stage=repository' line per image) or 'target' and 'repository' (one image), not both.`
    )
  }
  const requests = lines.map(({ line, text: item }) => {
    const pair = splitKeyValue(item)
    if (!pair || pair[1].trim() === '') {
      throw new ConfigurationError(
        `Line ${line} of 'targets' is '${item}': expected 'stage=repository', e.g. 'production=shop/web'.`
      )
    }
    const request = { stage: pair[0], repository: pair[1].trim(), line }
    checkRepositoryName(`Line ${line} of 'targets' has the repository`, request.repository)
    return request
  })
  const repeated = requests.find((request, index) =>
    requests.some((other, otherIndex) => otherIndex < index && other.repository === request.repository)
  )
  if (repeated) {
    throw new ConfigurationError(
      `Line ${repeated.line} of 'targets' sends a second stage to '${repeated.repository}': each target needs its own repository, or their tags would overwrite each other.`
    )
  }
  return requests
}

/** Each requested stage found in the Dockerfile (case-insensitively, as BuildKit does). */
export function resolveImages(
  requests: TargetRequest[],
  dockerfile: DockerfileFacts,
  file: string
): ImageSpec[] {
  const input = requests[0]?.line !== undefined ? 'targets' : 'target'
  return requests.map((request) => ({
    stage: resolveStage(dockerfile, request.stage, { input, file, line: request.line }),
    repository: request.repository
  }))
}

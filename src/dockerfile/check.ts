import type { Stage } from '../config/dockerfile.js'
import type { Pair } from '../config/values.js'
import { sortFindings, uniqueFindings, type DockerfileFinding } from './finding.js'
import { buildModel, type BuildContext, type BuildModel } from './model.js'
import { addChecks } from './rules/add.js'
import { baseImageChecks } from './rules/base-images.js'
import { contextChecks } from './rules/context.js'
import { orderChecks } from './rules/order.js'
import { packageChecks } from './rules/packages.js'
import { runtimeChecks } from './rules/runtime.js'
import { secretChecks } from './rules/secrets.js'
import { invalidIgnoreComments, suppressFindings } from './suppress.js'

export interface DockerfileCheckRequest {
  /** The Dockerfile's text. */
  dockerfile: string
  /** Its workspace-relative path with `/` separators: what findings, annotations and SARIF name. */
  file: string
  /** The built stage, as the config stage resolved it; absent means the last stage, as docker build does. */
  stage?: Stage
  /** The `build-args` input (the same value `mapLayers` takes). */
  buildArgs?: Pair[]
  /** The context's top-level entries and `.dockerignore`; absent skips the `.dockerignore` rules. */
  context?: BuildContext
  /** Rule ids to leave out everywhere (the parsed `dockerfile-checks-ignore`). */
  ignore?: string[]
}

const ruleGroups: ((model: BuildModel) => DockerfileFinding[])[] = [
  runtimeChecks,
  packageChecks,
  orderChecks,
  secretChecks,
  baseImageChecks,
  addChecks,
  contextChecks
]

/**
 * Checks a Dockerfile against the container build strategy for one built stage, before anything is built.
 * Pure: the caller reads the Dockerfile and the context's entries. Findings come sorted by line, then rule.
 */
export function checkDockerfile(request: DockerfileCheckRequest): DockerfileFinding[] {
  const model = buildModel(request)
  const findings = [
    ...ruleGroups.flatMap((group) => group(model)),
    ...invalidIgnoreComments(model.dockerfile, model.file)
  ]
  const kept = suppressFindings(uniqueFindings(findings), {
    dockerfile: model.dockerfile,
    ignore: request.ignore
  })
  return sortFindings(kept)
}

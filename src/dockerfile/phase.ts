import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { Config } from '../config/config.js'
import type { SarifUpload } from '../github/code-scanning.js'
import type { AnnotationPlan } from '../report/annotations.js'
import type { Runner } from '../run/command.js'
import type { Log } from '../run/log.js'
import {
  buildChecksSkippedNotice,
  mergeFindings,
  parseBuildCheckResult,
  planBuildChecks,
  supportsBuildChecks
} from './buildx.js'
import { checkDockerfile } from './check.js'
import { severityRank, type DockerfileFinding } from './finding.js'
import type { BuildContext } from './model.js'
import { dockerfileChecksCategory, dockerfileChecksSarif } from './sarif.js'
import { checksVerdict } from './verdict.js'
import { plural } from '../words.js'

export interface ChecksResult {
  /** Per image, in `images` order; empty lists when the phase is off. */
  findings: DockerfileFinding[][]
  sarif: SarifUpload[]
  annotations: AnnotationPlan[]
  /** Said in the summary when Docker's own checks could not run. */
  note?: string
  /** Set when `dockerfile-checks-fail-on` fails the step before the build. */
  failure?: string
}

/** The context's top-level names and its `.dockerignore` (the Dockerfile's own `<file>.dockerignore` first, as BuildKit reads). */
async function buildContext(config: Config): Promise<BuildContext> {
  const entries = await readdir(config.build.context)
  const candidates = [
    `${config.dockerfile.path}.dockerignore`,
    path.join(config.build.context, '.dockerignore')
  ]
  const found = candidates.find((file) => existsSync(file))
  return { entries, ...(found ? { dockerignore: await readFile(found, 'utf8') } : {}) }
}

/** Errors first, then warnings, then notices, each by line: the order annotations are capped in. */
function annotationsOf(findings: DockerfileFinding[]): AnnotationPlan[] {
  return [...findings]
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.line - b.line)
    .map((finding) => ({
      level: finding.severity,
      file: finding.file,
      line: finding.line,
      title: `${finding.rule} (${finding.severity})`,
      message: `${finding.message}\nFix: ${finding.fix}`
    }))
}

/**
 * The container build strategy's checks on each image's stage chain, before anything is built (so also in
 * a dry run), with Docker's own build checks where buildx has them; `failure` says when
 * `dockerfile-checks-fail-on` stops the step here.
 */
export async function checkAll(request: {
  probe: Runner
  log: Log
  config: Config
  buildxVersion: string
  builder?: string
}): Promise<ChecksResult> {
  const { config, log, probe } = request
  if (!config.checks.enabled) return { findings: config.images.map(() => []), sarif: [], annotations: [] }
  const context = await buildContext(config)
  const docker = supportsBuildChecks(request.buildxVersion)
  const note = docker ? undefined : buildChecksSkippedNotice(request.buildxVersion)
  if (note) log.notice(note)
  const findings = await Promise.all(
    config.images.map(async (image) => {
      const ours = checkDockerfile({
        dockerfile: config.dockerfile.text,
        file: config.dockerfile.relativePath,
        stage: image.stage,
        buildArgs: config.build.buildArgs,
        context,
        ignore: config.checks.ignore
      })
      if (!docker) return ours
      const result = await probe.run(
        planBuildChecks({
          file: config.dockerfile.path,
          context: config.build.context,
          target: image.stage.named ? image.stage.name : '',
          buildArgs: config.build.buildArgs
        }),
        { allowFailure: true }
      )
      try {
        const theirs = parseBuildCheckResult(result.stdout, {
          file: config.dockerfile.relativePath,
          dockerfile: config.dockerfile.text,
          ignore: config.checks.ignore
        })
        return mergeFindings(ours, theirs.findings)
      } catch (error) {
        log.notice(
          `Docker's build checks gave no result (${(error as Error).message}); only this action's checks ran.`
        )
        return ours
      }
    })
  )
  findings.forEach((list, index) => {
    const stage = config.images[index].stage.name
    log.info(`${stage}: ${plural(list.length, 'Dockerfile finding')}`)
  })
  const unique = new Map(findings.flat().map((finding) => [`${finding.rule}\u0000${finding.line}`, finding]))
  const result: ChecksResult = {
    findings,
    sarif: config.images.map((image, index) => {
      const category = dockerfileChecksCategory(image.stage.name)
      return { category, sarif: dockerfileChecksSarif(findings[index], { target: image.stage.name }) }
    }),
    annotations: annotationsOf([...unique.values()]),
    ...(note ? { note } : {})
  }
  const verdict = checksVerdict([...unique.values()], config.checks.failOn)
  return verdict.failed ? { ...result, failure: verdict.message } : result
}

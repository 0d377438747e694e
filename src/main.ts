import * as core from '@actions/core'
import { mkdtemp } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { ECRClient } from '@aws-sdk/client-ecr'
import { readRunContext, type RunContext } from './context.js'
import {
  inspectDockerfile,
  parseInputs,
  type DockerfileFacts,
  type Inputs,
  type RawInputs
} from './inputs.js'
import { awsCall } from './lib/aws.js'
import type { Runner } from './lib/command.js'
import { DryRunner } from './lib/exec.js'
import { planBuilder, probeBuildx } from './phases/buildx.js'
import { planBuild, runBuild, type BuildRequest, type BuildResult } from './phases/build.js'
import { ecrAuthorization, planLogin } from './phases/ecr-login.js'
import {
  computeMeta,
  fetchRepositoryMetadata,
  fullReferences,
  parseFlavor,
  parseTagRules
} from './phases/meta.js'
import { ensureRepository } from './phases/repository.js'
import { StateStore } from './state.js'

/** Inputs as the runner passes them: `INPUT_<NAME>` with the name upper-cased, hyphens kept. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([key]) => key.startsWith('INPUT_'))
      .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value])
  )
}

async function ecrClient(region: string): Promise<ECRClient> {
  const { ECRClient } = await import('@aws-sdk/client-ecr')
  return new ECRClient({ region, customUserAgent: 'ecr-build-push' })
}

async function tempDirectory(state: StateStore): Promise<string> {
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecr-build-push-'))
  state.update({ tempDir: dir })
  return dir
}

function validate(
  context: RunContext
): { inputs: Inputs; dockerfile: DockerfileFacts } & ReturnType<typeof rules> {
  const inputs = parseInputs(readRawInputs())
  const dockerfile = inspectDockerfile(inputs, context.workspace)
  return { inputs, dockerfile, ...rules(inputs) }
}

function rules(inputs: Inputs) {
  return { tagRules: parseTagRules(inputs.tags), flavor: parseFlavor(inputs.flavor) }
}

/** The sequence: inputs → facts → plan each phase → run it → outputs and summary. */
export async function main(runner: Runner): Promise<void> {
  const started = Date.now()
  const context = readRunContext()
  const { inputs, dockerfile, tagRules, flavor } = validate(context)
  inputs.secrets.forEach((line) => core.setSecret(line.slice(line.indexOf('=') + 1)))
  const dryRun = inputs['dry-run']
  const executor: Runner = dryRun ? new DryRunner() : runner
  const state = new StateStore()

  const buildx = await probeBuildx(runner)
  const ecr = await ecrClient(inputs['aws-region'])
  const authorizations = await awsCall('GetAuthorizationToken', () =>
    ecrAuthorization(ecr, inputs['registry-ids'])
  )
  authorizations.forEach((authorization) => core.setSecret(authorization.password))
  const registry = authorizations[0].registry
  const image = `${registry}/${inputs.repository}`
  await awsCall('DescribeRepositories', () =>
    ensureRepository(ecr, {
      name: inputs.repository,
      registryId: inputs['registry-ids'][0],
      create: inputs['create-repository'] && !dryRun,
      tagMutability: inputs['image-tag-mutability']
    })
  )

  const repositoryMetadata = inputs['github-token']
    ? await fetchRepositoryMetadata(inputs['github-token'], context)
    : undefined
  const meta = computeMeta(
    {
      rules: tagRules,
      flavor,
      userLabels: inputs.labels,
      shaSource: inputs['sha-source'],
      repositoryMetadata
    },
    context,
    new Date()
  )
  const tags = fullReferences(image, meta.tags)
  core.setOutput('registry', registry)
  core.setOutput('image', image)
  core.setOutput('tags', tags.join('\n'))
  core.setOutput('version', meta.version)
  core.setOutput(
    'labels',
    Object.entries(meta.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')
  )
  core.setOutput('json', JSON.stringify(meta.json))

  for (const command of planLogin(authorizations)) await executor.run(command)
  if (!dryRun) state.update({ registries: authorizations.map((authorization) => authorization.registry) })

  const builder = planBuilder({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) })
  if (builder.created && !dryRun) state.update({ builder: builder.name })
  for (const command of builder.commands) await executor.run(command)

  const temp = await tempDirectory(state)
  const request: BuildRequest = {
    builder: builder.name,
    file: dockerfile.path,
    context: path.resolve(context.workspace, inputs.context),
    target: inputs.target,
    platforms: inputs.platforms,
    buildArgs: inputs['build-args'],
    secrets: inputs.secrets,
    secretFiles: inputs['secret-files'],
    labels: meta.labels,
    annotations: meta.annotations,
    tags,
    image,
    cacheArgs: [],
    output: inputs.push ? 'push' : inputs.load ? 'load' : 'none',
    noCache: inputs['no-cache'],
    pull: inputs.pull,
    provenance: inputs.provenance,
    sbom: inputs.sbom,
    metadataFile: path.join(temp, 'metadata.json'),
    iidFile: path.join(temp, 'iid.txt'),
    progress: 'plain'
  }
  if (dryRun) {
    await executor.run(planBuild(request))
    core.info(`Dry run: nothing was built or pushed (buildx ${buildx.buildxVersion}).`)
    return
  }
  const built = await runBuild(runner, request)
  setBuildOutputs(built)
  await writeSummary({
    image,
    tags,
    target: dockerfile.stage.name,
    built,
    seconds: (Date.now() - started) / 1000
  })
}

function setBuildOutputs(built: BuildResult): void {
  core.setOutput('digest', built.digest)
  core.setOutput('imageid', built.imageId)
  core.setOutput('metadata', JSON.stringify(built.metadata))
}

function uniqueRunId(context: RunContext): string {
  return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`
}

async function writeSummary(report: {
  image: string
  tags: string[]
  target: string
  built: BuildResult
  seconds: number
}): Promise<void> {
  await core.summary
    .addHeading(`ecr-build-push: ${report.target}`, 3)
    .addTable([
      [
        { data: 'Image', header: true },
        { data: 'Digest', header: true },
        { data: 'Build time', header: true }
      ],
      [report.image, report.built.digest, `${report.seconds.toFixed(1)}s`]
    ])
    .addList(report.tags)
    .write()
}

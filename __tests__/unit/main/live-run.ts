// runAction live (not a dry run) against a ScriptedRunner that plays the outside world by a few honest rules:
// buildx writes the metadata file it is asked for, Trivy writes the report and SARIF of the image it scans,
// ECR stores what PutImage puts and deletes what BatchDeleteImage names, GitHub answers the calls the run makes.
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import type { Io } from '../../../src/main.js'
import type { Command, FileWrite } from '../../../src/run/command.js'
import type { EcrRequest } from '../../../src/run/ecr-request.js'
import type { GitHubRequest } from '../../../src/run/github-request.js'
import type { TrivyReport } from '../../../src/scan/trivy-report.js'
import { sha } from '../../fixtures/events/runs.js'
import { makeWorkspace } from '../config/workspace.js'
import { dockerInfo, RecordingLog, ScriptedRunner, type Script } from '../doubles.js'
import { flag, report, sarifOf, type Vulnerability } from '../scan/trivy-double.js'

export const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
export const ecrPassword = 'ecr-password'
const token = Buffer.from(`AWS:${ecrPassword}`).toString('base64')

/** What buildx reports for the n-th image built: the manifest digest and, apart, the config digest. */
export const manifestDigest = (n: number) => `sha256:${String(n).repeat(64)}`
export const configDigest = (n: number) => `sha256:${String(n + 5).repeat(64)}`

/** The manifest ECR stores for a digest: one linux/amd64 image (no index). */
const manifestOf = (digest: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `${digest}-config`, size: 1 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `${digest}-layer`, size: 10 }
    ]
  })

export interface World {
  /** Vulnerabilities Trivy finds per repository (none when not listed). */
  findings?: Record<string, Vulnerability[]>
  /** Answers before the rules: a value, an Error, or undefined to fall through. */
  run?: (command: Command) => ReturnType<NonNullable<Script['run']>>
  ecr?: (request: EcrRequest) => Record<string, unknown> | Error | undefined
}

function metadataFile(command: Command): string {
  return flag(command, '--metadata-file')!
}

/** The runner every phase gets in a live run (probe and runner are one), with the ECR tags it holds. */
export function liveRun(inputs: Record<string, string>, world: World = {}) {
  const { workspace, runnerTemp } = makeWorkspace()
  const log = new RecordingLog()
  /** repository → tag → digest, as PutImage left them. */
  const tags = new Map<string, Map<string, string>>()
  const deleted: string[] = []
  let builds = 0
  const scanned = (reference: string): TrivyReport => {
    const repository = reference.slice(registry.length + 1).split('@')[0]
    return report('linux/amd64', world.findings?.[repository] ?? [])
  }
  const runner = new ScriptedRunner({
    run: (command) => {
      const scripted = world.run?.(command)
      if (scripted !== undefined) return scripted
      const args = command.args
      if (command.tool === 'trivy') {
        if (args[0] === 'image' && args.includes('--output'))
          writeFileSync(flag(command, '--output')!, JSON.stringify(scanned(args.at(-1)!)))
        if (args[0] === 'convert') {
          const json = JSON.parse(readFileSync(args.at(-1)!, 'utf8')) as TrivyReport
          writeFileSync(flag(command, '--output')!, JSON.stringify(sarifOf(json)))
        }
        return {}
      }
      if (args[0] === 'info') return { stdout: dockerInfo() }
      if (args[1] === 'build' && args.includes('--call=check,format=json'))
        return { stdout: '{"warnings":null}\n' }
      if (args[1] === 'build') {
        builds += 1
        writeFileSync(
          metadataFile(command),
          JSON.stringify({
            'containerimage.digest': manifestDigest(builds),
            'containerimage.config.digest': configDigest(builds)
          })
        )
        writeFileSync(flag(command, '--iidfile')!, `${configDigest(builds)}\n`)
        return {}
      }
      if (args[1] === 'bake') {
        const definition = JSON.parse(readFileSync(flag(command, '--file')!, 'utf8')) as {
          group: { default: { targets: string[] } }
        }
        const names = definition.group.default.targets
        writeFileSync(
          metadataFile(command),
          JSON.stringify(
            Object.fromEntries(
              names.map((name, index) => [
                name,
                {
                  'containerimage.digest': manifestDigest(index + 1),
                  'containerimage.config.digest': configDigest(index + 1)
                }
              ])
            )
          )
        )
        builds += names.length
        return {}
      }
      return {}
    },
    ecr: (request) => {
      const scripted = world.ecr?.(request)
      if (scripted !== undefined) return scripted
      const input = request.input as Record<string, unknown>
      const repository = input.repositoryName as string
      switch (request.operation) {
        case 'GetAuthorizationToken':
          return { authorizationData: [{ authorizationToken: token, proxyEndpoint: `https://${registry}` }] }
        case 'DescribeRepositories':
          return {
            repositories: [
              {
                repositoryName: (input.repositoryNames as string[])[0],
                registryId: '123456789012',
                imageTagMutability: 'MUTABLE'
              }
            ]
          }
        case 'BatchGetImage': {
          const digest = (input.imageIds as Array<{ imageDigest: string }>)[0].imageDigest
          return {
            images: [
              {
                imageId: { imageDigest: digest },
                imageManifest: manifestOf(digest),
                imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
              }
            ]
          }
        }
        case 'PutImage': {
          const held = tags.get(repository) ?? new Map<string, string>()
          held.set(input.imageTag as string, input.imageDigest as string)
          tags.set(repository, held)
          return { image: { imageId: { imageDigest: input.imageDigest, imageTag: input.imageTag } } }
        }
        case 'DescribeImages':
          return { imageDetails: [{ imageTags: [] }] }
        case 'BatchDeleteImage': {
          const ids = input.imageIds as Array<{ imageDigest?: string }>
          deleted.push(...ids.flatMap((id) => (id.imageDigest ? [`${repository}@${id.imageDigest}`] : [])))
          return { imageIds: ids, failures: [] }
        }
        default:
          return new Error(`unexpected ECR request ${request.operation}`)
      }
    },
    github: (request: GitHubRequest) => {
      if (request.route === 'GET /repos/{owner}/{repo}')
        return {
          data: {
            name: 'shop-api',
            description: 'Shop API',
            html_url: 'https://github.com/octo-org/shop-api',
            default_branch: 'main',
            license: null
          }
        }
      if (request.route.startsWith('POST') && request.route.includes('sarifs'))
        return { status: 202, data: { id: 'sarif-1' } }
      if (request.route.startsWith('GET') && request.route.includes('sarifs'))
        return { data: { processing_status: 'complete' } }
      return {}
    },
    // The live runner writes files (the bake definition); so does this one.
    write: (file: FileWrite) => writeFileSync(file.path, file.text)
  })
  const liveOptions: unknown[] = []
  const io: Io = {
    env: {
      ...Object.fromEntries(
        Object.entries(inputs).map(([name, text]) => [`INPUT_${name.toUpperCase()}`, text])
      ),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: path.resolve('__tests__/fixtures/events/push_branch.json'),
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/feature/Login_form',
      GITHUB_REPOSITORY: 'octo-org/shop-api',
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: '9012345678',
      RUNNER_TEMP: runnerTemp,
      AWS_REGION: 'us-east-1'
    },
    log,
    live: (options) => {
      liveOptions.push(options)
      return runner
    },
    now: () => new Date('2024-05-03T08:41:27Z')
  }
  return {
    io,
    log,
    runner,
    liveOptions,
    workspace,
    runnerTemp,
    /** The tags ECR holds per repository, tag → digest. */
    tags: () => Object.fromEntries([...tags].map(([name, held]) => [name, Object.fromEntries(held)])),
    deleted
  }
}

/** A vulnerability that `fail-on: CRITICAL` blocks. */
export const critical: Vulnerability = ['CVE-2024-0001', 'openssl', 'CRITICAL', 1]

/** The lines of a run's build and scan commands, for asserting which ran. */
export function commandLines(runner: ScriptedRunner): string[] {
  return runner.steps.flatMap((step) =>
    'run' in step ? [[step.run.tool, ...step.run.args.slice(0, 2)].join(' ')] : []
  )
}

import { writeFile } from 'node:fs/promises'
import { ServiceError, systemError } from '../errors.js'
import { ecrError } from '../ecr/errors.js'
import type { GitHubClient } from '../github/client.js'
import { githubError } from '../github/errors.js'
import type { CommandResult, FileWrite, RunOptions, Runner, Command } from './command.js'
import type { EcrOperation, EcrRequest, EcrResponse } from './ecr-request.js'
import { execute } from './exec.js'
import type { GitHubRequest, GitHubResponse } from './github-request.js'
import type { Log } from './log.js'

/** A GitHub call never holds the step longer than this, retries included. */
const githubTimeoutMs = 60_000

export interface LiveOptions {
  log: Log
  /** The AWS region of the ECR client; '' when the step talks to no AWS API. */
  region: string
  github?: { token: string; apiUrl: string }
  /** How long one GitHub call may take, retries and rate-limit waits included; default 60 s. */
  githubTimeoutMs?: number
}

type EcrClient = { send(command: unknown): Promise<unknown> }

/** Does what plans say: commands through @actions/exec, one ECR client and one GitHub client for the run. */
export class LiveRunner implements Runner {
  readonly dryRun = false
  private ecrClient?: Promise<{ client: EcrClient; sdk: Record<string, unknown> }>
  private githubClient?: GitHubClient

  constructor(private readonly options: LiveOptions) {}

  run(command: Command, options?: RunOptions): Promise<CommandResult> {
    return execute(this.options.log, command, options)
  }

  /** The SDK loads on the first ECR call only: most of the action's start-up cost otherwise. */
  private loadEcr(): Promise<{ client: EcrClient; sdk: Record<string, unknown> }> {
    this.ecrClient ??= import('@aws-sdk/client-ecr').then((sdk) => ({
      sdk: sdk as unknown as Record<string, unknown>,
      // Adaptive retries slow down on ThrottlingException instead of failing the step.
      client: new sdk.ECRClient({
        region: this.options.region,
        retryMode: 'adaptive',
        maxAttempts: 5,
        customUserAgent: 'ecr-build-push'
      })
    }))
    return this.ecrClient
  }

  async ecr<O extends EcrOperation>(request: EcrRequest<O>): Promise<EcrResponse<O>> {
    const { client, sdk } = await this.loadEcr()
    const Operation = sdk[`${request.operation}Command`] as new (input: unknown) => unknown
    try {
      return (await client.send(new Operation(request.input))) as EcrResponse<O>
    } catch (error) {
      throw ecrError(request.operation, error)
    }
  }

  async github<T>(request: GitHubRequest): Promise<GitHubResponse<T>> {
    const github = this.options.github
    if (!github?.token)
      throw new ServiceError(`GitHub ${request.route} needs 'github-token', which is empty.`, '401', 401)
    // Octokit loads on the first GitHub call only.
    this.githubClient ??= (await import('../github/client.js')).createGitHubClient(
      github.token,
      github.apiUrl,
      this.options.log
    )
    const timeoutMs = this.options.githubTimeoutMs ?? githubTimeoutMs
    try {
      const response = await this.githubClient.request(request.route, {
        ...request.parameters,
        request: { signal: AbortSignal.timeout(timeoutMs), deadline: Date.now() + timeoutMs }
      })
      return { status: response.status, data: response.data as T, headers: response.headers }
    } catch (error) {
      throw githubError(request, error)
    }
  }

  async write(file: FileWrite): Promise<void> {
    try {
      await writeFile(file.path, file.text, file.mode !== undefined ? { mode: file.mode } : {})
    } catch (error) {
      throw systemError(error, file.path) ?? error
    }
  }
}

import { formatCommand, type Command, type CommandResult, type FileWrite, type Runner } from './command.js'
import { formatEcrRequest, type EcrOperation, type EcrRequest, type EcrResponse } from './ecr-request.js'
import { formatGitHubRequest, type GitHubRequest, type GitHubResponse } from './github-request.js'
import type { Log } from './log.js'

/** Prints what would change and changes nothing: the `dry-run` input. Every step answers as if it succeeded. */
export class DryRunner implements Runner {
  readonly dryRun = true

  constructor(private readonly log: Log) {}

  async run(command: Command): Promise<CommandResult> {
    this.log.info(formatCommand(command))
    return { exitCode: 0, stdout: '', stderr: '' }
  }

  async ecr<O extends EcrOperation>(request: EcrRequest<O>): Promise<EcrResponse<O>> {
    this.log.info(formatEcrRequest(request))
    return { $metadata: {} } as EcrResponse<O>
  }

  async github<T>(request: GitHubRequest): Promise<GitHubResponse<T>> {
    this.log.info(formatGitHubRequest(request))
    return { status: 0, data: {} as T }
  }

  async write(file: FileWrite): Promise<void> {
    // A file's text can come from the workspace: printed as tool output, never read as a command.
    if (file.summary !== undefined) this.log.info(`write ${file.path}:\n${file.summary}`)
    else {
      this.log.info(`write ${file.path}:`)
      this.log.untrusted(file.text)
    }
  }
}

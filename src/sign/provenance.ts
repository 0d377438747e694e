import type { AttestationType } from './cosign.js'

/** The facts of this workflow run that provenance records; read once from the runner's environment. */
export interface RunFacts {
  serverUrl: string
  /** `owner/repo` */
  repository: string
  repositoryId: string
  repositoryOwnerId: string
  /** `owner/repo/.github/workflows/build.yml@refs/heads/main` (GITHUB_WORKFLOW_REF). */
  workflowRef: string
  /** The workflow that builds, as `serverUrl/job_workflow_ref`: the reusable workflow when one runs the job. */
  builderId: string
  ref: string
  sha: string
  eventName: string
  runId: string
  runAttempt: string
  /** `github-hosted` or `self-hosted`. */
  runnerEnvironment: string
}

/**
 * Reads the run's facts from the environment. `jobWorkflowRef` is the OIDC token's `job_workflow_ref` claim when
 * known (keyless signing); otherwise the builder is the workflow in GITHUB_WORKFLOW_REF.
 */
export function runFactsFromEnv(env: NodeJS.ProcessEnv = process.env, jobWorkflowRef?: string): RunFacts {
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com'
  const workflowRef = env.GITHUB_WORKFLOW_REF ?? ''
  return {
    serverUrl,
    repository: env.GITHUB_REPOSITORY ?? '',
    repositoryId: env.GITHUB_REPOSITORY_ID ?? '',
    repositoryOwnerId: env.GITHUB_REPOSITORY_OWNER_ID ?? '',
    workflowRef,
    builderId: `${serverUrl}/${jobWorkflowRef || workflowRef}`,
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    runnerEnvironment: env.RUNNER_ENVIRONMENT ?? ''
  }
}

/** This run's page, the provenance's invocation id. */
export function invocationId(run: RunFacts): string {
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`
}

/** The build inputs that shaped the image (context, file, target, platforms, build-arg names, ...). */
export type BuildParameters = Record<string, string | string[] | boolean>

/** Same shape as GitHub's artifact attestations (actions/attest-build-provenance), so the same verifiers read it. */
const buildType = 'https://actions.github.io/buildtypes/workflow/v1'

export interface SlsaProvenanceV1 {
  buildDefinition: {
    buildType: string
    externalParameters: {
      workflow: { ref: string; repository: string; path: string }
      inputs: BuildParameters
    }
    internalParameters: {
      github: {
        event_name: string
        repository_id: string
        repository_owner_id: string
        runner_environment: string
      }
    }
    resolvedDependencies: Array<{ uri: string; digest: Record<string, string> }>
  }
  runDetails: {
    builder: { id: string }
    metadata: { invocationId: string; startedOn?: string; finishedOn?: string }
  }
}

export interface ProvenanceRequest {
  run: RunFacts
  inputs: BuildParameters
  startedOn?: Date
  finishedOn?: Date
  /**
   * `buildx.build.provenance` from buildx's metadata file for this image (or platform), when buildx made one.
   * It is what the builder itself observed (materials, base image digests), so it is used as it is.
   */
  buildx?: unknown
}

function buildxVersion(provenance: unknown): 'slsaprovenance1' | 'slsaprovenance02' | undefined {
  if (!provenance || typeof provenance !== 'object') return undefined
  if ('buildDefinition' in provenance && 'runDetails' in provenance) return 'slsaprovenance1'
  if ('buildType' in provenance && ('invocation' in provenance || 'materials' in provenance))
    return 'slsaprovenance02'
  return undefined
}

/** The workflow file's path and ref from `owner/repo/.github/workflows/build.yml@refs/heads/main`. */
function workflowParts(run: RunFacts): { path: string; ref: string } {
  const withoutRepository = run.workflowRef.startsWith(`${run.repository}/`)
    ? run.workflowRef.slice(run.repository.length + 1)
    : run.workflowRef
  const at = withoutRepository.indexOf('@')
  return at < 0
    ? { path: withoutRepository, ref: run.ref }
    : { path: withoutRepository.slice(0, at), ref: withoutRepository.slice(at + 1) }
}

/**
 * The provenance predicate to attest and its `cosign attest --type`: buildx's own provenance where it made one,
 * otherwise SLSA provenance v1 written from the run's facts.
 */
export function provenancePredicate(request: ProvenanceRequest): {
  type: Extract<AttestationType, 'slsaprovenance1' | 'slsaprovenance02'>
  predicate: unknown
} {
  const fromBuildx = buildxVersion(request.buildx)
  if (fromBuildx) return { type: fromBuildx, predicate: request.buildx }
  const { run } = request
  const workflow = workflowParts(run)
  const predicate: SlsaProvenanceV1 = {
    buildDefinition: {
      buildType,
      externalParameters: {
        workflow: {
          ref: workflow.ref,
          repository: `${run.serverUrl}/${run.repository}`,
          path: workflow.path
        },
        inputs: request.inputs
      },
      internalParameters: {
        github: {
          event_name: run.eventName,
          repository_id: run.repositoryId,
          repository_owner_id: run.repositoryOwnerId,
          runner_environment: run.runnerEnvironment
        }
      },
      resolvedDependencies: [
        { uri: `git+${run.serverUrl}/${run.repository}@${run.ref}`, digest: { gitCommit: run.sha } }
      ]
    },
    runDetails: {
      builder: { id: run.builderId },
      metadata: {
        invocationId: invocationId(run),
        ...(request.startedOn ? { startedOn: request.startedOn.toISOString() } : {}),
        ...(request.finishedOn ? { finishedOn: request.finishedOn.toISOString() } : {})
      }
    }
  }
  return { type: 'slsaprovenance1', predicate }
}

import type { TagMutability } from '../config/config.js'
import type { EcrRequest, EcrResponse } from '../run/ecr-request.js'

/** What the rest of the run needs to know about a target repository. */
export interface RepositoryFacts {
  name: string
  registryId?: string
  tagMutability: TagMutability
  /** False when it does not exist yet and this step creates it. */
  exists: boolean
}

export function describeRepository(name: string, registryId?: string): EcrRequest<'DescribeRepositories'> {
  return {
    operation: 'DescribeRepositories',
    input: { ...(registryId ? { registryId } : {}), repositoryNames: [name] }
  }
}

export function repositoryFacts(
  name: string,
  response: EcrResponse<'DescribeRepositories'>,
  registryId?: string
): RepositoryFacts {
  const repository = response.repositories?.[0]
  return {
    name,
    registryId: repository?.registryId ?? registryId,
    tagMutability: repository?.imageTagMutability?.startsWith('IMMUTABLE') ? 'IMMUTABLE' : 'MUTABLE',
    exists: true
  }
}

/** CreateRepository with scan-on-push and the chosen tag mutability. */
export function planCreateRepository(
  name: string,
  tagMutability: TagMutability,
  registryId?: string
): EcrRequest<'CreateRepository'> {
  return {
    operation: 'CreateRepository',
    input: {
      ...(registryId ? { registryId } : {}),
      repositoryName: name,
      imageTagMutability: tagMutability,
      imageScanningConfiguration: { scanOnPush: true }
    }
  }
}

import type { ECRClient } from '@aws-sdk/client-ecr'
import { ConfigurationError } from '../errors.js'
import type { TagMutability } from '../config/inputs.js'

/** What the rest of the run needs to know about the target repository. */
export interface RepositoryFacts {
  name: string
  registryId?: string
  tagMutability: TagMutability
  created: boolean
}

export interface RepositoryRequest {
  name: string
  registryId?: string
  create: boolean
  tagMutability: TagMutability
}

/** Finds the repository (DescribeRepositories), creating it with scan-on-push when asked to. */
export async function ensureRepository(
  client: ECRClient,
  request: RepositoryRequest
): Promise<RepositoryFacts> {
  const { DescribeRepositoriesCommand, CreateRepositoryCommand, RepositoryNotFoundException } =
    await import('@aws-sdk/client-ecr')
  const registry = request.registryId ? { registryId: request.registryId } : {}
  try {
    const found = await client.send(
      new DescribeRepositoriesCommand({ ...registry, repositoryNames: [request.name] })
    )
    const repository = found.repositories?.[0]
    return {
      name: request.name,
      registryId: repository?.registryId ?? request.registryId,
      tagMutability: repository?.imageTagMutability?.startsWith('IMMUTABLE') ? 'IMMUTABLE' : 'MUTABLE',
      created: false
    }
  } catch (error) {
    if (!(error instanceof RepositoryNotFoundException)) throw error
  }
  if (!request.create) {
    throw new ConfigurationError(
      `Input 'repository' is '${request.name}': no such ECR repository${request.registryId ? ` in registry ${request.registryId}` : ''}. Create it, or set 'create-repository: true'.`
    )
  }
  const created = await client.send(
    new CreateRepositoryCommand({
      ...registry,
      repositoryName: request.name,
      imageTagMutability: request.tagMutability,
      imageScanningConfiguration: { scanOnPush: true }
    })
  )
  return {
    name: request.name,
    registryId: created.repository?.registryId ?? request.registryId,
    tagMutability: request.tagMutability,
    created: true
  }
}

import type { AwsConfig } from '../config/config.js'
import type { ImageSpec } from '../config/images.js'
import { ConfigurationError, ServiceError } from '../errors.js'
import type { Runner } from '../run/command.js'
import { authorizationsOf, type EcrAuthorization } from './login.js'
import {
  describeRepository,
  planCreateRepository,
  repositoryFacts,
  type RepositoryFacts
} from './repository.js'

/** The registries this step pushes to: credentials and every target's repository. */
export interface EcrConnection {
  authorizations: EcrAuthorization[]
  /** Host of the first registry, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  registry: string
  repositories: Map<string, RepositoryFacts>
}

function missingRepository(image: ImageSpec, several: boolean, registryId?: string): ConfigurationError {
  const where = several ? `Input 'targets' sends '${image.stage.name}' to` : `Input 'repository' is`
  return new ConfigurationError(
    `${where} '${image.repository}': no such ECR repository${registryId ? ` in registry ${registryId}` : ''}. Create it, or set 'create-repository: true'.`
  )
}

/**
 * Credentials and each target's repository in one round trip. Both are reads, so they run in a dry run
 * too; a repository that must be created comes back with `exists: false` for `createRepositories`.
 */
export async function connectEcr(probe: Runner, images: ImageSpec[], aws: AwsConfig): Promise<EcrConnection> {
  const registryId = aws.registryIds[0]
  const [token, ...found] = await Promise.all([
    probe.ecr({
      operation: 'GetAuthorizationToken',
      input: aws.registryIds.length > 0 ? { registryIds: aws.registryIds } : {}
    }),
    ...images.map(async (image) => {
      try {
        return repositoryFacts(
          image.repository,
          await probe.ecr(describeRepository(image.repository, registryId)),
          registryId
        )
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code !== 'RepositoryNotFoundException') throw error
        if (!aws.createRepository) throw missingRepository(image, images.length > 1, registryId)
        return { name: image.repository, registryId, tagMutability: aws.tagMutability, exists: false }
      }
    })
  ])
  const authorizations = authorizationsOf(token)
  return {
    authorizations,
    registry: authorizations[0].registry,
    repositories: new Map(found.map((repository) => [repository.name, repository]))
  }
}

/** Creates the repositories that do not exist; one created meanwhile by a concurrent job is just as good. */
export async function createRepositories(
  runner: Runner,
  probe: Runner,
  connection: EcrConnection,
  aws: AwsConfig
) {
  const missing = [...connection.repositories.values()].filter((repository) => !repository.exists)
  const created = await Promise.all(
    missing.map(async (repository): Promise<RepositoryFacts> => {
      try {
        await runner.ecr(planCreateRepository(repository.name, aws.tagMutability, repository.registryId))
        return { ...repository, exists: true }
      } catch (error) {
        if (!(error instanceof ServiceError) || error.code !== 'RepositoryAlreadyExistsException') throw error
        const response = await probe.ecr(describeRepository(repository.name, repository.registryId))
        return repositoryFacts(repository.name, response, repository.registryId)
      }
    })
  )
  return {
    ...connection,
    repositories: new Map([...connection.repositories, ...created.map((r) => [r.name, r] as const)])
  }
}

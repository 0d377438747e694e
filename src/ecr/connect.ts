import * as core from '@actions/core'
import type { ECRClient } from '@aws-sdk/client-ecr'
import type { Inputs } from '../config/inputs.js'
import { awsCall } from './call.js'
import { ecrAuthorization, type EcrAuthorization } from './login.js'
import { ensureRepository, type RepositoryFacts } from './repository.js'

/** The registry this step pushes to: its client, credentials and every target's repository. */
export interface EcrConnection {
  client: ECRClient
  authorizations: EcrAuthorization[]
  /** Host of the first registry, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  registry: string
  repositories: Map<string, RepositoryFacts>
}

/** Credentials once, then each target repository found (or created); the SDK loads only here. */
export async function connectEcr(inputs: Inputs, dryRun: boolean): Promise<EcrConnection> {
  const { ECRClient } = await import('@aws-sdk/client-ecr')
  const client = new ECRClient({ region: inputs['aws-region'], customUserAgent: 'ecr-build-push' })
  // Credentials and repositories are independent requests: one round trip instead of two.
  const [authorizations, ...found] = await Promise.all([
    awsCall('GetAuthorizationToken', () => ecrAuthorization(client, inputs['registry-ids'])),
    ...inputs.targets.map((target) =>
      awsCall('DescribeRepositories', () =>
        ensureRepository(client, {
          name: target.repository,
          registryId: inputs['registry-ids'][0],
          create: inputs['create-repository'] && !dryRun,
          tagMutability: inputs['image-tag-mutability']
        })
      )
    )
  ])
  authorizations.forEach((authorization) => core.setSecret(authorization.password))
  return {
    client,
    authorizations,
    registry: authorizations[0].registry,
    repositories: new Map(found.map((repository) => [repository.name, repository]))
  }
}

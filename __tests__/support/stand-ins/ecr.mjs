// A local stand-in for the Amazon ECR API (JSON 1.1 protocol), reached by the real AWS SDK through
// AWS_ENDPOINT_URL_ECR. It hands out credentials for a registry on loopback and keeps repositories in memory.
import { createServer } from 'node:http'

const targetPrefix = 'AmazonEC2ContainerRegistry_V20150921.'

/**
 * What the real AWS SDK needs to reach this stand-in: its endpoint, a region and dummy static credentials
 * (the default chain reads them from the environment), and no instance-metadata lookups.
 * @param {string} url
 */
export function sdkEnv(url) {
  return {
    AWS_ENDPOINT_URL_ECR: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'local-stand-in-secret',
    AWS_EC2_METADATA_DISABLED: 'true'
  }
}

/**
 * @typedef {{ repositoryName: string, registryId: string, imageTagMutability: string, imageScanningConfiguration?: object }} Repository
 * @typedef {{ operation: string, body: any, authorization: string }} EcrRequest
 * @param {{ registryHost: string, username?: string, password: string, accountId?: string,
 *   repositories?: Array<{ name: string, tagMutability?: string }> }} options
 */
export async function startEcr(options) {
  const accountId = options.accountId ?? '123456789012'
  /** @type {Map<string, Repository>} */
  const repositories = new Map()
  for (const repository of options.repositories ?? []) {
    repositories.set(repository.name, {
      repositoryName: repository.name,
      registryId: accountId,
      imageTagMutability: repository.tagMutability ?? 'MUTABLE'
    })
  }
  /** @type {EcrRequest[]} */
  const requests = []

  const operations = {
    GetAuthorizationToken: () => ({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${options.username ?? 'AWS'}:${options.password}`).toString(
            'base64'
          ),
          expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
          proxyEndpoint: `https://${options.registryHost}`
        }
      ]
    }),
    DescribeRepositories: (body) => {
      const names = body.repositoryNames ?? [...repositories.keys()]
      const found = names.map((name) => repositories.get(name))
      const missing = names.find((_, index) => !found[index])
      if (missing) {
        return error(
          'RepositoryNotFoundException',
          `The repository with name '${missing}' does not exist in the registry with id '${accountId}'`
        )
      }
      return { repositories: found.map(describe) }
    },
    CreateRepository: (body) => {
      if (repositories.has(body.repositoryName)) {
        return error(
          'RepositoryAlreadyExistsException',
          `The repository with name '${body.repositoryName}' already exists`
        )
      }
      const repository = {
        repositoryName: body.repositoryName,
        registryId: accountId,
        imageTagMutability: body.imageTagMutability ?? 'MUTABLE',
        imageScanningConfiguration: body.imageScanningConfiguration
      }
      repositories.set(body.repositoryName, repository)
      return { repository: describe(repository) }
    }
  }

  /** @param {Repository} repository */
  function describe(repository) {
    return {
      ...repository,
      repositoryArn: `arn:aws:ecr:us-east-1:${accountId}:repository/${repository.repositoryName}`,
      repositoryUri: `${options.registryHost}/${repository.repositoryName}`,
      createdAt: Math.floor(Date.now() / 1000)
    }
  }

  function error(type, message) {
    return { status: 400, body: { __type: type, message } }
  }

  const server = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk) => (text += chunk))
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '')
      const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : target
      const body = text ? JSON.parse(text) : {}
      requests.push({ operation, body, authorization: String(request.headers.authorization ?? '') })
      const handler = operations[operation]
      const result = handler
        ? handler(body)
        : error('UnknownOperationException', `The stand-in does not implement ${operation}`)
      const isError = result && typeof result.status === 'number'
      response.writeHead(isError ? result.status : 200, { 'content-type': 'application/x-amz-json-1.1' })
      response.end(JSON.stringify(isError ? result.body : result))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    repositories,
    close: () => new Promise((resolve) => server.close(resolve))
  }
}

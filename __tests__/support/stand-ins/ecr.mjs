// A local stand-in for the Amazon ECR API (JSON 1.1 protocol), reached by the real AWS SDK through
// AWS_ENDPOINT_URL_ECR. It hands out credentials for a registry on loopback, keeps repositories in memory, and
// answers the image operations from that real registry over its HTTP API (as user AWS): what BatchGetImage
// returns are the registry's exact manifest bytes, and PutImage puts exactly the given bytes.
// Errors have AWS's shape (`{"__type": "...Exception", "message": ...}`); a test can make the next calls of an
// operation fail (throttling, server errors, expired credentials) to see how the caller copes.
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import * as path from 'node:path'

const targetPrefix = 'AmazonEC2ContainerRegistry_V20150921.'

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]
const indexTypes = manifestTypes.slice(0, 2)

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
 * Failures a test can inject, as ECR sends them. ThrottlingException and the 5xx ones are what the SDK retries.
 * @type {Record<string, { status: number, type: string, message: string }>}
 */
export const ecrFailures = {
  ThrottlingException: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
  InternalFailure: {
    status: 500,
    type: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error, exception or failure.'
  },
  ServerException: { status: 500, type: 'ServerException', message: 'An internal server error occurred.' },
  ExpiredTokenException: {
    status: 400,
    type: 'ExpiredTokenException',
    message: 'The security token included in the request is expired'
  }
}

/**
 * @typedef {{ repositoryName: string, registryId: string, imageTagMutability: string, imageScanningConfiguration?: object }} Repository
 * @typedef {{ operation: string, body: any, authorization: string, failed?: string }} EcrRequest
 *   `failed`: the error type when an injected fault answered it.
 * @typedef {keyof typeof ecrFailures | { status: number, type: string, message: string }} EcrFailure
 * @typedef {{ readonly fired: number, readonly done: boolean }} EcrFault
 * @typedef {{ imageDigest?: string, imageTag?: string }} ImageIdentifier
 */

/**
 * @param {{ registryHost: string, endpointHost?: string, registryStorage?: string, username?: string,
 *   password: string, accountId?: string, repositories?: Array<{ name: string, tagMutability?: string }> }} options
 *   `registryHost` is the registry the image operations use; `endpointHost` the host handed out as the
 *   registry (proxyEndpoint, repositoryUri), e.g. a fault-injecting proxy in front of it (default:
 *   registryHost). `registryStorage` is the registry's filesystem root, if local: push times and untagged
 *   manifests come from it.
 */
export async function startEcr(options) {
  const accountId = options.accountId ?? '123456789012'
  const username = options.username ?? 'AWS'
  const endpointHost = options.endpointHost ?? options.registryHost
  const registry = registryApi(options.registryHost, username, options.password)
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
  /** @type {Array<{ operation: string, failure: { status: number, type: string, message: string }, times: number, fired: number }>} */
  const faults = []
  /** First time each image was seen (epoch seconds), by `repository@digest`. */
  const pushedAt = new Map()
  /** Digests put through PutImage, by repository: the untagged ones a registry without local storage can't list. */
  const known = new Map()

  const error = (type, message) => ({ status: 400, body: { __type: type, message } })
  const notFound = (name) =>
    error(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${accountId}'`
    )

  /** @param {string} repository @param {string} digest */
  function pushTime(repository, digest) {
    const key = `${repository}@${digest}`
    if (!pushedAt.has(key)) {
      const link = revisionLink(repository, digest)
      pushedAt.set(key, link && existsSync(link) ? statSync(link).mtimeMs / 1000 : Date.now() / 1000)
    }
    return pushedAt.get(key)
  }

  /** @param {string} repository @param {string} digest */
  function revisionLink(repository, digest) {
    if (!options.registryStorage) return undefined
    const [algorithm, hex] = digest.split(':')
    return path.join(revisions(repository), '..', algorithm, hex, 'link')
  }

  /** @param {string} repository */
  function revisions(repository) {
    return path.join(
      options.registryStorage ?? '',
      'docker/registry/v2/repositories',
      repository,
      '_manifests/revisions/sha256'
    )
  }

  /** Every digest in the repository with the tags on it: tagged ones, untagged ones the registry keeps. */
  async function images(repository) {
    const tags = await registry.tags(repository)
    const digests = await Promise.all(tags.map((tag) => registry.head(repository, tag)))
    /** @type {Map<string, string[]>} */
    const byDigest = new Map()
    tags.forEach((tag, index) => {
      const digest = digests[index]
      if (digest) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag])
    })
    const untagged = new Set()
    if (options.registryStorage && existsSync(revisions(repository))) {
      for (const hex of readdirSync(revisions(repository))) {
        // A deleted manifest keeps its directory but loses its link.
        if (existsSync(path.join(revisions(repository), hex, 'link'))) untagged.add(`sha256:${hex}`)
      }
    }
    for (const digest of known.get(repository) ?? []) {
      if (await registry.head(repository, digest)) untagged.add(digest)
    }
    for (const digest of untagged) if (!byDigest.has(digest)) byDigest.set(digest, [])
    return [...byDigest.entries()]
      .map(([digest, imageTags]) => ({ digest, tags: imageTags, pushedAt: pushTime(repository, digest) }))
      .sort((a, b) => a.pushedAt - b.pushedAt || a.digest.localeCompare(b.digest))
  }

  /** Compressed layer bytes; for an index, its largest image, as ECR reports imageSizeInBytes. */
  async function sizeOf(repository, manifest) {
    const body = JSON.parse(manifest.bytes.toString('utf8'))
    if (!indexTypes.includes(manifest.mediaType)) {
      return (body.layers ?? []).reduce((total, layer) => total + (layer.size ?? 0), 0)
    }
    let largest = 0
    for (const child of body.manifests ?? []) {
      const found = await registry.manifest(repository, child.digest)
      if (found && !indexTypes.includes(found.mediaType))
        largest = Math.max(largest, await sizeOf(repository, found))
    }
    return largest
  }

  /** Indexes in the repository that list `digest`: ECR refuses to delete an image they reference. */
  async function referencingIndexes(repository, digest) {
    const referencing = []
    for (const image of await images(repository)) {
      if (image.digest === digest) continue
      const manifest = await registry.manifest(repository, image.digest)
      if (!manifest || !indexTypes.includes(manifest.mediaType)) continue
      const body = JSON.parse(manifest.bytes.toString('utf8'))
      if ((body.manifests ?? []).some((child) => child.digest === digest)) referencing.push(image.digest)
    }
    return referencing
  }

  /** @param {ImageIdentifier} id @param {string} failureCode @param {string} failureReason */
  const failure = (id, failureCode, failureReason) => ({ imageId: id, failureCode, failureReason })

  /**
   * Resolves an image id to its manifest, or to a failure as BatchGetImage and BatchDeleteImage report it.
   * @param {string} repository @param {ImageIdentifier} id
   */
  async function resolve(repository, id) {
    if (!id.imageDigest && !id.imageTag) {
      return {
        failure: failure(
          id,
          'MissingDigestAndTag',
          'Invalid request parameters: both tag and digest cannot be null'
        )
      }
    }
    const manifest = await registry.manifest(repository, id.imageDigest ?? id.imageTag)
    if (!manifest) return { failure: failure(id, 'ImageNotFound', 'Requested image not found') }
    if (id.imageDigest && id.imageTag && (await registry.head(repository, id.imageTag)) !== manifest.digest) {
      return {
        failure: failure(
          id,
          'ImageTagDoesNotMatchDigest',
          'Invalid request parameters: image tag and digest do not match'
        )
      }
    }
    return { manifest }
  }

  /** @type {Record<string, (body: any, repository: Repository | undefined) => any>} */
  const operations = {
    GetAuthorizationToken: () => ({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${username}:${options.password}`).toString('base64'),
          expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
          proxyEndpoint: `https://${endpointHost}`
        }
      ]
    }),
    DescribeRepositories: (body) => {
      const names = body.repositoryNames ?? [...repositories.keys()]
      const found = names.map((name) => repositories.get(name))
      const missing = names.find((_, index) => !found[index])
      if (missing) return notFound(missing)
      return { repositories: found.map(describe) }
    },
    CreateRepository: (body) => {
      if (repositories.has(body.repositoryName)) {
        return error(
          'RepositoryAlreadyExistsException',
          `The repository with name '${body.repositoryName}' already exists in the registry with id '${accountId}'`
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
    },
    BatchGetImage: async (body, repository) => {
      const name = repository.repositoryName
      const accepted = body.acceptedMediaTypes
      const found = []
      const failures = []
      for (const id of body.imageIds ?? []) {
        const result = await resolve(name, id)
        // The stand-in never converts a manifest: one of a type the caller does not accept is not found.
        if (result.manifest && accepted?.length && !accepted.includes(result.manifest.mediaType)) {
          failures.push(failure(id, 'ImageNotFound', 'Requested image not found'))
        } else if (result.failure) {
          failures.push(result.failure)
        } else {
          found.push({
            registryId: accountId,
            repositoryName: name,
            imageId: {
              imageDigest: result.manifest.digest,
              ...(id.imageTag ? { imageTag: id.imageTag } : {})
            },
            imageManifest: result.manifest.bytes.toString('utf8'),
            imageManifestMediaType: result.manifest.mediaType
          })
        }
      }
      return { images: found, failures }
    },
    PutImage: async (body, repository) => {
      const name = repository.repositoryName
      const bytes = Buffer.from(String(body.imageManifest ?? ''), 'utf8')
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      if (body.imageDigest && body.imageDigest !== digest) {
        return error(
          'ImageDigestDoesNotMatchException',
          `The specified image digest '${body.imageDigest}' does not match the digest '${digest}' that Amazon ECR calculated for the image.`
        )
      }
      let mediaType = body.imageManifestMediaType
      try {
        mediaType ??= JSON.parse(bytes.toString('utf8')).mediaType
      } catch {
        return error(
          'InvalidParameterException',
          "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
        )
      }
      if (!manifestTypes.includes(mediaType)) {
        return error(
          'InvalidParameterException',
          `Invalid parameter at 'imageManifestMediaType': unsupported media type '${mediaType}'`
        )
      }
      const tag = body.imageTag
      const current = await registry.head(name, tag ?? digest)
      if (current === digest) {
        return error(
          'ImageAlreadyExistsException',
          `Image with digest '${digest}'${tag ? ` and tag '${tag}'` : ''} already exists in the repository with name '${name}' in registry with id '${accountId}'`
        )
      }
      if (tag && current && repository.imageTagMutability === 'IMMUTABLE') {
        return error(
          'ImageTagAlreadyExistsException',
          `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`
        )
      }
      const put = await registry.put(name, tag ?? digest, bytes, mediaType)
      if (put.status !== 201) {
        const codes = put.errors.map((item) => item.code)
        if (codes.includes('MANIFEST_BLOB_UNKNOWN') && indexTypes.includes(mediaType)) {
          return error(
            'ReferencedImagesNotFoundException',
            `Some of the images referenced by the manifest list are not in the repository with name '${name}'`
          )
        }
        if (codes.includes('MANIFEST_BLOB_UNKNOWN') || codes.includes('BLOB_UNKNOWN')) {
          const missing = put.errors.map((item) => item.detail).filter(Boolean)
          return error(
            'LayersNotFoundException',
            `Layers with digests '${JSON.stringify(missing)}' required for pushing image into repository with name '${name}' in the registry with id '${accountId}' do not exist`
          )
        }
        return error('InvalidParameterException', `The registry refused the manifest: ${codes.join(', ')}`)
      }
      known.set(name, new Set([...(known.get(name) ?? []), digest]))
      pushTime(name, digest)
      return {
        image: {
          registryId: accountId,
          repositoryName: name,
          imageId: { imageDigest: digest, ...(tag ? { imageTag: tag } : {}) },
          imageManifest: bytes.toString('utf8'),
          imageManifestMediaType: mediaType
        }
      }
    },
    BatchDeleteImage: async (body, repository) => {
      const name = repository.repositoryName
      const imageIds = []
      const failures = []
      for (const id of body.imageIds ?? []) {
        const result = await resolve(name, id)
        if (result.failure) {
          failures.push(result.failure)
          continue
        }
        const { manifest } = result
        const tagged = (await images(name)).find((image) => image.digest === manifest.digest)?.tags ?? []
        // A tag alone goes, and the image only with its last tag; by digest, the image goes with every tag.
        const remaining = id.imageDigest ? [] : tagged.filter((tag) => tag !== id.imageTag)
        if (remaining.length === 0) {
          const referencing = await referencingIndexes(name, manifest.digest)
          if (referencing.length > 0) {
            failures.push(
              failure(
                id,
                'ImageReferencedByManifestList',
                `Requested image referenced by manifest list: [${referencing.join(', ')}]`
              )
            )
            continue
          }
        }
        await registry.remove(name, manifest.digest)
        // The registry deletes manifests, not tags: the tags that stay are put back on the same bytes.
        for (const tag of remaining) await registry.put(name, tag, manifest.bytes, manifest.mediaType)
        if (remaining.length === 0) known.get(name)?.delete(manifest.digest)
        const removedTags = id.imageDigest ? tagged : [id.imageTag]
        if (removedTags.length === 0) imageIds.push({ imageDigest: manifest.digest })
        for (const tag of removedTags) imageIds.push({ imageDigest: manifest.digest, imageTag: tag })
      }
      return { imageIds, failures }
    },
    DescribeImages: async (body, repository) => {
      const name = repository.repositoryName
      let found = await images(name)
      if (body.imageIds?.length) {
        const wanted = []
        for (const id of body.imageIds) {
          const digest = id.imageDigest ?? (id.imageTag ? await registry.head(name, id.imageTag) : undefined)
          const image = found.find((item) => item.digest === digest)
          if (!image) {
            return error(
              'ImageNotFoundException',
              `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${accountId}'`
            )
          }
          if (!wanted.includes(image)) wanted.push(image)
        }
        found = wanted
      }
      found = found.filter(byTagStatus(body.filter?.tagStatus))
      const { page, nextToken } = paginate(found, body)
      const imageDetails = []
      for (const image of page) {
        const manifest = await registry.manifest(name, image.digest)
        if (!manifest) continue
        const parsed = JSON.parse(manifest.bytes.toString('utf8'))
        imageDetails.push({
          registryId: accountId,
          repositoryName: name,
          imageDigest: image.digest,
          ...(image.tags.length ? { imageTags: image.tags } : {}),
          imageSizeInBytes: await sizeOf(name, manifest),
          imagePushedAt: image.pushedAt,
          imageManifestMediaType: manifest.mediaType,
          ...(parsed.config?.mediaType ? { artifactMediaType: parsed.config.mediaType } : {})
        })
      }
      return { imageDetails, ...(nextToken ? { nextToken } : {}) }
    },
    ListImages: async (body, repository) => {
      const ids = (await images(repository.repositoryName))
        .filter(byTagStatus(body.filter?.tagStatus))
        .flatMap((image) =>
          image.tags.length
            ? image.tags.map((tag) => ({ imageDigest: image.digest, imageTag: tag }))
            : [{ imageDigest: image.digest }]
        )
      const { page, nextToken } = paginate(ids, body)
      return { imageIds: page, ...(nextToken ? { nextToken } : {}) }
    }
  }
  const imageOperations = new Set([
    'BatchGetImage',
    'PutImage',
    'BatchDeleteImage',
    'DescribeImages',
    'ListImages'
  ])

  /** @param {string | undefined} status */
  function byTagStatus(status) {
    return (/** @type {{ tags: string[] }} */ image) =>
      status === 'TAGGED' ? image.tags.length > 0 : status === 'UNTAGGED' ? image.tags.length === 0 : true
  }

  /** @template T @param {T[]} items @param {{ maxResults?: number, nextToken?: string }} body */
  function paginate(items, body) {
    const start = body.nextToken ? Number(Buffer.from(body.nextToken, 'base64').toString('utf8')) : 0
    const end = start + (body.maxResults ?? 1000)
    return {
      page: items.slice(start, end),
      nextToken: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined
    }
  }

  /** @param {Repository} repository */
  function describe(repository) {
    return {
      ...repository,
      repositoryArn: `arn:aws:ecr:us-east-1:${accountId}:repository/${repository.repositoryName}`,
      repositoryUri: `${endpointHost}/${repository.repositoryName}`,
      createdAt: Math.floor(Date.now() / 1000)
    }
  }

  /** @param {string} operation @param {any} body */
  async function answer(operation, body) {
    const fault = faults.find(
      (item) => (item.operation === operation || item.operation === '*') && item.fired < item.times
    )
    if (fault) {
      fault.fired++
      return {
        status: fault.failure.status,
        body: { __type: fault.failure.type, message: fault.failure.message }
      }
    }
    const handler = operations[operation]
    if (!handler) return error('UnknownOperationException', `The stand-in does not implement ${operation}`)
    if (!imageOperations.has(operation)) return handler(body, undefined)
    const repository = repositories.get(body.repositoryName)
    if (!repository) return notFound(body.repositoryName)
    return handler(body, repository)
  }

  const server = createServer((request, response) => {
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', async () => {
      const target = String(request.headers['x-amz-target'] ?? '')
      const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : target
      const text = Buffer.concat(chunks).toString('utf8')
      const body = text ? JSON.parse(text) : {}
      /** @type {EcrRequest} */
      const record = { operation, body, authorization: String(request.headers.authorization ?? '') }
      requests.push(record)
      let result
      try {
        result = await answer(operation, body)
      } catch (thrown) {
        result = { status: 500, body: { __type: 'ServerException', message: `Stand-in failure: ${thrown}` } }
      }
      const isError = result && typeof result.status === 'number'
      if (isError) record.failed = result.body.__type
      response.writeHead(isError ? result.status : 200, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID()
      })
      response.end(JSON.stringify(isError ? result.body : result))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** The registry host this stand-in hands out (proxyEndpoint, repositoryUri). */
    endpointHost,
    requests,
    repositories,
    /**
     * The next `times` calls of `operation` ('*' for any) fail with `failure`: a name from ecrFailures or a
     * full `{ status, type, message }`. Faults apply in the order they were added.
     * @param {string} operation @param {EcrFailure} failure @param {{ times?: number }} [options]
     * @returns {EcrFault}
     */
    fail(operation, failure, { times = 1 } = {}) {
      const resolved = typeof failure === 'string' ? ecrFailures[failure] : failure
      if (!resolved)
        throw new Error(`Unknown ECR failure ${failure}; known: ${Object.keys(ecrFailures).join(', ')}`)
      const fault = { operation, failure: resolved, times, fired: 0 }
      faults.push(fault)
      return {
        get fired() {
          return fault.fired
        },
        get done() {
          return fault.fired >= fault.times
        }
      }
    },
    /** Drops injected faults that have not fired yet. */
    clearFaults() {
      faults.length = 0
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      })
  }
}

/**
 * The registry's HTTP API as the stand-in uses it, authenticated as `username`.
 * @param {string} host @param {string} username @param {string} password
 */
function registryApi(host, username, password) {
  const authorization = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64')
  const url = (repository, kind, reference) => `http://${host}/v2/${repository}/${kind}/${reference}`
  const accept = manifestTypes.join(', ')
  return {
    /** @returns {Promise<{ bytes: Buffer, mediaType: string, digest: string } | undefined>} */
    async manifest(repository, reference) {
      const response = await fetch(url(repository, 'manifests', reference), {
        headers: { authorization, accept }
      })
      if (response.status !== 200) return undefined
      const bytes = Buffer.from(await response.arrayBuffer())
      return {
        bytes,
        mediaType: String(response.headers.get('content-type')),
        digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      }
    },
    /** @returns {Promise<string | undefined>} */
    async head(repository, reference) {
      const response = await fetch(url(repository, 'manifests', reference), {
        method: 'HEAD',
        headers: { authorization, accept }
      })
      return response.status === 200
        ? (response.headers.get('docker-content-digest') ?? undefined)
        : undefined
    },
    /** @returns {Promise<{ status: number, errors: Array<{ code: string, detail?: any }> }>} */
    async put(repository, reference, bytes, mediaType) {
      const response = await fetch(url(repository, 'manifests', reference), {
        method: 'PUT',
        headers: { authorization, 'content-type': mediaType },
        body: bytes
      })
      const text = await response.text()
      let errors = []
      try {
        errors = response.status === 201 ? [] : (JSON.parse(text).errors ?? [])
      } catch {
        errors = [{ code: 'UNKNOWN', detail: text }]
      }
      return { status: response.status, errors }
    },
    async remove(repository, digest) {
      const response = await fetch(url(repository, 'manifests', digest), {
        method: 'DELETE',
        headers: { authorization }
      })
      await response.arrayBuffer()
      return response.status
    },
    /** @returns {Promise<string[]>} */
    async tags(repository) {
      const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
        headers: { authorization }
      })
      if (response.status !== 200) return []
      return ((await response.json()).tags ?? []).sort()
    }
  }
}

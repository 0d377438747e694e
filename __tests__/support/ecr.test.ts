import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageAlreadyExistsException,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  ListImagesCommand,
  PutImageCommand,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { promisify } from 'node:util'
import {
  baseImage,
  ensureBaseImage,
  ensureDocker,
  ensureEmulation,
  registryClient,
  startRegistry,
  type DockerDaemon
} from './local-stack.mjs'
import { startEcr } from './stand-ins/ecr.mjs'
import { startRegistryProxy, type RegistryProxy } from './stand-ins/registry-proxy.mjs'
import { scratchDir } from './scratch.mjs'

const exec = promisify(execFile)
const password = randomBytes(12).toString('hex')
let registry: Awaited<ReturnType<typeof startRegistry>>
let proxy: RegistryProxy
let ecr: Awaited<ReturnType<typeof startEcr>>
let client: ECRClient
let classic: DockerDaemon
let dockerConfig: string
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`

beforeAll(async () => {
  classic = await ensureDocker()
  registry = await startRegistry({ password })
  proxy = await startRegistryProxy({ upstream: registry.host })
  ecr = await startEcr({
    registryHost: registry.host,
    endpointHost: proxy.host,
    registryStorage: registry.storage,
    password,
    repositories: [
      { name: 'shop/web' },
      { name: 'shop/frozen', tagMutability: 'IMMUTABLE' },
      { name: 'shop/multi' }
    ]
  })
  client = new ECRClient({
    endpoint: ecr.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALSTANDIN', secretAccessKey: 'local-stand-in-secret' }
  })
  dockerConfig = scratchDir('ecr-config-')
}, 60_000)

const imported: string[] = []

afterAll(async () => {
  // Best effort: the images were only there to be pushed.
  if (imported.length) {
    spawnSync('docker', ['rmi', ...imported], {
      env: { ...process.env, DOCKER_HOST: classic.host },
      stdio: 'ignore'
    })
  }
  client?.destroy()
  registry?.stop()
  await Promise.all([ecr?.close(), proxy?.close()])
})

/** Logs in to the host ECR hands out, from the token the SDK got, as amazon-ecr-login does. */
async function login(daemon: DockerDaemon) {
  const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}))
  const [user, secret] = Buffer.from(String(authorizationData?.[0].authorizationToken), 'base64')
    .toString('utf8')
    .split(':')
  const host = new URL(String(authorizationData?.[0].proxyEndpoint)).host
  execFileSync('docker', ['login', '--username', user, '--password-stdin', host], {
    input: secret,
    env: { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: daemon.host },
    stdio: ['pipe', 'ignore', 'ignore']
  })
  return host
}

/** docker push of a fresh one-layer image through the handed-out host; returns the pushed digest. */
async function pushFresh(repository: string, tag: string): Promise<string> {
  const host = await login(classic)
  const dir = scratchDir('layer-')
  writeFileSync(path.join(dir, 'payload'), randomBytes(64 * 1024))
  const reference = `${host}/${repository}:${tag}`
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: classic.host }
  execFileSync('docker', ['import', '-', reference], {
    input: execFileSync('tar', ['-C', dir, '-c', 'payload']),
    env,
    stdio: ['pipe', 'ignore', 'pipe']
  })
  imported.push(reference)
  const { stdout } = await exec('docker', ['push', reference], { env })
  return String(/digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1])
}

describe('handing out the registry', () => {
  it('gives the proxy as proxyEndpoint and in repositoryUri, so docker goes through it', async () => {
    const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}))
    expect(authorizationData?.[0].proxyEndpoint).toBe(`https://${proxy.host}`)
    const { repositories } = await client.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['shop/web'] })
    )
    expect(repositories?.[0].repositoryUri).toBe(`${proxy.host}/shop/web`)
    const before = proxy.requests.length
    await pushFresh('shop/web', 'via-proxy')
    expect(proxy.requests.slice(before)).toContainEqual(
      expect.objectContaining({ method: 'PUT', path: '/v2/shop/web/manifests/via-proxy', status: 201 })
    )
  }, 60_000)
})

describe('image operations on a real pushed manifest, through the real SDK', () => {
  let digest: string

  beforeAll(async () => {
    digest = await pushFresh('shop/web', 'scanned')
  }, 60_000)

  it('BatchGetImage returns the exact manifest bytes and media type; missing ids come back as failures', async () => {
    const result = await client.send(
      new BatchGetImageCommand({
        repositoryName: 'shop/web',
        imageIds: [
          { imageDigest: digest },
          { imageTag: 'no-such-tag' },
          { imageDigest: digest, imageTag: 'via-proxy' }
        ]
      })
    )
    expect(result.images).toHaveLength(1)
    const [image] = result.images ?? []
    expect(sha256(String(image.imageManifest))).toBe(digest)
    expect(image.imageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    expect(image.imageId).toEqual({ imageDigest: digest })
    expect(result.failures).toEqual([
      {
        imageId: { imageTag: 'no-such-tag' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found'
      },
      {
        imageId: { imageDigest: digest, imageTag: 'via-proxy' },
        failureCode: 'ImageTagDoesNotMatchDigest',
        failureReason: 'Invalid request parameters: image tag and digest do not match'
      }
    ])
  })

  it('PutImage tags the same bytes without changing the digest, and says when the tag already names it', async () => {
    const { images } = await client.send(
      new BatchGetImageCommand({ repositoryName: 'shop/web', imageIds: [{ imageDigest: digest }] })
    )
    const [image] = images ?? []
    const put = (imageTag: string) =>
      client.send(
        new PutImageCommand({
          repositoryName: 'shop/web',
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          imageDigest: digest,
          imageTag
        })
      )
    const { image: tagged } = await put('main')
    expect(tagged?.imageId).toEqual({ imageDigest: digest, imageTag: 'main' })
    const registryView = registryClient(registry.host, 'AWS', password)
    expect((await registryView.manifest('shop/web', 'main'))?.digest).toBe(digest)
    const again = await put('main').catch((error: unknown) => error)
    expect(again).toBeInstanceOf(ImageAlreadyExistsException)
    expect((again as Error).message).toBe(
      `Image with digest '${digest}' and tag 'main' already exists in the repository with name 'shop/web' in registry with id '123456789012'`
    )
  })

  it('PutImage in an IMMUTABLE repository refuses a tag that names another digest', async () => {
    const first = await pushFresh('shop/frozen', 'v1')
    const other = await pushFresh('shop/frozen', 'other')
    const { images } = await client.send(
      new BatchGetImageCommand({ repositoryName: 'shop/frozen', imageIds: [{ imageDigest: other }] })
    )
    const put = (imageTag: string) =>
      client.send(
        new PutImageCommand({
          repositoryName: 'shop/frozen',
          imageManifest: images?.[0].imageManifest,
          imageTag
        })
      )
    const refused = await put('v1').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ImageTagAlreadyExistsException)
    expect((refused as Error).message).toContain(
      "The image tag 'v1' already exists in the 'shop/frozen' repository"
    )
    expect((await registryClient(registry.host, 'AWS', password).manifest('shop/frozen', 'v1'))?.digest).toBe(
      first
    )
    await expect(put('v2')).resolves.toMatchObject({
      image: { imageId: { imageDigest: other, imageTag: 'v2' } }
    })
  }, 60_000)

  it('DescribeImages and ListImages report tags, sizes, media types and push times', async () => {
    const { imageDetails } = await client.send(
      new DescribeImagesCommand({ repositoryName: 'shop/web', imageIds: [{ imageTag: 'scanned' }] })
    )
    const manifest = await registryClient(registry.host, 'AWS', password).manifest('shop/web', digest)
    expect(imageDetails).toEqual([
      {
        registryId: '123456789012',
        repositoryName: 'shop/web',
        imageDigest: digest,
        imageTags: ['main', 'scanned'],
        imageSizeInBytes: manifest?.body.layers[0].size,
        imagePushedAt: expect.any(Date),
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        artifactMediaType: 'application/vnd.docker.container.image.v1+json'
      }
    ])
    expect(Date.now() - (imageDetails?.[0].imagePushedAt?.getTime() ?? 0)).toBeLessThan(120_000)
    const { imageIds } = await client.send(
      new ListImagesCommand({ repositoryName: 'shop/web', filter: { tagStatus: 'TAGGED' } })
    )
    expect(imageIds).toEqual(
      expect.arrayContaining([
        { imageDigest: digest, imageTag: 'main' },
        { imageDigest: digest, imageTag: 'scanned' }
      ])
    )
    const missing = await client
      .send(new DescribeImagesCommand({ repositoryName: 'shop/web', imageIds: [{ imageTag: 'nope' }] }))
      .catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(ImageNotFoundException)
  })

  it('BatchDeleteImage by tag keeps the image under its other tags; by digest removes it with every tag', async () => {
    const byTag = await client.send(
      new BatchDeleteImageCommand({
        repositoryName: 'shop/web',
        imageIds: [{ imageTag: 'main' }, { imageTag: 'gone' }]
      })
    )
    expect(byTag.imageIds).toEqual([{ imageDigest: digest, imageTag: 'main' }])
    expect(byTag.failures).toEqual([
      {
        imageId: { imageTag: 'gone' },
        failureCode: 'ImageNotFound',
        failureReason: 'Requested image not found'
      }
    ])
    const view = registryClient(registry.host, 'AWS', password)
    expect(await view.tags('shop/web')).toEqual(['scanned', 'via-proxy'])
    expect((await view.manifest('shop/web', 'scanned'))?.digest).toBe(digest)

    const byDigest = await client.send(
      new BatchDeleteImageCommand({ repositoryName: 'shop/web', imageIds: [{ imageDigest: digest }] })
    )
    expect(byDigest.imageIds).toEqual([{ imageDigest: digest, imageTag: 'scanned' }])
    expect(await view.tags('shop/web')).toEqual(['via-proxy'])
    expect(await view.manifest('shop/web', digest)).toBeUndefined()
    const { imageIds } = await client.send(new ListImagesCommand({ repositoryName: 'shop/web' }))
    expect(imageIds?.map((id) => id.imageDigest)).not.toContain(digest)
  })

  it('answers an unknown repository as ECR does', async () => {
    const error = await client
      .send(new ListImagesCommand({ repositoryName: 'shop/nowhere' }))
      .catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(RepositoryNotFoundException)
    expect((error as Error).message).toBe(
      "The repository with name 'shop/nowhere' does not exist in the registry with id '123456789012'"
    )
  })
})

describe('a multi-platform index from buildx --push on the containerd daemon', () => {
  let index: string

  beforeAll(async () => {
    const containerd = await ensureDocker({ store: 'containerd' })
    ensureEmulation()
    ensureBaseImage(containerd)
    const host = await login(containerd)
    const context = scratchDir('index-')
    writeFileSync(path.join(context, 'Dockerfile'), `FROM ${baseImage}\nRUN uname -m > /arch\n`)
    const metadata = path.join(context, 'metadata.json')
    await exec(
      'docker',
      [
        'buildx',
        'build',
        '--builder',
        'default',
        '--platform',
        'linux/amd64,linux/arm64',
        '--metadata-file',
        metadata,
        '--tag',
        `${host}/shop/multi:main`,
        '--push',
        context
      ],
      { env: { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: containerd.host } }
    )
    index = JSON.parse(execFileSync('cat', [metadata], { encoding: 'utf8' }))['containerimage.digest']
  }, 180_000)

  it('describes the index with the largest image as its size, and lists its children as untagged images', async () => {
    const view = registryClient(registry.host, 'AWS', password)
    const manifest = await view.manifest('shop/multi', 'main')
    expect(manifest?.digest).toBe(index)
    const children: Array<{ digest: string; platform: { architecture: string } }> = manifest?.body.manifests
    const sizes = await Promise.all(
      children.map(async (child) => {
        const body = (await view.manifest('shop/multi', child.digest))?.body
        return (body.layers ?? []).reduce((total: number, layer: { size: number }) => total + layer.size, 0)
      })
    )
    const { imageDetails } = await client.send(
      new DescribeImagesCommand({ repositoryName: 'shop/multi', imageIds: [{ imageTag: 'main' }] })
    )
    expect(imageDetails?.[0]).toMatchObject({
      imageDigest: index,
      imageTags: ['main'],
      imageManifestMediaType: manifest?.mediaType,
      imageSizeInBytes: Math.max(...sizes)
    })
    const { imageIds } = await client.send(
      new ListImagesCommand({ repositoryName: 'shop/multi', filter: { tagStatus: 'UNTAGGED' } })
    )
    expect(imageIds?.map((id) => id.imageDigest).sort()).toEqual(children.map((child) => child.digest).sort())
  })

  it('refuses to delete an image the index references, as ECR does', async () => {
    const manifest = await registryClient(registry.host, 'AWS', password).manifest('shop/multi', 'main')
    const child = manifest?.body.manifests[0].digest
    const result = await client.send(
      new BatchDeleteImageCommand({ repositoryName: 'shop/multi', imageIds: [{ imageDigest: child }] })
    )
    expect(result.imageIds).toEqual([])
    expect(result.failures).toEqual([
      {
        imageId: { imageDigest: child },
        failureCode: 'ImageReferencedByManifestList',
        failureReason: `Requested image referenced by manifest list: [${index}]`
      }
    ])
  })
})

describe('fault injection', () => {
  it('throttles the next calls: the SDK retries through two, and gives up on three', async () => {
    const before = ecr.requests.length
    const recovered = ecr.fail('DescribeRepositories', 'ThrottlingException', { times: 2 })
    const result = await client.send(new DescribeRepositoriesCommand({ repositoryNames: ['shop/web'] }))
    expect(result.$metadata.attempts).toBe(3)
    expect(recovered.done).toBe(true)
    expect(ecr.requests.slice(before).map((request) => request.failed)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      undefined
    ])
    ecr.fail('DescribeRepositories', 'ThrottlingException', { times: 3 })
    const error = await client
      .send(new DescribeRepositoriesCommand({ repositoryNames: ['shop/web'] }))
      .catch(
        (thrown: unknown) => thrown as { name: string; message: string; $metadata: { attempts: number } }
      )
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { attempts: 3 }
    })
  }, 60_000)

  it.each(['InternalFailure', 'ServerException'] as const)(
    'answers %s with HTTP 500, which the SDK retries',
    async (name) => {
      ecr.fail('ListImages', name)
      const result = await client.send(new ListImagesCommand({ repositoryName: 'shop/web' }))
      expect(result.$metadata.attempts).toBe(2)
    }
  )

  it('expires the credentials: not retried, and named as AWS names it', async () => {
    const before = ecr.requests.length
    ecr.fail('GetAuthorizationToken', 'ExpiredTokenException')
    const error = await client
      .send(new GetAuthorizationTokenCommand({}))
      .catch((thrown: unknown) => thrown as { name: string; $metadata: { httpStatusCode: number } })
    expect(error).toMatchObject({ name: 'ExpiredTokenException', $metadata: { httpStatusCode: 400 } })
    expect(ecr.requests.slice(before)).toHaveLength(1)
  })

  it('leaves other operations alone and can be cleared', async () => {
    const fault = ecr.fail('PutImage', 'ServerException', { times: 5 })
    await expect(client.send(new ListImagesCommand({ repositoryName: 'shop/web' }))).resolves.toBeDefined()
    expect(fault.fired).toBe(0)
    ecr.clearFaults()
    expect(() => ecr.fail('PutImage', 'NoSuchFailure' as 'ServerException')).toThrow('Unknown ECR failure')
  })
})

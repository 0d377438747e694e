// Signing on the other paths a release takes, with a cosign key and no transparency log: the docker-container
// driver (pushed by digest, tags by PutImage) into a registry with the referrers API; several targets in one step,
// where the blocked one is not signed; cosign's tag scheme on a registry without the referrers API, and its
// collision with IMMUTABLE tags; and nothing signed in a dry run or without a push.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { root } from '../support/run-action.mjs'
import {
  exampleWorkspace,
  runAction,
  startContainerBuilder,
  startStack,
  type ContainerBuilder,
  type Stack
} from '../support/stack.js'
import {
  cosignIn,
  generateKeys,
  pushWithCommitTime,
  referrersOf,
  type Keys,
  type Referrer
} from '../support/signing.js'

const standIns = path.join(root, '__tests__/support/stand-ins')
const sha7 = '4f2c9ab'
const signatureType = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const predicate = {
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  provenance: 'https://slsa.dev/provenance/v1'
}

let stack: Stack
let keys: Keys
let containerBuilder: ContainerBuilder | undefined
let builder: string
let base: string

beforeAll(async () => {
  ;[stack, keys] = await Promise.all([
    startStack(
      [
        { name: 'shop/bc' },
        { name: 'shop/web' },
        { name: 'shop/dev' },
        { name: 'shop/test' },
        { name: 'shop/locked', tagMutability: 'IMMUTABLE' },
        { name: 'shop/locked-two', tagMutability: 'IMMUTABLE' },
        { name: 'shop/dry' },
        { name: 'shop/local' },
        { name: 'base/busybox' }
      ],
      { referrers: true }
    ),
    generateKeys()
  ])
  stack.login(stack.registry.host)
  containerBuilder = await startContainerBuilder(stack, 'ecr-build-push-e2e')
  builder = containerBuilder.name
  base = containerBuilder.base
}, 300_000)

afterAll(async () => {
  containerBuilder?.remove()
  await stack?.stop()
})

function signedRun(inputs: Record<string, string>, report = 'alpine-310') {
  return runAction({
    ...pushWithCommitTime,
    workspace: exampleWorkspace(),
    inputs: {
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'skip-setup-cosign': 'true',
      'github-token': '',
      'sign-key': keys.privateKey,
      'sign-key-password': keys.password,
      'transparency-log': 'false',
      ...inputs
    },
    env: { ...stack.env, PATH: `${standIns}:${stack.env.PATH}`, STANDIN_TRIVY_REPORT: report }
  })
}

/** The step's own errors (`::error::`), not the findings' annotations (`::error title=…`). */
const errors = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error::'))
const advice =
  "Verify the existing signature instead of signing again, make the repository's tags MUTABLE (or exclude 'sha256-*' tags from immutability where the registry allows it), or use a registry with the OCI 1.1 referrers API, where no tag is written."

/** The references the run gave `cosign <verb>`, in order (the live runner prints each command it runs). */
const cosignTargets = (stdout: string, verb: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith(`$ cosign ${verb} `))
    .map((line) => line.split(' ').at(-1))
const cosign = (args: string[]) => cosignIn(stack, keys, args)
const signedDigest = async (args: string[]) =>
  JSON.parse((await cosign(args)).stdout)[0].critical.image['docker-manifest-digest'] as string
const tagDigest = async (repository: string, tag: string) =>
  (await stack.client.manifest(repository, tag))?.digest
const schemeTags = (digest: string) => {
  const name = digest.replace(':', '-')
  return { sig: `${name}.sig`, att: `${name}.att` }
}

describe('the docker-container driver, pushed by digest, into a registry with the referrers API', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let platformDigests: string[]
  let listed: Record<string, Referrer[]>

  beforeAll(async () => {
    stack.proxy?.referrers(true)
    result = await signedRun({
      repository: 'shop/bc',
      driver: 'docker-container',
      builder,
      platforms: 'linux/amd64,linux/arm64',
      'build-args': `BASE_IMAGE=${base}`
    })
    const index = await stack.client.manifest('shop/bc', result.outputs.digest)
    platformDigests = (index?.body.manifests as Array<{ digest: string }>).map((entry) => entry.digest)
    listed = Object.fromEntries(
      await Promise.all(
        [result.outputs.digest, ...platformDigests].map(
          async (digest) => [digest, await referrersOf(stack, 'shop/bc', digest)] as const
        )
      )
    )
  }, 420_000)

  it('tags the scanned digest by PutImage, then signs exactly it and each platform, by digest', () => {
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    const digest = result.outputs.digest
    expect(
      stack.ecr.requests
        .filter((request) => request.operation === 'PutImage' && request.body.repositoryName === 'shop/bc')
        .map((request) => [request.body.imageTag, request.body.imageDigest])
    ).toEqual([
      ['main', digest],
      [sha7, digest],
      ['latest', digest]
    ])
    expect(platformDigests).toHaveLength(2)
    expect(cosignTargets(result.main.stdout, 'sign')).toEqual(
      [digest, ...platformDigests].map((each) => `${stack.host}/shop/bc@${each}`)
    )
  })

  it('stores each signature and attestation as a referrer, and the outputs name the index’s', () => {
    for (const digest of Object.keys(listed)) {
      expect(
        listed[digest]
          .map((entry) =>
            entry.artifactType === bundleType
              ? entry.annotations?.['dev.sigstore.bundle.predicateType']
              : entry.artifactType
          )
          .sort()
      ).toEqual([predicate.vuln, predicate.provenance, signatureType].sort())
    }
    const index = listed[result.outputs.digest]
    const find = (type: string) =>
      index.find(
        (entry) => (entry.annotations?.['dev.sigstore.bundle.predicateType'] ?? entry.artifactType) === type
      )?.digest
    expect(result.outputs.signature).toBe(find(signatureType))
    expect(JSON.parse(result.outputs.attestations)).toEqual({
      provenance: find(predicate.provenance),
      vuln: find(predicate.vuln)
    })
  })

  it('verifies the index and each platform with the public key', async () => {
    for (const digest of Object.keys(listed))
      expect(await signedDigest(['verify', '--experimental-oci11', `${stack.host}/shop/bc@${digest}`])).toBe(
        digest
      )
  }, 120_000)
})

describe('three targets in one step, gate: per-target, one blocked, into a registry without the referrers API', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let images: Array<{ stage: string; repository: string; digest: string | null }>

  beforeAll(async () => {
    stack.proxy?.referrers(false)
    result = await signedRun(
      {
        target: '',
        targets: 'production=shop/web\ndevelopment=shop/dev\ntesting=shop/test',
        gate: 'per-target'
      },
      'alpine-310,@shop/test=debian-buster'
    )
    images = JSON.parse(result.outputs.images)
  }, 420_000)

  it('fails for the blocked target alone, and releases the others', () => {
    expect(result.main.code).toBe(1)
    const lines = errors(result.main.stdout)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^::error::No tag was pushed for testing: testing \(shop\/test\): /)
    expect(lines[0]).toMatch(/%0ATagged anyway \(gate: per-target\): production, development\.$/)
    expect(images.map((image) => [image.stage, image.repository, image.digest === null])).toEqual([
      ['production', 'shop/web', false],
      ['development', 'shop/dev', false],
      ['testing', 'shop/test', true]
    ])
  })

  it('signs each released image in cosign’s tag scheme, and nothing of the blocked one', async () => {
    const [web, dev] = images.map((image) => image.digest as string)
    // The targets are signed concurrently.
    expect(cosignTargets(result.main.stdout, 'sign').sort()).toEqual([
      `${stack.host}/shop/dev@${dev}`,
      `${stack.host}/shop/web@${web}`
    ])
    expect(await stack.client.tags('shop/web')).toEqual(
      [sha7, 'latest', 'main', schemeTags(web).att, schemeTags(web).sig].sort()
    )
    expect(await stack.client.tags('shop/dev')).toEqual(
      [sha7, 'latest', 'main', schemeTags(dev).att, schemeTags(dev).sig].sort()
    )
    expect(await stack.client.tags('shop/test')).toEqual([])
    expect(await signedDigest(['verify', `${stack.host}/shop/web@${web}`])).toBe(web)
    expect(await signedDigest(['verify', `${stack.host}/shop/dev@${dev}`])).toBe(dev)
  }, 120_000)

  it('gives the first target’s signature and attestations as outputs: the tags cosign wrote', async () => {
    const web = images[0].digest as string
    expect(result.outputs.signature).toBe(await tagDigest('shop/web', schemeTags(web).sig))
    const attestations = await tagDigest('shop/web', schemeTags(web).att)
    // In the tag scheme one manifest holds every attestation of the digest.
    expect(JSON.parse(result.outputs.attestations)).toEqual({ provenance: attestations, vuln: attestations })
  })
})

describe('cosign’s tag scheme in a repository with IMMUTABLE tags', () => {
  let first: Awaited<ReturnType<typeof runAction>>
  let again: Awaited<ReturnType<typeof runAction>>
  let before: { sig?: string; att?: string }

  beforeAll(async () => {
    stack.proxy?.referrers(false)
    // One attestation: cosign's scheme keeps all of a digest's attestations under one tag.
    // The same digest again: 'created: commit' (the default) takes the timestamps from the commit, and without a
    // cache export the config holds no inline cache metadata, which differs once a build imports the first's cache.
    const inputs = { repository: 'shop/locked', cache: 'none', attest: 'vuln' }
    first = await signedRun(inputs)
    const tags = schemeTags(first.outputs.digest)
    before = { sig: await tagDigest('shop/locked', tags.sig), att: await tagDigest('shop/locked', tags.att) }
    again = await signedRun(inputs)
  }, 420_000)

  it('signs and attests the digest the first time', () => {
    expect(errors(first.main.stdout)).toEqual([])
    expect(first.main.code).toBe(0)
    expect(first.outputs.signature).toBe(before.sig)
    expect(JSON.parse(first.outputs.attestations)).toEqual({ vuln: before.att })
  })

  it('refuses the second run on the same digest before signing, naming the tag and what to do', () => {
    const digest = first.outputs.digest
    expect(again.outputs.digest).toBe(digest)
    expect(again.main.code).toBe(1)
    expect(errors(again.main.stdout)).toEqual([
      `::error::The tags were pushed, but signing failed: ${stack.host}/shop/locked@${digest} was signed before: its signature tag ${schemeTags(digest).sig} already exists in repository 'shop/locked', whose tags are IMMUTABLE, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) would have to rewrite it. Nothing was signed. ${advice}`
    ])
    expect(cosignTargets(again.main.stdout, 'sign')).toEqual([])
    expect(again.outputs.signature).toBeUndefined()
  })

  it('leaves the first signature as it was, and it still verifies', async () => {
    const tags = schemeTags(first.outputs.digest)
    expect({
      sig: await tagDigest('shop/locked', tags.sig),
      att: await tagDigest('shop/locked', tags.att)
    }).toEqual(before)
    expect(await signedDigest(['verify', `${stack.host}/shop/locked@${first.outputs.digest}`])).toBe(
      first.outputs.digest
    )
  }, 60_000)

  it('refuses two attestations before signing: both would rewrite the one attestations tag', async () => {
    const result = await signedRun({ repository: 'shop/locked-two' })
    const digest = result.outputs.digest
    expect(errors(result.main.stdout)).toEqual([
      `::error::The tags were pushed, but signing failed: Repository 'shop/locked-two' has IMMUTABLE tags, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) keeps every attestation of ${stack.host}/shop/locked-two@${digest} under one tag, ${schemeTags(digest).att}, rewritten for each: 'attest' asks for 2 (slsaprovenance1, vuln) and only one fits. Nothing was signed. Attest one kind, make the repository's tags MUTABLE, or use a registry with the referrers API.`
    ])
    expect(await stack.client.tags('shop/locked-two')).toEqual([sha7, 'latest', 'main'])
  }, 240_000)
})

describe('nothing is signed', () => {
  it('in a dry run, which prints the cosign commands it would run', async () => {
    stack.proxy?.referrers(true)
    const before = stack.proxy?.requests.length ?? 0
    const result = await signedRun({ repository: 'shop/dry', 'dry-run': 'true' })
    expect(result.main.code).toBe(0)
    const reference = `'${stack.host}/shop/dry@<digest>'`
    const flags = '--yes --key env://COSIGN_PRIVATE_KEY --tlog-upload=false --allow-insecure-registry'
    expect(
      result.main.stdout
        .split('\n')
        .filter((line) => line.startsWith('$ cosign '))
        .map((line) => line.replace(/--predicate '\S+\/attestations\//, "--predicate '…/"))
    ).toEqual([
      `$ cosign sign ${flags} ${reference}`,
      `$ cosign attest ${flags} --type slsaprovenance1 --predicate '…/<digest>.slsaprovenance1.json' ${reference}`,
      `$ cosign attest ${flags} --type vuln --predicate '…/<digest>.vuln.json' ${reference}`
    ])
    expect(result.outputs.signature).toBeUndefined()
    expect(await stack.client.tags('shop/dry')).toEqual([])
    expect((stack.proxy?.requests ?? []).slice(before).filter((request) => request.method !== 'GET')).toEqual(
      []
    )
  }, 120_000)

  it('with push: false', async () => {
    const result = await signedRun({ repository: 'shop/local', push: 'false' })
    expect(errors(result.main.stdout)).toEqual([])
    expect(result.main.code).toBe(0)
    expect(result.main.stdout).not.toMatch(/^\$ cosign /m)
    expect(result.outputs.signature).toBeUndefined()
    expect(result.outputs.attestations).toBeUndefined()
    expect(await stack.client.tags('shop/local')).toEqual([])
  }, 240_000)
})

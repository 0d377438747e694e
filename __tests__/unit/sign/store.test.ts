// Listing a digest's referrers: what tells the signing phase whether the registry has the OCI 1.1 referrers
// API (then signatures are stored as referrers) or not (cosign's tags), and how many referrers a digest has.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EcrConnection } from '../../../src/ecr/connect.js'
import type { ImageOutcome } from '../../../src/outcome.js'
import type { SignRequest } from '../../../src/sign/phase.js'
import { listReferrers, storedSignature } from '../../../src/sign/store.js'
import { ScriptedRunner } from '../doubles.js'

const digest = `sha256:${'a'.repeat(64)}`
const indexType = 'application/vnd.oci.image.index.v1+json'
const entry = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'b'.repeat(64)}`,
  size: 738,
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json'
}

let server: Server
let host: string
let answer: { status: number; type: string; body: string }
const seen: Array<{ url?: string; headers: IncomingHttpHeaders }> = []

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url, headers: request.headers })
    response.writeHead(answer.status, { 'content-type': answer.type })
    response.end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const connection = (): EcrConnection => ({
  authorizations: [{ registry: host, username: 'AWS', password: 'token-from-ecr' }],
  registry: host,
  repositories: new Map()
})

describe('listReferrers', () => {
  it('reads the referrers API’s index with the run’s registry login', async () => {
    answer = {
      status: 200,
      type: indexType,
      body: JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [entry] })
    }
    expect(await listReferrers(host, 'shop/web', digest, connection())).toEqual([entry])
    expect(seen.at(-1)).toMatchObject({
      url: `/v2/shop/web/referrers/${digest}`,
      headers: {
        accept: indexType,
        authorization: `Basic ${Buffer.from('AWS:token-from-ecr').toString('base64')}`
      }
    })
  })

  it('lists nothing for a digest with no referrers', async () => {
    answer = { status: 200, type: `${indexType}; charset=utf-8`, body: JSON.stringify({ schemaVersion: 2 }) }
    expect(await listReferrers(host, 'shop/web', digest)).toEqual([])
  })

  it.each([
    [
      'distribution 2.8’s 404',
      { status: 404, type: 'text/plain; charset=utf-8', body: '404 page not found\n' }
    ],
    ['a 200 that is not an image index', { status: 200, type: 'text/html', body: '<html></html>' }],
    ['a refused login', { status: 401, type: 'application/json', body: '{"errors":[]}' }]
  ])('says there is no referrers API on %s', async (_name, reply) => {
    answer = reply
    expect(await listReferrers(host, 'shop/web', digest)).toBeUndefined()
  })
})

describe('storedSignature in cosign’s tag scheme', () => {
  it('reads the .sig and .att tags from the image’s own registry, and names the .att for each kind attested', async () => {
    const hex = 'a'.repeat(64)
    const manifests: Record<string, string> = {
      [`sha256-${hex}.sig`]: `sha256:${'5'.repeat(64)}`,
      [`sha256-${hex}.att`]: `sha256:${'6'.repeat(64)}`
    }
    const probe = new ScriptedRunner({
      ecr: (request) => {
        const tag = (request.input as { imageIds: Array<{ imageTag: string }> }).imageIds[0].imageTag
        return manifests[tag]
          ? { images: [{ imageId: { imageDigest: manifests[tag] }, imageManifest: '{}' }] }
          : { images: [], failures: [{ failureCode: 'ImageNotFound' }] }
      }
    })
    const outcome = { plan: { image: '127.0.0.1:5000/shop/web' } } as unknown as ImageOutcome
    const ref = { repository: 'shop/web', registryId: '210987654321' }
    // A multi-platform index: its SBOMs are on the platforms, so the index's outputs have none.
    const result = await storedSignature({ probe } as unknown as SignRequest, outcome, {
      ref,
      digest,
      storage: 'tags',
      stderr: '',
      attested: ['slsaprovenance1', 'vuln']
    })
    expect(result).toEqual({
      signature: manifests[`sha256-${hex}.sig`],
      attestations: { provenance: manifests[`sha256-${hex}.att`], vuln: manifests[`sha256-${hex}.att`] }
    })
    expect(
      probe.steps.map((step) => ('ecr' in step ? (step.ecr.input as { registryId?: string }).registryId : ''))
    ).toEqual(['210987654321', '210987654321'])
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ConfigurationError } from '../../../src/errors.js'
import { checkCacheRegistry, dockerLogins, registryOf } from '../../../src/ecr/registries.js'

const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com'

describe('registryOf', () => {
  it.each([
    [`${ecr}/cache:web`, ecr],
    ['localhost:5000/cache:web', 'localhost:5000'],
    ['localhost/cache:web', 'localhost'],
    ['ghcr.io/octo-org/cache:web', 'ghcr.io'],
    ['shop/cache:web', 'docker.io'],
    ['cache:web', 'docker.io'],
    ['GHCR.io/octo-org/cache:web', 'ghcr.io']
  ])('%s is in %s', (reference, registry) => {
    expect(registryOf(reference)).toBe(registry)
  })
})

describe('checkCacheRegistry', () => {
  it('accepts a tag, an empty ref, and a reference in a registry the step logs in to or docker knows', () => {
    for (const ref of ['', 'buildcache-web', `${ecr}/cache:web`])
      expect(() => checkCacheRegistry(ref, { ecr: [ecr], docker: [] })).not.toThrow()
    expect(() => checkCacheRegistry('ghcr.io/o/cache:web', { ecr: [ecr], docker: ['ghcr.io'] })).not.toThrow()
    expect(() => checkCacheRegistry('o/cache:web', { ecr: [], docker: ['docker.io'] })).not.toThrow()
  })

  it('refuses a registry the step cannot write to, naming the input and what to do', () => {
    expect(() => checkCacheRegistry('ghcr.io/o/cache:web', { ecr: [ecr], docker: [] })).toThrow(
      new ConfigurationError(
        `Input 'cache-ref' is 'ghcr.io/o/cache:web', in the registry ghcr.io, which this step cannot write to: it logs in to ${ecr} only, and docker has no credentials for ghcr.io from an earlier step. Use a tag (the cache then goes to 'cache-repository', or the image's repository), a reference in a registry the step logs in to (add its account to 'registry-ids'), or log in to ghcr.io in an earlier step (docker/login-action).`
      )
    )
    expect(() =>
      checkCacheRegistry('999999999999.dkr.ecr.us-east-1.amazonaws.com/c:w', { ecr: [], docker: [] })
    ).toThrow(/it logs in to no registry \('push: false'\)/)
  })
})

describe('dockerLogins', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the registries of auths and credHelpers, Docker Hub under one name', async () => {
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        auths: { 'https://index.docker.io/v1/': {}, 'ghcr.io': { auth: 'x' } },
        credHelpers: { [ecr]: 'ecr-login' }
      })
    )
    expect(await dockerLogins({ DOCKER_CONFIG: dir })).toEqual(['docker.io', 'ghcr.io', ecr])
  })

  it('is empty without a config file', async () => {
    expect(await dockerLogins({ DOCKER_CONFIG: path.join(dir, 'none') })).toEqual([])
  })
})

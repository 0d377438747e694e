import { describe, expect, it } from '@jest/globals'
import { checkPlatformSupport } from '../../../src/config/platforms.js'
import type { RawInputs } from '../../../src/config/values.js'
import { ConfigurationError } from '../../../src/errors.js'
import { configOf, makeWorkspace } from './workspace.js'

const { workspace } = makeWorkspace()
const two = 'linux/amd64,linux/arm64'
const parse = (raw: RawInputs) => configOf(workspace, { repository: 'shop/web', ...raw })
const several = { repository: '', targets: 'production=shop/web\nbuilder=shop/builder' }

describe('checkCombinations (run by parseConfig)', () => {
  it.each<[string, RawInputs]>([
    ['a size budget with a scan', { 'max-image-size': '200MB' }],
    ['several platforms pushed by a builder container', { platforms: two }],
    [
      'several platforms built without push, scan or load (cache only)',
      { platforms: two, push: 'false', scan: 'false' }
    ],
    [
      'several platforms loaded by the daemon’s own builder (checked against the daemon later)',
      { platforms: two, driver: 'docker', load: 'true' }
    ],
    ['one platform loaded', { platforms: 'linux/arm64', load: 'true' }],
    ['several targets with their own caches', { ...several, cache: 'registry' }],
    ['one target with a shared cache-ref', { 'cache-ref': 'buildcache-web' }]
  ])('accepts %s', (_name, raw) => {
    expect(() => parse(raw)).not.toThrow()
  })

  it.each<[string, RawInputs, string]>([
    [
      'a size budget without a scan',
      { 'max-image-size': '200MB', scan: 'false' },
      "Input 'max-image-size' is set but 'scan' is false: the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings)."
    ],
    [
      'several platforms loaded from a builder container',
      { platforms: two, load: 'true' },
      "Input 'platforms' has 2 platforms, but this image would be loaded into the Docker daemon ('load: true', or 'push: false' with a scan), which takes one platform from a docker-container builder. Set 'push: true' and 'load: false' (the scan then reads each platform from the registry), or build one platform."
    ],
    [
      'several platforms scanned without a push from a builder container',
      { platforms: two, push: 'false' },
      "Input 'platforms' has 2 platforms, but this image would be loaded into the Docker daemon"
    ],
    [
      'several targets sharing a cache-ref',
      { ...several, 'cache-ref': 'buildcache' },
      "Input 'cache-ref' is set with 2 targets: they would share one cache and overwrite each other's. Leave it empty (each target gets its own cache), or build the targets in separate steps."
    ],
    [
      'several targets sharing cache-from',
      { ...several, 'cache-from': 'type=gha,scope=x' },
      "Input 'cache-from' is set with 2 targets"
    ],
    [
      'several targets sharing cache-to',
      { ...several, 'cache-to': 'type=inline' },
      "Input 'cache-to' is set with 2 targets"
    ]
  ])('refuses %s', (_name, raw, message) => {
    const attempt = () => parse(raw)
    expect(attempt).toThrow(ConfigurationError)
    expect(attempt).toThrow(message)
  })
})

describe('checkPlatformSupport (daemon facts)', () => {
  it.each<[string, RawInputs, 'classic' | 'containerd']>([
    [
      'the daemon’s builder with the containerd store holds several platforms',
      { driver: 'docker', platforms: two },
      'containerd'
    ],
    [
      'the daemon’s builder with one platform on the classic store',
      { driver: 'docker', platforms: 'linux/amd64' },
      'classic'
    ],
    ['a builder container pushes several platforms whatever the store', { platforms: two }, 'classic']
  ])('accepts %s', (_name, raw, imageStore) => {
    expect(() => checkPlatformSupport(parse(raw), { imageStore, platform: 'linux/amd64' })).not.toThrow()
  })

  it('refuses several platforms for the daemon’s builder on the classic store', () => {
    expect(() =>
      checkPlatformSupport(parse({ driver: 'docker', platforms: two }), {
        imageStore: 'classic',
        platform: 'linux/amd64'
      })
    ).toThrow(
      new ConfigurationError(
        "Input 'platforms' has 2 platforms, but 'driver: docker' on a daemon with the classic image store (overlay2) holds one platform per image. Use 'driver: docker-container' (the default), enable Docker's containerd image store, or build one platform."
      )
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import {
  deliveryFor,
  exportsLayout,
  planOutput,
  type BuildOutput,
  type Delivery,
  type DeliveryInputs
} from '../../../src/build/output.js'

const names = {
  image: 'r.example/shop/web',
  tags: ['r.example/shop/web:abc1234', 'r.example/shop/web:main'],
  staging: 'ecr-build-push-staging/shop/web:42-1-x-0'
}

describe('deliveryFor: where the image goes before the gate', () => {
  // Every combination of the inputs that decide it.
  it.each<[DeliveryInputs, Delivery]>([
    [{ scan: false, push: true, load: false, driver: 'docker-container' }, 'tags'],
    [{ scan: false, push: true, load: true, driver: 'docker-container' }, 'tags'],
    [{ scan: false, push: true, load: false, driver: 'docker' }, 'tags'],
    [{ scan: false, push: true, load: true, driver: 'docker' }, 'tags'],
    [{ scan: false, push: false, load: true, driver: 'docker-container' }, 'local'],
    [{ scan: false, push: false, load: true, driver: 'docker' }, 'local'],
    [{ scan: false, push: false, load: false, driver: 'docker-container' }, 'cache-only'],
    [{ scan: false, push: false, load: false, driver: 'docker' }, 'cache-only'],
    [{ scan: true, push: true, load: false, driver: 'docker-container' }, 'registry-staging'],
    [{ scan: true, push: true, load: true, driver: 'docker-container' }, 'registry-staging'],
    [{ scan: true, push: true, load: false, driver: 'docker' }, 'daemon-staging'],
    [{ scan: true, push: true, load: true, driver: 'docker' }, 'daemon-staging'],
    [{ scan: true, push: false, load: false, driver: 'docker-container' }, 'daemon-staging'],
    [{ scan: true, push: false, load: true, driver: 'docker-container' }, 'daemon-staging'],
    [{ scan: true, push: false, load: false, driver: 'docker' }, 'daemon-staging'],
    [{ scan: true, push: false, load: true, driver: 'docker' }, 'daemon-staging']
  ])('%j → %s', (inputs, delivery) => {
    expect(deliveryFor(inputs)).toBe(delivery)
  })
})

describe('planOutput: the exporters and names of each delivery', () => {
  it.each<[Delivery, boolean, string | undefined, BuildOutput]>([
    ['tags', false, undefined, { delivery: 'tags', exporters: ['type=image,push=true'], names: names.tags }],
    [
      'tags',
      true,
      undefined,
      { delivery: 'tags', exporters: ['type=image,push=true', 'type=docker'], names: names.tags }
    ],
    [
      'registry-staging',
      false,
      undefined,
      {
        delivery: 'registry-staging',
        exporters: ['type=image,name=r.example/shop/web,push-by-digest=true,name-canonical=true,push=true'],
        names: []
      }
    ],
    [
      'registry-staging',
      true,
      undefined,
      {
        delivery: 'registry-staging',
        exporters: ['type=image,name=r.example/shop/web,push-by-digest=true,name-canonical=true,push=true'],
        names: []
      }
    ],
    [
      'daemon-staging',
      false,
      undefined,
      { delivery: 'daemon-staging', exporters: ['type=docker'], names: [names.staging] }
    ],
    [
      'daemon-staging',
      false,
      '/tmp/run/0-production/oci',
      {
        delivery: 'daemon-staging',
        exporters: ['type=docker,oci-mediatypes=true', 'type=oci,dest=/tmp/run/0-production/oci,tar=false'],
        names: [names.staging]
      }
    ],
    ['local', true, undefined, { delivery: 'local', exporters: ['type=docker'], names: names.tags }],
    ['cache-only', false, undefined, { delivery: 'cache-only', exporters: ['type=cacheonly'], names: [] }]
  ])('%s (load: %s, layout: %s)', (delivery, load, layout, expected) => {
    expect(planOutput(delivery, { ...names, ...(layout ? { layout } : {}) }, load)).toEqual(expected)
  })

  it('never names a final tag while the image waits for the gate', () => {
    for (const delivery of ['registry-staging', 'daemon-staging', 'cache-only'] as const) {
      const output = planOutput(delivery, names, true)
      expect(JSON.stringify(output)).not.toContain(':abc1234')
      expect(JSON.stringify(output)).not.toContain(':main')
    }
  })
})

describe('exportsLayout', () => {
  it.each<['docker' | 'docker-container', 'classic' | 'containerd', boolean]>([
    ['docker-container', 'classic', true],
    ['docker-container', 'containerd', true],
    ['docker', 'containerd', true],
    ['docker', 'classic', false]
  ])('%s with the %s store: %s', (driver, store, expected) => {
    expect(exportsLayout(driver, store)).toBe(expected)
  })
})

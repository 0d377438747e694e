import { describe, expect, it } from '@jest/globals'
import type { StoredManifest } from '../../../src/release/manifests.js'
import { isScannedImage, type ReleaseRequest } from '../../../src/release/release.js'
import { planTags, refused, type TagState } from '../../../src/release/tag-plan.js'

const image = 'registry/shop/web'
const index = (digest: string, platforms: Record<string, string>): StoredManifest => ({
  digest,
  manifest: JSON.stringify({
    manifests: [
      ...Object.entries(platforms).map(([platform, child]) => ({
        digest: child,
        platform: { os: platform.split('/')[0], architecture: platform.split('/')[1] }
      })),
      { digest: `${digest}-attestation`, platform: { os: 'unknown', architecture: 'unknown' } }
    ]
  })
})

const built = index('sha256:new', { 'linux/amd64': 'sha256:amd' })
/** An earlier build of the same commit: the same platform image, another provenance attestation. */
const rebuilt = index('sha256:old', { 'linux/amd64': 'sha256:amd' })
const other = index('sha256:other', { 'linux/amd64': 'sha256:different' })
const scanned = (stored: StoredManifest) =>
  isScannedImage(stored, { id: built.digest, scanned: { 'linux/amd64': 'sha256:amd' } })

const states = (entries: Record<string, StoredManifest | undefined>): TagState[] =>
  Object.entries(entries).map(([tag, stored]) =>
    stored ? { tag: `${image}:${tag}`, stored } : { tag: `${image}:${tag}` }
  )
const tags = (...names: string[]) => names.map((name) => `${image}:${name}`)

describe('planTags: where each tag points decides, before any tag moves', () => {
  it.each([
    [
      'a first run writes every tag',
      { main: undefined, '4f2c9ab': undefined },
      false,
      { write: tags('main', '4f2c9ab'), alreadyThere: [], conflicts: [] }
    ],
    [
      'a re-run finds the tags on this very digest',
      { main: built, '4f2c9ab': built },
      true,
      { write: [], alreadyThere: tags('main', '4f2c9ab'), conflicts: [], existing: built }
    ],
    [
      'a re-run whose index differs only in attestations goes onto the stored one, so all tags keep one digest',
      { main: rebuilt, '4f2c9ab': undefined },
      true,
      { write: tags('4f2c9ab'), alreadyThere: tags('main'), conflicts: [], existing: rebuilt }
    ],
    [
      'this run’s own digest wins over an equivalent older one',
      { main: rebuilt, latest: built },
      false,
      { write: tags('main'), alreadyThere: tags('latest'), conflicts: [], existing: built }
    ],
    [
      'a mutable repository moves a tag that names another image',
      { main: other, '4f2c9ab': undefined },
      false,
      { write: tags('main', '4f2c9ab'), alreadyThere: [], conflicts: [] }
    ],
    [
      'an IMMUTABLE repository refuses a tag that names another image',
      { main: other, '4f2c9ab': undefined },
      true,
      {
        write: tags('4f2c9ab'),
        alreadyThere: [],
        conflicts: [{ tag: `${image}:main`, digest: 'sha256:other' }]
      }
    ],
    [
      'an IMMUTABLE repository refuses an equivalent image under another digest than the one adopted',
      { main: built, latest: rebuilt },
      true,
      {
        write: [],
        alreadyThere: tags('main'),
        conflicts: [{ tag: `${image}:latest`, digest: 'sha256:old' }],
        existing: built
      }
    ]
  ])('%s', (_title, current, immutable, expected) => {
    expect(planTags(states(current), scanned, { immutable, built: built.digest })).toEqual(expected)
  })

  it('without a known digest (a daemon push to come), only an image a tag already holds is a target', () => {
    const classic = {
      digest: 'sha256:pushed',
      manifest: JSON.stringify({ config: { digest: 'sha256:imageid' } })
    }
    const held = (stored: StoredManifest) => isScannedImage(stored, { id: 'sha256:imageid' })
    expect(planTags(states({ main: classic, '4f2c9ab': undefined }), held, { immutable: true })).toEqual({
      write: tags('4f2c9ab'),
      alreadyThere: tags('main'),
      conflicts: [],
      existing: classic
    })
    expect(planTags(states({ main: other }), held, { immutable: false })).toEqual({
      write: tags('main'),
      alreadyThere: [],
      conflicts: []
    })
  })
})

describe('refused: an IMMUTABLE repository holding tags on other images', () => {
  const request = {
    repository: 'shop/web',
    tags: [
      'r.example/shop/web:1',
      'r.example/shop/web:1.2',
      'r.example/shop/web:1.2.3',
      'r.example/shop/web:latest'
    ]
  } as ReleaseRequest
  const conflicts = [
    { tag: 'r.example/shop/web:1', digest: 'sha256:aaa' },
    { tag: 'r.example/shop/web:1.2', digest: 'sha256:aaa' },
    { tag: 'r.example/shop/web:latest', digest: 'sha256:aaa' },
    { tag: 'r.example/shop/web:1.2.3', digest: 'sha256:bbb' }
  ]

  it('names the tags on each image, listed, and moves none', () => {
    const result = refused(request, { write: [], alreadyThere: [], conflicts }, 'sha256:new')
    expect(result.written).toEqual([])
    expect(result.problem).toMatch(
      /^No tag was moved: in the IMMUTABLE repository shop\/web, 1, 1\.2 and latest are on sha256:aaa; 1\.2\.3 is on sha256:bbb, and this run's image is sha256:new\. /
    )
  })

  it('names two tags with "and", one alone, and says which tags were only held back', () => {
    const result = refused(
      request,
      { write: [], alreadyThere: [], conflicts: [conflicts[0], conflicts[3]] },
      'sha256:new'
    )
    expect(result.problem).toContain('shop/web, 1 is on sha256:aaa; 1.2.3 is on sha256:bbb, and')
    const two = refused(
      request,
      { write: [], alreadyThere: [], conflicts: conflicts.slice(0, 2) },
      'sha256:new'
    )
    expect(two.problem).toContain('shop/web, 1 and 1.2 are on sha256:aaa, and')
    expect(result.failed).toEqual([
      { tag: 'r.example/shop/web:1', error: 'already on sha256:aaa in an IMMUTABLE repository' },
      {
        tag: 'r.example/shop/web:1.2',
        error: 'not written: another tag of this image is taken in an IMMUTABLE repository'
      },
      { tag: 'r.example/shop/web:1.2.3', error: 'already on sha256:bbb in an IMMUTABLE repository' },
      {
        tag: 'r.example/shop/web:latest',
        error: 'not written: another tag of this image is taken in an IMMUTABLE repository'
      }
    ])
  })
})

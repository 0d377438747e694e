import { describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../../src/errors.js'
import { failIfAnyHeldBack, type ImageOutcome } from '../../../src/outcome.js'

const image = 'registry.example/shop/web'
const outcome = (release: ImageOutcome['release']) =>
  ({
    plan: { spec: { stage: { name: 'production' }, repository: 'shop/web' } },
    release
  }) as unknown as ImageOutcome

describe('failIfAnyHeldBack after a push', () => {
  it('tells a failed load as a failed load: the tags are pushed', () => {
    const failure = (() => {
      try {
        failIfAnyHeldBack([
          outcome({
            digest: 'sha256:abc',
            written: [`${image}:main`, `${image}:4f2c9ab`],
            failed: [],
            loadError: `docker pull --quiet ${image}:main failed with exit code 1:\nmanifest unknown`
          })
        ])
      } catch (error) {
        return error as ServiceError
      }
      return undefined
    })()
    expect(failure).toBeInstanceOf(ServiceError)
    expect(failure?.message).toBe(
      `the tags were pushed, but loading them into the Docker daemon ('load: true') failed: docker pull --quiet ${image}:main failed with exit code 1:\nmanifest unknown`
    )
    expect(failure?.message).not.toMatch(/push failed|could not be written/)
  })

  it('names exactly the tags written and the ones that failed', () => {
    expect(() =>
      failIfAnyHeldBack([
        outcome({
          digest: 'sha256:abc',
          written: [`${image}:main`],
          failed: [{ tag: `${image}:latest`, error: 'ECR PutImage failed: ServerException' }]
        })
      ])
    ).toThrow(
      `1 of 2 tags could not be written: ${image}:latest (ECR PutImage failed: ServerException). Written: ${image}:main.`
    )
  })

  it('does not fail when every tag was written', () => {
    expect(() =>
      failIfAnyHeldBack([outcome({ digest: 'sha256:abc', written: [`${image}:main`], failed: [] })])
    ).not.toThrow()
  })
})

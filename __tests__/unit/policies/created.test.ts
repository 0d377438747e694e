import { describe, expect, it } from '@jest/globals'
import { planOutput, rewritesTimestamps } from '../../../src/build/output.js'
import { computeMeta, parseFlavor, readCommitDate, type MetaInput } from '../../../src/meta/meta.js'
import type { Command, Runner } from '../../../src/run/command.js'
import { contextFor, sha } from '../../fixtures/events/runs.js'

const now = new Date('2026-01-02T03:04:05.678Z')
const input = (extra: Partial<MetaInput> = {}): MetaInput => ({
  rules: [],
  flavor: parseFlavor([]),
  userLabels: [],
  shaSource: 'head',
  ...extra
})

describe('created: commit', () => {
  it("takes the named commit's time for the label, the annotation and SOURCE_DATE_EPOCH", () => {
    const meta = computeMeta(input({ created: 'commit' }), contextFor('push_branch'), now)
    expect(meta.labels['org.opencontainers.image.created']).toBe('2024-05-03T08:41:20.000Z')
    expect(meta.annotations).toContain('manifest:org.opencontainers.image.created=2024-05-03T08:41:20.000Z')
    expect(meta.sourceDateEpoch).toBe(1714725680)
  })

  it('uses the commit time git gave when the payload has none', () => {
    const meta = computeMeta(
      input({ created: 'commit', commitDate: new Date('2024-04-30T12:00:00Z') }),
      contextFor('pull_request'),
      now
    )
    expect(meta.labels['org.opencontainers.image.created']).toBe('2024-04-30T12:00:00.000Z')
    expect(meta.sourceDateEpoch).toBe(1714478400)
  })

  it('falls back to the build time, without SOURCE_DATE_EPOCH, when nobody knows the commit time', () => {
    const meta = computeMeta(input({ created: 'commit' }), contextFor('pull_request'), now)
    expect(meta.labels['org.opencontainers.image.created']).toBe(now.toISOString())
    expect(meta.sourceDateEpoch).toBeUndefined()
  })

  it("'created: now' (and the API's default) keeps the build time", () => {
    for (const created of ['now' as const, undefined]) {
      const meta = computeMeta(input(created ? { created } : {}), contextFor('push_branch'), now)
      expect(meta.labels['org.opencontainers.image.created']).toBe(now.toISOString())
      expect(meta.sourceDateEpoch).toBeUndefined()
    }
  })

  it('asks git for the commit time only when the payload does not say', async () => {
    const asked: Command[] = []
    const runner = {
      dryRun: false,
      async run(command: Command) {
        asked.push(command)
        return { exitCode: 0, stdout: '2024-04-30T14:00:00+02:00\n', stderr: '' }
      }
    } as unknown as Runner
    const context = { ...contextFor('pull_request'), workspace: '/w' }
    const options = { rules: [], flavor: parseFlavor([]), shaSource: 'merge' as const }
    expect(await readCommitDate(runner, context, options)).toBeUndefined()
    expect(asked).toEqual([])
    expect(await readCommitDate(runner, context, { ...options, created: 'commit' })).toEqual(
      new Date('2024-04-30T12:00:00Z')
    )
    expect(asked.map((command) => command.args)).toEqual([
      ['-C', '/w', 'log', '-1', '--format=%cI', context.sha]
    ])
    expect(
      await readCommitDate(runner, contextFor('push_branch'), { ...options, created: 'commit' })
    ).toBeUndefined()
    expect(sha).toMatch(/^[0-9a-f]{40}$/)
  })
})

describe('rewrite-timestamp', () => {
  const names = { image: 'r/shop/web', tags: ['r/shop/web:main'], staging: 'staging:1', layout: '/t/oci' }

  it.each([
    [
      'registry-staging' as const,
      ['type=image,name=r/shop/web,push-by-digest=true,name-canonical=true,push=true,rewrite-timestamp=true']
    ],
    [
      'daemon-staging' as const,
      [
        'type=docker,oci-mediatypes=true,rewrite-timestamp=true',
        'type=oci,dest=/t/oci,tar=false,rewrite-timestamp=true'
      ]
    ],
    ['tags' as const, ['type=image,push=true,rewrite-timestamp=true']],
    ['cache-only' as const, ['type=cacheonly']]
  ])('%s', (delivery, exporters) => {
    expect(planOutput(delivery, names, false, { rewriteTimestamp: true }).exporters).toEqual(exporters)
    expect(planOutput(delivery, names, false).exporters.join()).not.toContain('rewrite-timestamp')
  })

  it.each([
    [{ driver: 'docker-container', buildkitVersion: '0.13.2' }, true],
    [{ driver: 'docker-container', buildkitVersion: 'v0.20.1' }, true],
    [{ driver: 'docker-container' }, true],
    [{ driver: 'docker-container', buildkitVersion: '0.12.5' }, false],
    // The daemon's exporter: "conflicts with unpack" on the containerd store, ignored on the classic one.
    [{ driver: 'docker', buildkitVersion: '0.13.2' }, false],
    [{}, false]
  ])('%j: %s', (builder, expected) => {
    expect(rewritesTimestamps(builder)).toBe(expected)
  })
})

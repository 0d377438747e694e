import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { BuildProgress, noEarlierImageLine } from '../../../src/build/progress.js'

/** `docker buildx build --progress=rawjson` with `--cache-from type=registry,ref=<a missing ref>` (see fixtures/progress). */
const missingRegistryCache = readFileSync(
  new URL('../../fixtures/progress/inline-cache.rawjson', import.meta.url),
  'utf8'
)

/** One SolveStatus update: a cache import vertex that ended with `error`. */
function cacheImport(digest: string, source: string, error: string, completed = '2026-11-23T10:41:00.3Z') {
  return `${JSON.stringify({
    vertexes: [
      {
        digest,
        name: `importing cache manifest from ${source}`,
        started: '2026-11-23T10:41:00.2Z',
        completed,
        error
      }
    ]
  })}\n`
}

function run(text: string) {
  const notices: string[] = []
  const progress = new BuildProgress({ notice: (message) => notices.push(message) })
  const lines = [...progress.write(text), ...progress.end()]
  return { lines, notices, stats: progress.stats() }
}

describe('a cache-from with nothing behind it yet (a first run)', () => {
  it("is said once in the action's own words, and BuildKit's ERROR line is not shown", () => {
    const { lines, notices, stats } = run(missingRegistryCache)
    expect(notices).toEqual([
      'No earlier image to reuse at 127.0.0.1:5511/nope/nope:buildcache (nothing there yet, as on a first run): every build step runs.'
    ])
    expect(lines.filter((line) => line.includes('ERROR'))).toEqual([])
    expect(lines).toContain('#4 importing cache manifest from 127.0.0.1:5511/nope/nope:buildcache')
    // The build itself is read as before.
    expect(stats).toEqual({ steps: 5, cached: 5, slowest: [] })
  })

  it('names the gha cache by its type (BuildKit names it by a digest)', () => {
    const { lines, notices } = run(
      cacheImport(
        'd1',
        'gha:sha256:0d1f',
        'failed to configure gha cache importer: cache scope production: not found'
      )
    )
    expect(notices).toEqual([noEarlierImageLine('gha', 'gha:sha256:0d1f')])
    expect(notices[0]).toBe(
      'No earlier image to reuse at the gha cache (nothing there yet, as on a first run): every build step runs.'
    )
    expect(lines).toEqual(['#1 importing cache manifest from gha:sha256:0d1f'])
  })

  it('says it once per cache source, however often BuildKit reports it', () => {
    const missing = (ref: string) => `failed to configure registry cache importer: ${ref}: not found`
    const { notices } = run(
      cacheImport('a', 'r/web:main', missing('r/web:main')) +
        cacheImport('a', 'r/web:main', missing('r/web:main'), '2026-11-23T10:41:00.4Z') +
        cacheImport('b', 'r/worker:main', missing('r/worker:main'))
    )
    expect(notices).toEqual([
      noEarlierImageLine('registry', 'r/web:main'),
      noEarlierImageLine('registry', 'r/worker:main')
    ])
  })

  it('still shows a cache import that failed for another reason as an error', () => {
    const error =
      'failed to configure registry cache importer: r/web:main: unexpected status: 401 Unauthorized'
    const { lines, notices } = run(cacheImport('a', 'r/web:main', error))
    expect(notices).toEqual([])
    expect(lines).toContain(`#1 ERROR: ${error}`)
  })

  it('is quiet without a notice listener', () => {
    const progress = new BuildProgress()
    expect(progress.write(missingRegistryCache).filter((line) => line.includes('ERROR'))).toEqual([])
  })
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { BuildProgress, parseBuildProgress, type BuildStats } from '../../../src/build/progress.js'
import { cacheReportLine, slowestStepsMarkdown } from '../../../src/report/build-steps.js'

/** Real `docker buildx build --progress=rawjson` standard error (buildx 0.13.1, docker driver); see multi-stage.Dockerfile. */
function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/progress/${name}.rawjson`, import.meta.url), 'utf8')
}

const steps = {
  base2: '[base 2/3] RUN echo "preparing" && mkdir -p /app && sleep 1',
  base3: '[base 3/3] COPY hello.txt /app/hello.txt',
  build1: '[build 1/2] RUN echo "building $(cat /app/hello.txt)" > /app/out.txt && sleep 1',
  build2: '[build 2/2] RUN wc -c /app/out.txt',
  runtime2: '[runtime 2/2] COPY --from=build /app/out.txt /srv/out.txt'
}

describe('BuildProgress stats on captured builds', () => {
  it.each<[string, BuildStats]>([
    [
      'cold',
      {
        steps: 5,
        cached: 0,
        slowest: [
          { name: steps.base2, seconds: 1.141 },
          { name: steps.build1, seconds: 1.136 },
          { name: steps.build2, seconds: 0.147 },
          { name: steps.base3, seconds: 0.006 },
          { name: steps.runtime2, seconds: 0.005 }
        ]
      }
    ],
    ['warm', { steps: 5, cached: 5, slowest: [] }],
    [
      'partial',
      {
        steps: 5,
        cached: 1,
        slowest: [
          { name: steps.build1, seconds: 1.138 },
          { name: steps.build2, seconds: 0.146 },
          { name: steps.base3, seconds: 0.01 },
          { name: steps.runtime2, seconds: 0.006 }
        ]
      }
    ],
    ['inline-cache', { steps: 5, cached: 5, slowest: [] }],
    [
      'failed',
      {
        steps: 2,
        cached: 0,
        slowest: [
          { name: '[3/3] RUN echo "about to fail" && exit 3', seconds: 0.141 },
          { name: '[2/3] RUN echo "step one $(date +%N)"', seconds: 0.135 }
        ]
      }
    ]
  ])('%s', (name, expected) => {
    expect(parseBuildProgress(fixture(name)).stats).toEqual(expected)
  })

  it('limits the slowest steps', () => {
    const progress = new BuildProgress()
    progress.write(fixture('cold'))
    expect(progress.stats(2).slowest.map((step) => step.name)).toEqual([steps.base2, steps.build1])
  })

  it('gives the same result fed line by line or in odd chunks', () => {
    const text = fixture('partial')
    const whole = parseBuildProgress(text)
    const byLine = new BuildProgress()
    const lines = text.split('\n').flatMap((line) => byLine.line(line))
    expect([...lines, ...byLine.end()]).toEqual(whole.lines)
    expect(byLine.stats()).toEqual(whole.stats)
    const byChunk = new BuildProgress()
    const chunks: string[] = []
    for (let at = 0; at < text.length; at += 7) chunks.push(...byChunk.write(text.slice(at, at + 7)))
    expect([...chunks, ...byChunk.end()]).toEqual(whole.lines)
    expect(byChunk.stats()).toEqual(whole.stats)
  })
})

describe('BuildProgress log lines', () => {
  it('writes a cold build like --progress=plain', () => {
    expect(parseBuildProgress(fixture('cold')).lines).toEqual([
      '#1 [internal] load build definition from Dockerfile',
      '#1 transferring dockerfile: 359B done',
      '#1 DONE 0.0s',
      '#2 [internal] load metadata for docker.io/library/busybox:local',
      '#2 DONE 0.0s',
      '#3 [internal] load .dockerignore',
      '#3 transferring context: 2B done',
      '#3 DONE 0.0s',
      '#4 [internal] load build context',
      '#4 DONE 0.0s',
      '#5 [base 1/3] FROM docker.io/library/busybox:local',
      '#5 CACHED',
      `#6 ${steps.base2}`,
      '#4 [internal] load build context',
      '#4 DONE 0.0s',
      '#4 transferring context: 42B done',
      `#6 ${steps.base2}`,
      '#6 0.120 preparing',
      '#6 DONE 1.1s',
      `#7 ${steps.base3}`,
      '#7 DONE 0.0s',
      `#8 ${steps.build1}`,
      '#8 DONE 1.1s',
      `#9 ${steps.build2}`,
      '#9 0.128 15 /app/out.txt',
      '#9 DONE 0.1s',
      `#10 ${steps.runtime2}`,
      '#10 DONE 0.0s',
      '#11 exporting to image',
      '#11 exporting layers done',
      '#11 writing image sha256:ad2becb771498c0d89615ac7c0724321c6c16ed844c13ab30c45ca96de35d41f done',
      '#11 naming to docker.io/library/progress-fixture:cold done',
      '#11 DONE 0.0s'
    ])
  })

  it('writes sizes in decimal units, a log line with its time into the step, and a step that never started', () => {
    const vertex = `sha256:${'1'.repeat(64)}`
    const other = `sha256:${'2'.repeat(64)}`
    const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 6, 0, seconds)).toISOString()
    const stream = [
      { vertexes: [{ digest: vertex, name: 'exporting to image', started: at(0) }] },
      {
        statuses: [
          {
            id: 'pushing layer sha256:aaa',
            vertex,
            current: 12_345_678,
            total: 12_345_678,
            completed: at(1)
          },
          { id: 'pushing layer sha256:bbb', vertex, current: 999, completed: at(1) },
          { id: 'pushing layer sha256:ccc', vertex, current: 2_500_000_000_000_000, completed: at(1) }
        ]
      },
      {
        logs: [
          {
            vertex,
            stream: 1,
            data: Buffer.from('line one\nline two\n').toString('base64'),
            timestamp: '2026-12-02T06:00:00.250Z'
          }
        ]
      },
      {
        vertexes: [
          { digest: vertex, name: 'exporting to image', started: at(0), completed: at(2) },
          { digest: other, name: 'never started', completed: at(2) }
        ]
      }
    ]
    const progress = new BuildProgress()
    const lines = progress.write(
      `${stream.map((update) => JSON.stringify(update)).join('\n')}\nERROR: failed to push`
    )
    expect(lines).toEqual([
      '#1 exporting to image',
      '#1 pushing layer sha256:aaa 12.35MB / 12.35MB done',
      '#1 pushing layer sha256:bbb 999B done',
      '#1 pushing layer sha256:ccc 2500TB done',
      '#1 0.250 line one',
      '#1 0.250 line two',
      '#1 DONE 2.0s',
      '#2 never started',
      '#2 DONE 0.0s'
    ])
    // What buildx prints after the last update without a newline comes out at the end of the stream.
    expect(progress.end()).toEqual(['ERROR: failed to push'])
    expect(progress.end()).toEqual([])
  })

  it('marks cached steps', () => {
    const lines = parseBuildProgress(fixture('warm')).lines
    expect(lines.filter((line) => line.endsWith(' CACHED'))).toEqual([
      '#6 CACHED',
      '#7 CACHED',
      '#8 CACHED',
      '#9 CACHED',
      '#10 CACHED'
    ])
  })

  it('shows a cache import with nothing to import without an ERROR line (progress-first-run.test.ts)', () => {
    const lines = parseBuildProgress(fixture('inline-cache')).lines
    expect(lines).toContain('#4 importing cache manifest from 127.0.0.1:5511/nope/nope:buildcache')
    expect(lines.filter((line) => line.startsWith('#4 ERROR'))).toEqual([])
  })

  it("shows the failed step, its log and buildx's own error text", () => {
    expect(parseBuildProgress(fixture('failed')).lines.slice(-11)).toEqual([
      '#6 [3/3] RUN echo "about to fail" && exit 3',
      '#6 0.122 about to fail',
      '#6 ERROR: process "/bin/sh -c echo \\"about to fail\\" && exit 3" did not complete successfully: exit code: 3',
      'Dockerfile:3',
      '--------------------',
      '   1 |     FROM busybox:local',
      '   2 |     RUN echo "step one $(date +%N)"',
      '   3 | >>> RUN echo "about to fail" && exit 3',
      '   4 |',
      '--------------------',
      'ERROR: failed to solve: process "/bin/sh -c echo \\"about to fail\\" && exit 3" did not complete successfully: exit code: 3'
    ])
  })

  it.each([
    ['plain text passes through', 'WARNING: No output specified\n', ['WARNING: No output specified']],
    ['a brace inside a text line is not JSON', 'error: {bad}\n', ['error: {bad}']],
    ['broken JSON is shown as it is', '{\n  "vertexes": [ nope ]\n}\n', ['{', '  "vertexes": [ nope ]', '}']],
    [
      'compact objects one per line',
      '{"vertexes":[{"digest":"d1","name":"[2/2] RUN make","started":"2025-01-01T00:00:00Z","completed":"2025-01-01T00:00:02.5Z"}]}\n' +
        '{"warnings":[{"vertex":"d1","short":"' +
        Buffer.from('FromAsCasing: casing').toString('base64') +
        '"}]}\n',
      ['#1 [2/2] RUN make', '#1 DONE 2.5s', 'WARNING: FromAsCasing: casing']
    ]
  ])('%s', (_, text, lines) => {
    expect(parseBuildProgress(text).lines).toEqual(lines)
  })

  it('counts each platform of a multi-platform build as its own step', () => {
    const vertex = (digest: string, platform: string, cached: boolean) =>
      JSON.stringify({
        vertexes: [
          {
            digest,
            name: `[${platform} build 2/2] RUN make`,
            started: '2025-01-01T00:00:00Z',
            completed: '2025-01-01T00:00:03Z',
            cached
          }
        ]
      })
    const text = [vertex('a', 'linux/amd64', true), vertex('b', 'linux/arm64', false)].join('\n')
    expect(parseBuildProgress(text).stats).toEqual({
      steps: 2,
      cached: 1,
      slowest: [{ name: '[linux/arm64 build 2/2] RUN make', seconds: 3 }]
    })
  })
})

describe('cache report', () => {
  it.each<[BuildStats, string]>([
    [{ steps: 5, cached: 3, slowest: [] }, '3 of 5 build steps from cache'],
    [{ steps: 1, cached: 0, slowest: [] }, '0 of 1 build step from cache'],
    [{ steps: 0, cached: 0, slowest: [] }, '0 of 0 build steps from cache']
  ])('%j', (stats, line) => {
    expect(cacheReportLine(stats)).toBe(line)
  })

  it('renders the slowest uncached steps of a partially cached build for the summary', () => {
    expect(slowestStepsMarkdown(parseBuildProgress(fixture('partial')).stats)).toBe(
      [
        '',
        '**Slowest uncached steps**',
        '',
        '| Step | Time |',
        '| --- | ---: |',
        '| <code>[build 1/2] RUN echo "building $(cat /app/hello.txt)" &gt; /app/out.txt &amp;&amp; sleep 1</code> | 1.1s |',
        '| <code>[build 2/2] RUN wc -c /app/out.txt</code> | 0.1s |',
        '| <code>[base 3/3] COPY hello.txt /app/hello.txt</code> | 0.0s |',
        '| <code>[runtime 2/2] COPY --from=build /app/out.txt /srv/out.txt</code> | 0.0s |',
        ''
      ].join('\n')
    )
  })

  it('says nothing when everything came from cache, and escapes and shortens long steps', () => {
    expect(slowestStepsMarkdown(parseBuildProgress(fixture('warm')).stats)).toBe('')
    expect(cacheReportLine(parseBuildProgress(fixture('warm')).stats)).toBe('5 of 5 build steps from cache')
    const long = `[2/2] RUN a | b ${'x'.repeat(200)}`
    const markdown = slowestStepsMarkdown({ steps: 1, cached: 0, slowest: [{ name: long, seconds: 12.34 }] })
    expect(markdown).toContain(`| <code>[2/2] RUN a &#124; b ${'x'.repeat(83)}…</code> | 12.3s |`)
  })
})

describe('a bake of targets that share a stage', () => {
  it('shows and counts the shared step once', () => {
    const { lines, stats } = parseBuildProgress(fixture('bake-shared-stage'))
    const runHeaders = lines.filter((line) => / builder 1\/1\] RUN echo/.test(line))
    const vertex = runHeaders[0].split(' ')[0]
    expect(runHeaders.every((line) => line.startsWith(`${vertex} `))).toBe(true)
    expect(lines.filter((line) => line.startsWith(`${vertex} DONE`))).toHaveLength(1)
    expect(stats.steps).toBe(3)
    expect(stats.cached).toBe(0)
    expect(stats.slowest.map((step) => step.name)).toContain(runHeaders[0].slice(vertex.length + 1))
  })
})

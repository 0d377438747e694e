// The Dockerfile checks phase as a run calls it: the context it reads, Docker's own checks where buildx has them,
// and what it says when those give nothing usable.
import { describe, expect, it } from '@jest/globals'
import { checkAll } from '../../../src/dockerfile/phase.js'
import { configOf, makeWorkspace } from '../config/workspace.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const dockerfile = 'FROM alpine:3.20 AS base\nUSER app\nFROM base AS web\nCMD ["app"]\n'

function request(files: Record<string, string>, raw: Record<string, string>, buildxVersion: string) {
  const { workspace } = makeWorkspace({ Dockerfile: dockerfile, ...files })
  const probe = new ScriptedRunner({ run: () => ({ stdout: 'not json' }) })
  const log = new RecordingLog()
  const config = configOf(workspace, { repository: 'shop/web', ...raw })
  return { probe, log, config, buildxVersion }
}

describe('checkAll', () => {
  it("reads the Dockerfile's own .dockerignore before the context's", async () => {
    const checked = request(
      { '.env': 'SECRET=1', 'Dockerfile.dockerignore': '.env\n', '.dockerignore': 'node_modules\n' },
      { target: 'web' },
      '0.13.1'
    )
    const result = await checkAll(checked)
    expect(result.findings[0].map((finding) => finding.rule)).not.toContain('dockerignore-incomplete')
    const contextOnly = request(
      { '.env': 'SECRET=1', '.dockerignore': 'node_modules\n' },
      { target: 'web' },
      '0.13.1'
    )
    expect((await checkAll(contextOnly)).findings[0].map((finding) => finding.rule)).toContain(
      'dockerignore-incomplete'
    )
  })

  it('says once that an old buildx has no build checks, and keeps the note for the report', async () => {
    const checked = request({}, { target: 'web' }, '0.13.1')
    const result = await checkAll(checked)
    const note =
      "Docker's build checks (docker buildx build --call=check) need buildx 0.15.0 or later and this runner has 0.13.1: only this action's Dockerfile checks ran."
    expect(checked.log.of('notice')).toEqual([note])
    expect(result.note).toBe(note)
    expect(checked.probe.steps).toEqual([])
  })

  it("runs Docker's checks on the named target (none for an unnamed last stage), and goes on without an answer it can read", async () => {
    const named = request({ '.env': 'SECRET=1' }, { target: 'web' }, '0.21.1')
    await checkAll(named)
    const unnamed = request(
      { Dockerfile: 'FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD ["app"]\n' },
      {},
      '0.21.1'
    )
    const result = await checkAll(unnamed)
    const targets = [named, unnamed].map(({ probe }) =>
      probe.plans().map((step) => ('run' in step ? step.run.args.includes('--target') : undefined))
    )
    expect(targets).toEqual([[true], [false]])
    expect(unnamed.log.of('notice')).toEqual([
      expect.stringMatching(/^Docker's build checks gave no result \(.+\); only this action's checks ran\.$/)
    ])
    // One finding (the .env with no .dockerignore) against none.
    expect([named.log.of('info'), unnamed.log.of('info')]).toEqual([
      ['web: 1 Dockerfile finding'],
      ['1: 0 Dockerfile findings']
    ])
    expect(result.note).toBeUndefined()
  })
})

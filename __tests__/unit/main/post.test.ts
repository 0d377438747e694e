// The post step undoes what main saved, through execFile of a fake `docker` that records its arguments (a test
// cannot change the PATH child processes see): from a whole state, from what a failed main left, never failing.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { runAction } from '../../../src/main.js'
import { stateKey } from '../../../src/run/state.js'
import { diffIds } from '../scan/trivy-double.js'
import { liveRun, registry } from './live-run.js'

const bin = mkdtempSync(path.join(os.tmpdir(), 'post-docker-'))
const calls = path.join(bin, 'calls')
// Fails `image rm` of a name containing `gone` as Docker does, and any command naming `broken`.
writeFileSync(
  path.join(bin, 'docker'),
  [
    '#!/bin/sh',
    `echo "$*" >> '${calls}'`,
    'case "$*" in',
    '  *broken*) echo "Error response from daemon: broken" >&2; exit 1 ;;',
    '  "image rm"*gone*) echo "Error response from daemon: No such image: $4" >&2; exit 1 ;;',
    'esac'
  ].join('\n')
)
chmodSync(path.join(bin, 'docker'), 0o755)

const saved = process.env[`STATE_${stateKey}`]
let printed: string[] = []
let post: (typeof import('../../../src/post.js'))['post']
const fakeDocker = (file: string, args: string[]) => promisify(execFile)(path.join(bin, file), args)

beforeAll(async () => {
  // Importing the entry runs it once: with no state it does nothing.
  delete process.env[`STATE_${stateKey}`]
  jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
    printed.push(String(text))
    return true
  })
  ;({ post } = await import('../../../src/post.js'))
  await new Promise((resolve) => setTimeout(resolve, 50))
})
afterAll(() => {
  if (saved === undefined) delete process.env[`STATE_${stateKey}`]
  else process.env[`STATE_${stateKey}`] = saved
  jest.restoreAllMocks()
})
beforeEach(() => {
  printed = []
  writeFileSync(calls, '')
})

const dockerCalls = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean)

async function postWith(state: string | undefined) {
  if (state === undefined) delete process.env[`STATE_${stateKey}`]
  else process.env[`STATE_${stateKey}`] = state
  await post(fakeDocker)
}

describe('post', () => {
  it('with no saved state (main saved nothing, or a dry run): runs nothing', async () => {
    await postWith(undefined)
    expect(dockerCalls()).toEqual([])
    expect(printed).toEqual([])
  })

  it('logs out of every registry, removes the builder and the staging names, deletes the temp folder', async () => {
    const temp = mkdtempSync(path.join(os.tmpdir(), 'post-temp-'))
    mkdirSync(path.join(temp, '0-production'))
    await postWith(
      JSON.stringify({
        registries: ['a.example', 'b.example'],
        builder: 'ecr-build-push-1-1-abc',
        tempDir: temp,
        staging: ['shop/web:staging-1', 'shop/worker:staging-1']
      })
    )
    expect(dockerCalls()).toEqual([
      'logout a.example',
      'logout b.example',
      'buildx rm --force ecr-build-push-1-1-abc',
      'image rm --force shop/web:staging-1 shop/worker:staging-1'
    ])
    expect(printed).toEqual([
      '$ docker logout a.example\n',
      '$ docker logout b.example\n',
      '$ docker buildx rm --force ecr-build-push-1-1-abc\n',
      '$ docker image rm --force shop/web:staging-1 shop/worker:staging-1\n'
    ])
    expect(existsSync(temp)).toBe(false)
  })

  it('a staging name main already removed is nothing to clean; any other failure is a warning, and the rest still runs', async () => {
    await postWith(JSON.stringify({ registries: ['broken.example', 'a.example'], staging: ['gone:1'] }))
    expect(dockerCalls()).toEqual(['logout broken.example', 'logout a.example', 'image rm --force gone:1'])
    expect(printed).toEqual([
      '$ docker logout broken.example\n',
      '::warning::Cleanup step failed: docker logout broken.example: Error response from daemon: broken\n',
      '$ docker logout a.example\n',
      '$ docker image rm --force gone:1\n'
    ])
  })

  it('after a failed main: undoes exactly what main had saved when it failed', async () => {
    const run = liveRun(
      { repository: 'shop/web', target: 'production', 'skip-setup-trivy': 'true' },
      {
        run: (command) =>
          command.args[1] === 'build' && !command.args.includes('--call=check,format=json')
            ? new Error('buildx failed')
            : undefined
      }
    )
    await expect(runAction(run.io)).rejects.toThrow('buildx failed')
    const states = run.log.entries.flatMap((entry) => (entry.level === 'state' ? [entry] : []))
    expect(states.map((entry) => entry.name)).toEqual([stateKey, stateKey, stateKey])
    const last = JSON.parse(states.at(-1)!.text) as { builder: string; tempDir: string }
    expect(last).toEqual({
      registries: [registry],
      staging: [],
      builder: expect.stringMatching(/^ecr-build-push-9012345678-1-\w{6}$/),
      tempDir: expect.stringMatching(/\/runner-temp\/ecr-build-push-\w+$/)
    })
    expect(existsSync(last.tempDir)).toBe(true)
    await postWith(states.at(-1)!.text)
    expect(dockerCalls()).toEqual([`logout ${registry}`, `buildx rm --force ${last.builder}`])
    expect(existsSync(last.tempDir)).toBe(false)
  })

  it('after a main that failed in the scan on the docker driver: the staging name goes too', async () => {
    const run = liveRun(
      { repository: 'shop/web', target: 'production', driver: 'docker', 'skip-setup-trivy': 'true' },
      {
        run: (command) =>
          command.args[0] === 'image' && command.args[1] === 'inspect'
            ? {
                stdout: JSON.stringify({
                  Id: 'sha256:held',
                  Os: 'linux',
                  Architecture: 'amd64',
                  RootFS: { Layers: diffIds }
                })
              }
            : command.tool === 'trivy' && !command.args.includes('--download-db-only')
              ? new Error('trivy failed')
              : undefined
      }
    )
    await expect(runAction(run.io)).rejects.toThrow('trivy failed')
    const states = run.log.entries.flatMap((entry) => (entry.level === 'state' ? [entry.text] : []))
    const last = JSON.parse(states.at(-1)!) as { tempDir: string; staging: string[] }
    expect(last).toEqual({
      registries: [registry],
      staging: [expect.stringMatching(/^ecr-build-push-staging\/shop\/web:9012345678-1-\w{6}-0$/)],
      tempDir: expect.stringMatching(/\/runner-temp\/ecr-build-push-\w+$/)
    })
    await postWith(states.at(-1)!)
    expect(dockerCalls()).toEqual([`logout ${registry}`, `image rm --force ${last.staging[0]}`])
    expect(existsSync(last.tempDir)).toBe(false)
  })
})

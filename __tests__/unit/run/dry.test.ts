import { describe, expect, it } from '@jest/globals'
import { DryRunner } from '../../../src/run/dry.js'
import { RecordingLog } from '../doubles.js'

describe('DryRunner', () => {
  it('prints every kind of plan, changes nothing and answers as if each step succeeded', async () => {
    const log = new RecordingLog()
    const runner = new DryRunner(log)
    expect(runner.dryRun).toBe(true)
    await expect(
      runner.run({
        tool: 'docker',
        args: ['login', '--username', 'AWS', '--password-stdin', 'r.example'],
        stdin: { text: 'hunter2', secret: true },
        env: { SECRET: 'also-hidden' }
      })
    ).resolves.toEqual({ exitCode: 0, stdout: '', stderr: '' })
    await expect(
      runner.ecr({
        operation: 'PutImage',
        input: {
          repositoryName: 'shop/web',
          imageManifest: '{"a":1}',
          imageTag: 'v1',
          imageDigest: 'sha256:ab'
        }
      })
    ).resolves.toEqual({ $metadata: {} })
    await expect(
      runner.github({
        route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
        parameters: { owner: 'acme', repo: 'shop', comment_id: 7, body: 'the whole report' },
        summary: 'update the report comment on #42'
      })
    ).resolves.toEqual({ status: 0, data: {} })
    await runner.write({ path: '/tmp/run/bake.json', text: '{"group":{}}' })
    await runner.write({ path: '/tmp/run/big', text: 'x'.repeat(10_000), summary: '<10000 bytes>' })
    expect(log.entries).toEqual([
      { level: 'info', text: '$ docker login --username AWS --password-stdin r.example <<< ***' },
      {
        level: 'info',
        text: 'ECR PutImage {"repositoryName":"shop/web","imageManifest":"<7 bytes>","imageTag":"v1","imageDigest":"sha256:ab"}'
      },
      {
        level: 'info',
        text: 'GitHub PATCH /repos/acme/shop/issues/comments/7 (update the report comment on #42)'
      },
      { level: 'info', text: 'write /tmp/run/bake.json:' },
      // The text may come from the workspace (a bake file's contents): never read as workflow commands.
      { level: 'untrusted', text: '{"group":{}}' },
      { level: 'info', text: 'write /tmp/run/big:\n<10000 bytes>' }
    ])
    expect(JSON.stringify(log.entries)).not.toMatch(/hunter2|also-hidden|the whole report/)
  })
})

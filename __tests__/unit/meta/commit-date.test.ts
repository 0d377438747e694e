import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { CommandResult } from '../../../src/run/command.js'
import { LiveRunner } from '../../../src/run/live.js'
import { readCommitDate } from '../../../src/meta/commit-date.js'
import { parseFlavor } from '../../../src/meta/flavor.js'
import { parseTagRules } from '../../../src/meta/tag-rules.js'
import { contextFor, mergeSha, sha } from '../../fixtures/events/runs.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

/** Answers every command with one result and remembers what it was asked. */
class RecordingRunner extends ScriptedRunner {
  constructor(result: CommandResult | Error) {
    super({ run: () => result })
  }
  get commands() {
    return this.steps.flatMap((step) => ('run' in step ? [step.run] : []))
  }
}

const usesCommitDate = {
  rules: parseTagRules(["type=raw,value=src-{{commit_date 'YYYYMMDD'}}"]),
  flavor: parseFlavor([]),
  shaSource: 'head' as const
}
const gitSays = (stdout: string, exitCode = 0) => new RecordingRunner({ exitCode, stdout, stderr: '' })

describe('readCommitDate', () => {
  it('asks the workspace git for the named commit when the payload has no time for it', async () => {
    const runner = gitSays('2024-05-01T23:59:59+02:00\n')
    expect(await readCommitDate(runner, contextFor('schedule'), usesCommitDate)).toEqual(
      new Date('2024-05-01T21:59:59Z')
    )
    expect(runner.commands).toEqual([
      { tool: 'git', args: ['-C', '/home/runner/work/shop-api/shop-api', 'log', '-1', '--format=%cI', sha] }
    ])
  })

  it.each<[string, 'head' | 'merge', string]>([
    ['the head commit with sha-source: head', 'head', sha],
    ['the merge commit with sha-source: merge', 'merge', mergeSha]
  ])('on a pull request reads %s', async (_, shaSource, expected) => {
    const runner = gitSays('2024-05-01T10:00:00Z')
    await readCommitDate(runner, contextFor('pull_request'), { ...usesCommitDate, shaSource })
    expect(runner.commands[0].args.at(-1)).toEqual(expected)
  })

  it.each<[string, Parameters<typeof readCommitDate>[1], typeof usesCommitDate]>([
    ['the payload has the time (push)', contextFor('push_tag'), usesCommitDate],
    ['the payload has the time (merge queue)', contextFor('merge_group'), usesCommitDate],
    [
      'no rule uses {{commit_date}}',
      contextFor('schedule'),
      { ...usesCommitDate, rules: parseTagRules(['type=sha']) }
    ],
    ['GITHUB_SHA is not a commit id', contextFor('schedule', { sha: '--output=/tmp/x' }), usesCommitDate]
  ])('runs nothing when %s', async (_, context, input) => {
    const runner = gitSays('2024-05-01T10:00:00Z')
    expect(await readCommitDate(runner, context, input)).toBeUndefined()
    expect(runner.commands).toEqual([])
  })

  it('asks for the flavor too', async () => {
    const runner = gitSays('2024-05-01T10:00:00Z')
    const flavor = parseFlavor(["suffix=-{{commit_date 'YYYYMMDD'}}"])
    await readCommitDate(runner, contextFor('schedule'), { ...usesCommitDate, rules: [], flavor })
    expect(runner.commands).toHaveLength(1)
  })

  it.each<[string, RecordingRunner]>([
    ['git fails (a shallow clone without the commit)', gitSays('', 128)],
    ['git prints no date', gitSays('fatal: bad object\n')],
    ['git is not installed', new RecordingRunner(new Error('Unable to locate executable file: git'))]
  ])('is undefined when %s', async (_, runner) => {
    expect(await readCommitDate(runner, contextFor('schedule'), usesCommitDate)).toBeUndefined()
  })

  it('reads the committer date from a real repository', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'commit-date-'))
    const git = (args: string[], env: Record<string, string> = {}) =>
      execFileSync('git', ['-C', workspace, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...env }
      }).trim()
    git(['init', '--quiet'])
    git(
      [
        '-c',
        'user.name=Mona',
        '-c',
        'user.email=mona@example.com',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        'x'
      ],
      {
        GIT_AUTHOR_DATE: '2024-04-30T12:00:00Z',
        GIT_COMMITTER_DATE: '2024-05-01T08:30:00+09:00'
      }
    )
    const head = git(['rev-parse', 'HEAD'])
    try {
      const context = contextFor('schedule', { sha: head, workspace })
      const log = new RecordingLog()
      expect(await readCommitDate(new LiveRunner({ log, region: '' }), context, usesCommitDate)).toEqual(
        new Date('2024-04-30T23:30:00Z')
      )
      expect(log.of('info')).toEqual([`$ git -C ${workspace} log -1 --format=%cI ${head}`])
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })
})

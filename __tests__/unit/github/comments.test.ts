import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHubApi, type GitHubApi } from '../../support/stand-ins/github-api.mjs'
import { ServiceError } from '../../../src/errors.js'
import { actionsBot, commentAuthor, upsertStickyComment } from '../../../src/github/comments.js'
import type { RunContext } from '../../../src/github/context.js'
import { commentMarker } from '../../../src/report/comment.js'
import { DryRunner } from '../../../src/run/dry.js'
import { LiveRunner } from '../../../src/run/live.js'
import { RecordingLog, ScriptedRunner } from '../doubles.js'

const context = { repository: 'acme/shop' } as RunContext
const marker = commentMarker('shop/web', 'production')
const comment = (id: number, body: string, login = actionsBot) => ({
  id,
  body,
  html_url: `https://github.com/acme/shop/pull/42#issuecomment-${id}`,
  user: { login }
})

describe('upsertStickyComment against the GitHub API stand-in', () => {
  let api: GitHubApi
  afterEach(() => api.close())
  const live = (log: RecordingLog) =>
    new LiveRunner({ log, region: '', github: { token: 'ghs_test', apiUrl: api.url } })
  const bodies = () => (api.comments.get('acme/shop#42') ?? []).map((item) => item.body)

  it('posts once, then updates the same comment in place on every later run', async () => {
    api = await startGitHubApi({
      comments: {
        'acme/shop#42': [
          'Looks good to me',
          `${commentMarker('shop/web', 'worker')}\nworker report`,
          `> ${marker}\n> quoted by a reviewer`
        ]
      }
    })
    const log = new RecordingLog()
    const runner = live(log)
    const sticky = (body: string) =>
      upsertStickyComment(runner, runner, log, context, actionsBot, { issueNumber: 42, marker, body })
    const first = await sticky(`${marker}\nrun 1`)
    expect(first).toEqual({
      action: 'created',
      id: 1003,
      url: 'https://github.com/acme/shop/pull/42#issuecomment-1003'
    })
    const second = await sticky(`${marker}\nrun 2`)
    const third = await sticky(`${marker}\nrun 2`)
    expect([second.action, second.id, third.action, third.id]).toEqual(['updated', 1003, 'unchanged', 1003])
    expect(bodies()).toEqual([
      'Looks good to me',
      `${commentMarker('shop/web', 'worker')}\nworker report`,
      `> ${marker}\n> quoted by a reviewer`,
      `${marker}\nrun 2`
    ])
    expect(api.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /repos/acme/shop/issues/42/comments',
      'POST /repos/acme/shop/issues/42/comments',
      'GET /repos/acme/shop/issues/42/comments',
      'PATCH /repos/acme/shop/issues/comments/1003',
      'GET /repos/acme/shop/issues/42/comments'
    ])
    expect(api.requests[0].query).toEqual({ per_page: '100', page: '1' })
    expect(api.requests[0].headers.authorization).toBe('token ghs_test')
    expect(log.of('warning')).toEqual([])
  })

  it('never edits a comment another author wrote with our marker: it posts its own', async () => {
    api = await startGitHubApi({ botLogin: 'mallory', comments: { 'acme/shop#42': [`${marker}\nnot ours`] } })
    const log = new RecordingLog()
    const runner = live(log)
    const result = await upsertStickyComment(runner, runner, log, context, actionsBot, {
      issueNumber: 42,
      marker,
      body: `${marker}\nthe real report`
    })
    expect(result.action).toBe('created')
    expect(api.requests.map(({ method }) => method)).toEqual(['GET', 'POST'])
    expect(bodies()).toEqual([`${marker}\nnot ours`, `${marker}\nthe real report`])
  })
})

describe('upsertStickyComment', () => {
  const list = (pages: Array<ReturnType<typeof comment>[]>) => (parameters: Record<string, unknown>) =>
    ({ data: pages[Number(parameters.page) - 1] ?? [] }) as { data: unknown }

  it('updates only its own author’s comment among several carrying the marker', async () => {
    const probe = new ScriptedRunner({
      github: (request) =>
        list([[comment(1, `${marker}\nforged`, 'mallory'), comment(2, `${marker}\nold`)]])(request.parameters)
    })
    const runner = new ScriptedRunner({ github: () => ({ data: comment(2, `${marker}\nnew`) }) })
    const result = await upsertStickyComment(runner, probe, new RecordingLog(), context, actionsBot, {
      issueNumber: 42,
      marker,
      body: `${marker}\nnew`
    })
    expect(result).toEqual({
      action: 'updated',
      id: 2,
      url: 'https://github.com/acme/shop/pull/42#issuecomment-2'
    })
    expect(runner.plans()).toEqual([
      {
        github: {
          route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
          parameters: { owner: 'acme', repo: 'shop', comment_id: 2, body: `${marker}\nnew` },
          summary: 'update the report comment on #42'
        }
      }
    ])
  })

  it('reads further pages of comments until one is short', async () => {
    const others = Array.from({ length: 100 }, (_, index) => comment(100 + index, 'chatter', 'someone'))
    const probe = new ScriptedRunner({
      github: (request) => list([others, [comment(7, `${marker}\nold`)]])(request.parameters)
    })
    const runner = new ScriptedRunner({ github: () => ({ data: comment(7, 'x') }) })
    await upsertStickyComment(runner, probe, new RecordingLog(), context, actionsBot, {
      issueNumber: 42,
      marker,
      body: `${marker}\nnew`
    })
    expect(probe.plans().map((step) => ('github' in step ? step.github.parameters.page : undefined))).toEqual(
      [1, 2]
    )
    expect(runner.plans().map((step) => ('github' in step ? step.github.route : ''))).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
    ])
  })

  it.each<[string, ServiceError, string]>([
    [
      'a 403',
      new ServiceError('GitHub POST failed: Resource not accessible by integration', '403', 403),
      "Skipped the pull request comment on #42: the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report."
    ],
    [
      'a 404',
      new ServiceError('GitHub GET failed: Not Found', '404', 404),
      "Skipped the pull request comment on #42: the token cannot write pull request comments: give the job 'permissions: pull-requests: write'."
    ],
    [
      'a rate limit',
      new ServiceError('GitHub POST failed: You have exceeded a secondary rate limit', '403', 403),
      'Skipped the pull request comment on #42: GitHub kept answering with a rate limit (HTTP 403) after the retries.'
    ],
    [
      'another API error',
      new ServiceError('GitHub GET failed: Server Error', '502', 502),
      'Skipped the pull request comment on #42: GitHub answered: GitHub GET failed: Server Error.'
    ]
  ])('warns and goes on after %s', async (_name, error, warning) => {
    const log = new RecordingLog()
    const runner = new ScriptedRunner({ github: () => error })
    await expect(
      upsertStickyComment(runner, runner, log, context, actionsBot, {
        issueNumber: 42,
        marker,
        body: `${marker}\nx`
      })
    ).resolves.toEqual({ action: 'skipped' })
    expect(log.of('warning')).toEqual([expect.stringContaining(warning)])
  })

  it('lets a bug through rather than hide it as a warning', async () => {
    const runner = new ScriptedRunner({ github: () => new TypeError('x is not a function') })
    await expect(
      upsertStickyComment(runner, runner, new RecordingLog(), context, actionsBot, {
        issueNumber: 42,
        marker,
        body: 'x'
      })
    ).rejects.toThrow(TypeError)
  })

  it('in a dry run reads the comments and prints the post', async () => {
    const log = new RecordingLog()
    const probe = new ScriptedRunner({ github: () => ({ data: [] }) })
    const result = await upsertStickyComment(new DryRunner(log), probe, log, context, actionsBot, {
      issueNumber: 42,
      marker,
      body: `${marker}\nreport`
    })
    expect(result).toEqual({ action: 'created' })
    expect(log.of('info')).toEqual([
      'GitHub POST /repos/acme/shop/issues/42/comments (post the report comment on #42)'
    ])
  })
})

describe('commentAuthor', () => {
  it.each<[string, ScriptedRunner, string]>([
    [
      'the user of a personal token',
      new ScriptedRunner({ github: () => ({ data: { login: 'mona' } }) }),
      'mona'
    ],
    [
      'the Actions bot for GITHUB_TOKEN, which GET /user refuses',
      new ScriptedRunner({ github: () => new ServiceError('403', '403', 403) }),
      'github-actions[bot]'
    ],
    [
      'the Actions bot when GitHub names nobody',
      new ScriptedRunner({ github: () => ({ data: { login: '' } }) }),
      'github-actions[bot]'
    ]
  ])('is %s', async (_name, probe, login) => {
    await expect(commentAuthor(probe)).resolves.toBe(login)
    expect(probe.plans()).toEqual([{ github: { route: 'GET /user', parameters: {} } }])
  })
})

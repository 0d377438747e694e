import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { startGitHubApi, type GitHubApi } from '../../support/stand-ins/github-api.mjs'
import { describeRepository } from '../../../src/ecr/repository.js'
import { ServiceError } from '../../../src/errors.js'
import { LiveRunner } from '../../../src/run/live.js'
import { RecordingLog } from '../doubles.js'

describe('LiveRunner.ecr through the AWS SDK', () => {
  const ecr = mockClient(ECRClient)
  afterEach(() => {
    ecr.reset()
  })
  afterAll(() => {
    ecr.restore()
  })
  const runner = () => new LiveRunner({ log: new RecordingLog(), region: 'us-east-1' })

  it('sends the request’s input as the SDK command of that operation', async () => {
    ecr
      .on(DescribeRepositoriesCommand, { registryId: '123456789012', repositoryNames: ['shop/web'] })
      .resolves({ repositories: [{ repositoryName: 'shop/web', imageTagMutability: 'MUTABLE' }] })
    await expect(runner().ecr(describeRepository('shop/web', '123456789012'))).resolves.toMatchObject({
      repositories: [{ repositoryName: 'shop/web', imageTagMutability: 'MUTABLE' }]
    })
    expect(ecr.commandCalls(DescribeRepositoriesCommand).map((call) => call.args[0].input)).toEqual([
      { registryId: '123456789012', repositoryNames: ['shop/web'] }
    ])
  })

  it('turns an SDK failure into a ServiceError with the error name as its code', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(
      new RepositoryNotFoundException({
        message: "The repository with name 'shop/web' does not exist",
        $metadata: { httpStatusCode: 400 }
      })
    )
    const attempt = runner().ecr(describeRepository('shop/web'))
    await expect(attempt).rejects.toThrow(ServiceError)
    await expect(runner().ecr(describeRepository('shop/web'))).rejects.toMatchObject({
      code: 'RepositoryNotFoundException',
      status: 400,
      message:
        "ECR DescribeRepositories failed: RepositoryNotFoundException: The repository with name 'shop/web' does not exist"
    })
  })

  it('says the role session ended during the build when a tag write finds expired credentials', async () => {
    ecr.on(PutImageCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException'
      })
    )
    await expect(
      runner().ecr({
        operation: 'PutImage',
        input: { repositoryName: 'shop/web', imageManifest: '{}', imageTag: 'v1' }
      })
    ).rejects.toThrow("Lengthen it with 'role-duration-seconds' on aws-actions/configure-aws-credentials")
  })
})

describe('LiveRunner.github against the GitHub API stand-in', () => {
  let api: GitHubApi
  beforeAll(async () => {
    api = await startGitHubApi()
  })
  afterAll(() => api.close())

  it('sends the route with its parameters and returns status and data', async () => {
    const runner = new LiveRunner({
      log: new RecordingLog(),
      region: '',
      github: { token: 'ghs_x', apiUrl: api.url }
    })
    const response = await runner.github<{ name: string }>({
      route: 'GET /repos/{owner}/{repo}',
      parameters: { owner: 'acme', repo: 'shop' }
    })
    expect([response.status, response.data.name]).toEqual([200, 'shop'])
    expect(api.requests.at(-1)?.headers.authorization).toBe('token ghs_x')
  })

  it('turns a refusal into a ServiceError carrying the HTTP status', async () => {
    const runner = new LiveRunner({
      log: new RecordingLog(),
      region: '',
      github: { token: 'ghs_x', apiUrl: api.url }
    })
    await expect(
      runner.github({
        route: 'GET /repos/{owner}/{repo}/nothing',
        parameters: { owner: 'acme', repo: 'shop' }
      })
    ).rejects.toMatchObject({
      name: 'ServiceError',
      code: '404',
      status: 404,
      message: expect.stringMatching(/^GitHub GET \/repos\/\{owner\}\/\{repo\}\/nothing failed: Not Found/)
    })
  })

  it('refuses a call without a token, before any request', async () => {
    const before = api.requests.length
    const runner = new LiveRunner({
      log: new RecordingLog(),
      region: '',
      github: { token: '', apiUrl: api.url }
    })
    await expect(runner.github({ route: 'GET /user', parameters: {} })).rejects.toMatchObject({
      status: 401,
      message: "GitHub GET /user needs 'github-token', which is empty."
    })
    expect(api.requests.length).toBe(before)
  })
})

describe('LiveRunner.write', () => {
  it('writes the file with the mode the plan gives', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'live-write-'))
    const runner = new LiveRunner({ log: new RecordingLog(), region: '' })
    await runner.write({ path: path.join(dir, 'a.json'), text: '{"a":1}', mode: 0o600, summary: 'not used' })
    await runner.write({ path: path.join(dir, 'b.txt'), text: 'b' })
    expect(readFileSync(path.join(dir, 'a.json'), 'utf8')).toBe('{"a":1}')
    expect(statSync(path.join(dir, 'a.json')).mode & 0o777).toBe(0o600)
    expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('b')
  })
})

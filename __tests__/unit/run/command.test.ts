import { describe, expect, it } from '@jest/globals'
import { formatCommand } from '../../../src/run/command.js'
import { formatEcrRequest } from '../../../src/run/ecr-request.js'
import { formatGitHubRequest } from '../../../src/run/github-request.js'
import { stderrTail } from '../../../src/run/exec.js'

describe('formatCommand', () => {
  it.each([
    [{ tool: 'docker', args: ['logout', 'r.example'] }, '$ docker logout r.example'],
    [
      { tool: 'docker', args: ['login', '--password-stdin', 'r'], stdin: { text: 'pw', secret: true } },
      '$ docker login --password-stdin r <<< ***'
    ],
    [
      { tool: 'docker', args: ['build', '--label', 'a=two words', "it's"] },
      `$ docker build --label 'a=two words' 'it'\\''s'`
    ],
    [{ tool: 'docker', args: ['$(touch x)'] }, `$ docker '$(touch x)'`],
    [{ tool: 'docker', args: ['x'], env: { SECRET: 'hunter2' } }, '$ docker x'],
    [
      { tool: 'trivy', args: ['image'], stdin: { text: 'not secret', secret: false } },
      "$ trivy image <<< 'not secret'"
    ],
    [
      { tool: 'trivy', args: ['--config', '/t/trivy.yaml'], cwd: '/t', dropEnvPrefixes: ['TRIVY_'] },
      '$ trivy --config /t/trivy.yaml'
    ],
    [{ tool: 'docker', args: ['tag', 'a', '::error::x'] }, '$ docker tag a ::error::x'],
    [{ tool: 'docker', args: [''] }, "$ docker ''"]
  ])('%j', (command, line) => {
    expect(formatCommand(command)).toBe(line)
  })
})

describe('formatEcrRequest', () => {
  it('shows the operation and input, a manifest by its size only', () => {
    expect(
      formatEcrRequest({
        operation: 'PutImage',
        input: { repositoryName: 'shop/web', imageManifest: '{"schemaVersion":2}', imageTag: 'v1' }
      })
    ).toBe('ECR PutImage {"repositoryName":"shop/web","imageManifest":"<19 bytes>","imageTag":"v1"}')
    expect(formatEcrRequest({ operation: 'GetAuthorizationToken', input: {} })).toBe(
      'ECR GetAuthorizationToken {}'
    )
  })
})

describe('formatGitHubRequest', () => {
  it('fills in the route and shows the summary instead of the parameters', () => {
    expect(
      formatGitHubRequest({
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        parameters: { owner: 'acme', repo: 'shop', issue_number: 42, body: 'long text' },
        summary: 'post the report comment on #42'
      })
    ).toBe('GitHub POST /repos/acme/shop/issues/42/comments (post the report comment on #42)')
    expect(
      formatGitHubRequest({
        route: 'GET /repos/{owner}/{repo}/x/{missing}',
        parameters: { owner: 'o', repo: 'r' }
      })
    ).toBe('GitHub GET /repos/o/r/x/{missing}')
  })
})

describe('stderrTail', () => {
  it('keeps the last non-empty lines', () => {
    expect(stderrTail('a\n\nb\nc\n\n', 2)).toBe('b\nc')
    expect(stderrTail('progress\rdone  \r\nerror: x\n')).toBe('progress\ndone\nerror: x')
  })
})

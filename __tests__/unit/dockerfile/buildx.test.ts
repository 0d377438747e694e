import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  buildChecksSkippedNotice,
  mergeFindings,
  parseBuildCheckResult,
  planBuildChecks,
  supportsBuildChecks
} from '../../../src/dockerfile/buildx.js'
import { checkNamed } from './request.js'

const fixture = (name: string) => readFileSync(`__tests__/fixtures/dockerfiles/${name}`, 'utf8')
const dockerfile = fixture('buildx-check.Dockerfile')

describe('supportsBuildChecks', () => {
  it.each([
    ['0.13.1', false],
    ['github.com/docker/buildx 0.13.1+ds1-3 0.13.1+ds1-3', false],
    ['0.14.1', false],
    ['0.15.0', true],
    ['github.com/docker/buildx v0.17.1 257815a6fbaee88976808020bf04274388275ae8', true],
    ['0.21.1-desktop.2', true],
    ['', false],
    ['unknown', false]
  ])('%s → %s', (version, expected) => {
    expect(supportsBuildChecks(version)).toBe(expected)
  })

  it('says once why they are skipped', () => {
    expect(buildChecksSkippedNotice('0.13.1')).toBe(
      "Docker's build checks (docker buildx build --call=check) need buildx 0.15.0 or later and this runner has 0.13.1: only this action's Dockerfile checks ran."
    )
  })
})

describe('planBuildChecks', () => {
  it('checks what will be built: file, target, build args, builder', () => {
    expect(
      planBuildChecks({
        file: 'examples/django/Dockerfile',
        context: 'examples/django',
        target: 'production',
        buildArgs: [{ key: 'APP_VERSION', value: '1.4.0' }],
        builder: 'ecr-build-push-42'
      })
    ).toEqual({
      tool: 'docker',
      args: [
        'buildx',
        'build',
        '--builder',
        'ecr-build-push-42',
        '--call=check,format=json',
        '--file',
        'examples/django/Dockerfile',
        '--target',
        'production',
        '--build-arg',
        'APP_VERSION=1.4.0',
        'examples/django'
      ]
    })
  })
})

describe('parseBuildCheckResult on buildx --call=check,format=json output', () => {
  it('turns every warning into a finding on its line', () => {
    const result = parseBuildCheckResult(fixture('buildx-check.json'), { file: 'app/Dockerfile', dockerfile })
    expect(result).toEqual({
      findings: [
        {
          rule: 'FromAsCasing',
          severity: 'notice',
          file: 'app/Dockerfile',
          line: 1,
          message: "'as' and 'FROM' keywords' casing do not match",
          fix: "The 'as' keyword should match the case of the 'from' keyword",
          url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/'
        },
        {
          rule: 'StageNameCasing',
          severity: 'notice',
          file: 'app/Dockerfile',
          line: 1,
          message: "Stage name 'Builder' should be lowercase",
          fix: 'Stage names should be lowercase',
          url: 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/'
        },
        {
          rule: 'SecretsUsedInArgOrEnv',
          severity: 'warning',
          file: 'app/Dockerfile',
          line: 2,
          message: 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
          fix: 'Sensitive data should not be used in the ARG or ENV commands',
          url: 'https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/'
        },
        {
          rule: 'SecretsUsedInArgOrEnv',
          severity: 'warning',
          file: 'app/Dockerfile',
          line: 6,
          message: 'Do not use ARG or ENV instructions for sensitive data (ENV "API_TOKEN")',
          fix: 'Sensitive data should not be used in the ARG or ENV commands',
          url: 'https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/'
        },
        {
          rule: 'JSONArgsRecommended',
          severity: 'warning',
          file: 'app/Dockerfile',
          line: 9,
          message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
          fix: 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
          url: 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/'
        }
      ]
    })
  })

  it('applies the same ignores: the list (with equivalents) and # check-ignore comments', () => {
    const commented = dockerfile.replace('CMD echo hello', '# check-ignore=shell-form-cmd\nCMD echo hello')
    const result = parseBuildCheckResult(fixture('buildx-check.json').replace(/"line": 9/g, '"line": 10'), {
      file: 'Dockerfile',
      dockerfile: commented,
      ignore: ['secret-in-image', 'StageNameCasing']
    })
    expect(result.findings.map((finding) => [finding.line, finding.rule])).toEqual([[1, 'FromAsCasing']])
  })

  it('reports a build error and no warnings (warnings: null)', () => {
    expect(
      parseBuildCheckResult(fixture('buildx-check-error.json'), {
        file: 'Dockerfile',
        dockerfile: 'FROM alpine:3.20\n'
      })
    ).toEqual({
      findings: [],
      buildError: {
        message: 'dockerfile parse error on line 2: unknown instruction: RUUN (did you mean RUN?)',
        line: 2
      }
    })
  })

  it('reads the JSON after other output, and refuses output without a result', () => {
    const noisy = `#0 building with "default" instance using docker driver\n${fixture('buildx-check-error.json')}`
    expect(
      parseBuildCheckResult(noisy, { file: 'Dockerfile', dockerfile: 'FROM alpine:3.20\n' }).findings
    ).toEqual([])
    expect(() =>
      parseBuildCheckResult('ERROR: unknown flag: --call', { file: 'Dockerfile', dockerfile: '' })
    ).toThrow('docker buildx build --call=check printed no JSON result')
    expect(() => parseBuildCheckResult('[]', { file: 'Dockerfile', dockerfile: '' })).toThrow(
      'docker buildx build --call=check printed no JSON result'
    )
  })

  it('a warning without a location goes on line 1', () => {
    const stdout = JSON.stringify({
      warnings: [{ ruleName: 'InvalidBaseImagePlatform', detail: 'platform' }],
      sources: []
    })
    expect(
      parseBuildCheckResult(stdout, { file: 'Dockerfile', dockerfile: 'FROM alpine:3.20\n' }).findings
    ).toEqual([
      {
        rule: 'InvalidBaseImagePlatform',
        severity: 'warning',
        file: 'Dockerfile',
        line: 1,
        message: 'platform',
        fix: "See Docker's build check InvalidBaseImagePlatform."
      }
    ])
  })
})

describe('mergeFindings', () => {
  it('drops a Docker finding when ours is on the same line for the equivalent rule', () => {
    const ours = checkNamed({ dockerfile, file: 'Dockerfile' })
    const docker = parseBuildCheckResult(fixture('buildx-check.json'), {
      file: 'Dockerfile',
      dockerfile
    }).findings
    expect(
      mergeFindings(ours, docker).map((finding) => [finding.line, finding.rule, finding.severity])
    ).toEqual([
      [1, 'FromAsCasing', 'notice'],
      [1, 'StageNameCasing', 'notice'],
      [2, 'SecretsUsedInArgOrEnv', 'warning'], // ours needs a literal value: ARG GITHUB_TOKEN has none
      [6, 'secret-in-image', 'error'], // SecretsUsedInArgOrEnv on line 6 is the same finding
      [9, 'shell-form-cmd', 'warning'] // JSONArgsRecommended on line 9 too
    ])
  })

  it('keeps equivalent rules on different lines, and one of each identical Docker finding', () => {
    const at = (rule: string, line: number) => ({
      rule,
      severity: 'warning' as const,
      file: 'Dockerfile',
      line,
      message: rule,
      fix: ''
    })
    expect(
      mergeFindings(
        [at('shell-form-cmd', 9)],
        [at('JSONArgsRecommended', 4), at('JSONArgsRecommended', 4), at('JSONArgsRecommended', 9)]
      )
    ).toEqual([at('JSONArgsRecommended', 4), at('shell-form-cmd', 9)])
  })
})

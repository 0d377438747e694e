import { describe, expect, it } from '@jest/globals'
import type { DockerfileFinding } from '../../../src/dockerfile/finding.js'
import { dockerfileChecksMarkdown, dockerfileFindingsOutput } from '../../../src/dockerfile/render.js'
import { dockerfileChecksSarif } from '../../../src/dockerfile/sarif.js'

const findings: DockerfileFinding[] = [
  {
    rule: 'root-user',
    severity: 'warning',
    file: 'services/web/Dockerfile',
    line: 3,
    message: 'Stage production runs as root: USER root is the last USER of its chain.',
    fix: 'Add `USER <non-root user>` before CMD.'
  },
  {
    rule: 'secret-in-image',
    severity: 'error',
    file: 'services/web/Dockerfile',
    line: 7,
    message: 'RUN writes a | b <script> into /app/x, which stays in the layer.',
    fix: 'Use a secret mount.'
  },
  {
    rule: 'StageNameCasing',
    severity: 'notice',
    file: 'services/web/Dockerfile',
    line: 9,
    message: "Stage name 'Builder' should be lowercase",
    fix: 'Stage names should be lowercase',
    url: 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/'
  }
]

describe('dockerfileChecksMarkdown', () => {
  it('a table with escaped cells and line links', () => {
    expect(
      dockerfileChecksMarkdown(findings, {
        file: 'services/web/Dockerfile',
        blobUrl: 'https://github.com/octo-org/shop/blob/4f2c9ab',
        note: "Docker's build checks need buildx 0.15.0 or later."
      })
    ).toBe(
      [
        '### Dockerfile checks: `services/web/Dockerfile`',
        '',
        '1 error, 1 warning, 1 notice.',
        '',
        "Docker's build checks need buildx 0.15.0 or later.",
        '',
        '| Severity | Rule | Where | Finding | Fix |',
        '| --- | --- | --- | --- | --- |',
        '| ⚠️ warning | `root-user` | [line 3](https://github.com/octo-org/shop/blob/4f2c9ab/services/web/Dockerfile#L3) | Stage production runs as root: USER root is the last USER of its chain. | Add `USER &lt;non-root user&gt;` before CMD. |',
        '| ⛔ error | `secret-in-image` | [line 7](https://github.com/octo-org/shop/blob/4f2c9ab/services/web/Dockerfile#L7) | RUN writes a \\| b &lt;script&gt; into /app/x, which stays in the layer. | Use a secret mount. |',
        "| ℹ️ notice | [`StageNameCasing`](https://docs.docker.com/go/dockerfile/rule/stage-name-casing/) | [line 9](https://github.com/octo-org/shop/blob/4f2c9ab/services/web/Dockerfile#L9) | Stage name 'Builder' should be lowercase | Stage names should be lowercase |",
        ''
      ].join('\n')
    )
  })

  it('no findings; more than fit', () => {
    expect(dockerfileChecksMarkdown([], { file: 'Dockerfile', headingLevel: 4 })).toBe(
      '#### Dockerfile checks: `Dockerfile`\n\nNo findings.\n'
    )
    const many = dockerfileChecksMarkdown([...findings, ...findings], { file: 'Dockerfile', maxRows: 2 })
    expect(
      many.split('\n').filter((line) => line.startsWith('| ⚠️') || line.startsWith('| ⛔'))
    ).toHaveLength(2)
    expect(many).toContain("_…and 4 more in the run's annotations._")
  })
})

describe('dockerfileFindingsOutput', () => {
  it('a JSON list of {rule, severity, file, line, message}', () => {
    expect(JSON.parse(dockerfileFindingsOutput(findings.slice(0, 1)))).toEqual([
      {
        rule: 'root-user',
        severity: 'warning',
        file: 'services/web/Dockerfile',
        line: 3,
        message: 'Stage production runs as root: USER root is the last USER of its chain.'
      }
    ])
    expect(dockerfileFindingsOutput([])).toBe('[]')
  })
})

describe('dockerfileChecksSarif', () => {
  const log = dockerfileChecksSarif(findings, {
    target: 'production',
    toolVersion: '0.1.0',
    docsUrl: 'https://github.com/octo-org/ecr-build-push/blob/v1/docs/dockerfile-checks.md'
  })

  it('one run in its own category, with a rule per rule id and results on the Dockerfile lines', () => {
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
    const [run] = log.runs
    expect(run.automationDetails).toEqual({ id: 'dockerfile/production/' })
    expect(run.tool.driver).toMatchObject({
      name: 'ecr-build-push dockerfile-checks',
      version: '0.1.0',
      informationUri: 'https://github.com/octo-org/ecr-build-push/blob/v1/docs/dockerfile-checks.md'
    })
    expect(run.tool.driver.rules?.map((rule) => rule.id)).toEqual([
      'StageNameCasing',
      'root-user',
      'secret-in-image'
    ])
    expect(run.results).toEqual([
      {
        ruleId: 'root-user',
        ruleIndex: 1,
        level: 'warning',
        message: {
          text: 'Stage production runs as root: USER root is the last USER of its chain.\nFix: Add `USER <non-root user>` before CMD.'
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 3 }
            }
          }
        ]
      },
      {
        ruleId: 'secret-in-image',
        ruleIndex: 2,
        level: 'error',
        message: {
          text: 'RUN writes a | b <script> into /app/x, which stays in the layer.\nFix: Use a secret mount.'
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 7 }
            }
          }
        ]
      },
      {
        ruleId: 'StageNameCasing',
        ruleIndex: 0,
        level: 'note',
        message: { text: "Stage name 'Builder' should be lowercase\nFix: Stage names should be lowercase" },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'services/web/Dockerfile' },
              region: { startLine: 9 }
            }
          }
        ]
      }
    ])
  })

  it('rules carry help text, equivalents, a help link and a security severity', () => {
    const [docker, root, secret] = log.runs[0].tool.driver.rules ?? []
    expect(root).toEqual({
      id: 'root-user',
      name: 'RootUser',
      shortDescription: { text: 'The built stage runs as root' },
      fullDescription: {
        text: 'The strategy wants a non-root user in production: a process that breaks out of an application running as root is root in the container.'
      },
      help: {
        text: 'The strategy wants a non-root user in production: a process that breaks out of an application running as root is root in the container.\nFix: Add `USER <non-root user>` (e.g. `USER nobody` or a user you create) before CMD in the built stage.\nSame as: DL3002, AVD-DS-0002 (DS002)',
        markdown:
          'The strategy wants a non-root user in production: a process that breaks out of an application running as root is root in the container.\n\nFix: Add `USER <non-root user>` (e.g. `USER nobody` or a user you create) before CMD in the built stage.\n\nSame as: DL3002, AVD-DS-0002 (DS002)'
      },
      helpUri: 'https://github.com/octo-org/ecr-build-push/blob/v1/docs/dockerfile-checks.md#root-user',
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['dockerfile', 'security'], precision: 'high', 'security-severity': '5.0' }
    })
    expect(secret.properties?.['security-severity']).toBe('8.0')
    expect(docker).toEqual({
      id: 'StageNameCasing',
      shortDescription: { text: 'Stage names should be lowercase' },
      help: {
        text: 'Docker build check StageNameCasing. See https://docs.docker.com/go/dockerfile/rule/stage-name-casing/'
      },
      helpUri: 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
      defaultConfiguration: { level: 'note' },
      properties: { tags: ['dockerfile', 'docker-build-check'] }
    })
  })

  it('an unnamed target is the default one', () => {
    expect(dockerfileChecksSarif([], { target: '' }).runs[0]).toMatchObject({
      automationDetails: { id: 'dockerfile/default/' },
      results: []
    })
  })
})

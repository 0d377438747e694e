import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import type { DockerfileFinding } from '../../../src/dockerfile/finding.js'
import { parseDockerfileChecksInputs, type ChecksFailOn } from '../../../src/config/checks.js'
import { checksVerdict } from '../../../src/dockerfile/verdict.js'

describe('parseDockerfileChecksInputs', () => {
  it('defaults: on, never failing, nothing ignored', () => {
    expect(parseDockerfileChecksInputs({})).toEqual({ enabled: true, failOn: 'none', ignore: [] })
  })

  it('reads the three inputs; rule ids in any case, comma or newline lists, Docker check names', () => {
    expect(
      parseDockerfileChecksInputs({
        'dockerfile-checks': 'false',
        'dockerfile-checks-fail-on': 'Warning',
        'dockerfile-checks-ignore':
          'root-user, Healthcheck-Missing\n# the builder stage is private\njsonargsrecommended\nExposeProtoCasing\nroot-user'
      })
    ).toEqual({
      enabled: false,
      failOn: 'warning',
      ignore: ['root-user', 'healthcheck-missing', 'JSONArgsRecommended', 'ExposeProtoCasing']
    })
  })

  it.each([
    [{ 'dockerfile-checks': 'yes' }, "Input 'dockerfile-checks' is 'yes': expected 'true' or 'false'."],
    [
      { 'dockerfile-checks-fail-on': 'notice' },
      "Input 'dockerfile-checks-fail-on' is 'notice': expected one of 'none', 'error', 'warning'."
    ],
    [
      { 'dockerfile-checks-ignore': 'root-user\nshell-form, healthcheck-missing' },
      "Input 'dockerfile-checks-ignore' line 2 has 'shell-form': not a rule id. Expected rule ids of docs/dockerfile-checks.md (root-user, build-tools-in-image, install-after-copy-all, apt-update-alone, apt-no-install-recommends, apt-lists-not-removed, package-cache-in-layer, secret-in-image, unpinned-base, full-base-image, add-remote-url, add-instead-of-copy, shell-form-cmd, missing-dockerignore, dockerignore-incomplete, healthcheck-missing, check-ignore-invalid) or Docker build check names (e.g. JSONArgsRecommended)."
    ]
  ])('%j → ConfigurationError naming the input', (raw, message) => {
    expect(() => parseDockerfileChecksInputs(raw)).toThrow(new ConfigurationError(message))
  })
})

describe('checksVerdict', () => {
  const at = (rule: string, severity: DockerfileFinding['severity'], line: number): DockerfileFinding => ({
    rule,
    severity,
    file: 'Dockerfile',
    line,
    message: rule,
    fix: ''
  })
  const findings = [
    at('root-user', 'warning', 1),
    at('secret-in-image', 'error', 4),
    at('healthcheck-missing', 'notice', 1)
  ]

  it.each<[ChecksFailOn, string[]]>([
    ['none', []],
    ['error', ['secret-in-image']],
    ['warning', ['root-user', 'secret-in-image']]
  ])('fail-on %s blocks %j', (failOn, blocking) => {
    expect(checksVerdict(findings, failOn).blocking.map((finding) => finding.rule)).toEqual(blocking)
  })

  it('says why the step fails before the build', () => {
    expect(checksVerdict(findings, 'warning')).toMatchObject({
      failed: true,
      message:
        "Dockerfile checks found 2 findings at or above 'warning' (dockerfile-checks-fail-on), so nothing was built: root-user (Dockerfile:1), secret-in-image (Dockerfile:4)."
    })
    expect(checksVerdict([], 'warning')).toEqual({ failed: false, blocking: [], message: '' })
  })
})

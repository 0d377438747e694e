import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { checkRules, dockerBuildChecks } from '../../../src/dockerfile/rules.js'

const docs = readFileSync('docs/dockerfile-checks.md', 'utf8')

/** The section of one rule: from its heading to the next heading. */
function section(id: string): string {
  const start = docs.indexOf(`### \`${id}\``)
  const end = docs.indexOf('\n#', start + 1)
  return start < 0 ? '' : docs.slice(start, end < 0 ? undefined : end)
}

describe('docs/dockerfile-checks.md', () => {
  it.each(checkRules.map((rule) => [rule.id, rule] as const))(
    'documents %s as the catalogue has it',
    (id, rule) => {
      const text = section(id)
      expect(text).not.toBe('')
      expect(text).toContain(`| Severity | ${rule.severity}`)
      for (const name of [...rule.hadolint, ...rule.trivy, ...rule.docker]) expect(text).toContain(name)
      if (rule.hadolint.length === 0) expect(text).toContain('hadolint: none')
      if (rule.trivy.length === 0) expect(text).toMatch(/Trivy: none/)
      if (rule.docker.length === 0) expect(text).toContain('Docker build checks: none')
      expect(docs).toContain(`| [\`${id}\`](#${id}) | ${rule.severity}`)
    }
  )

  it('lists the Docker build checks it makes notices', () => {
    const notices = Object.entries(dockerBuildChecks)
      .filter(([, severity]) => severity === 'notice')
      .map(([name]) => name)
    expect(docs).toContain(`| notice | ${notices.join(', ')} |`)
  })
})

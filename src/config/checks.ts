import { parseList } from './lists.js'
import { bool, oneOf, type RawInputs } from './values.js'
import { ConfigurationError } from '../errors.js'
import { canonicalRule, checkRuleIds } from '../dockerfile/rules.js'

export const checksFailOnLevels = ['none', 'error', 'warning'] as const
export type ChecksFailOn = (typeof checksFailOnLevels)[number]

/** The three `dockerfile-checks*` inputs, parsed. */
export interface DockerfileChecksInputs {
  /** `dockerfile-checks`: false turns the phase off. */
  enabled: boolean
  /** `dockerfile-checks-fail-on`: findings at or above it fail the step before the build. */
  failOn: ChecksFailOn
  /** `dockerfile-checks-ignore`: rule ids, spelled as findings carry them. */
  ignore: string[]
}

export function parseChecksEnabled(raw: RawInputs): boolean {
  return bool(raw, 'dockerfile-checks', true)
}

export function parseChecksFailOn(raw: RawInputs): ChecksFailOn {
  return oneOf(raw, 'dockerfile-checks-fail-on', checksFailOnLevels, 'none')
}

/** Rule ids, comma- or newline-separated; our ids and Docker build check names (any case) are accepted. */
export function parseChecksIgnore(raw: RawInputs): string[] {
  const lines = (raw['dockerfile-checks-ignore'] ?? '').split(/\r?\n/)
  const ids = lines.flatMap((line, index) =>
    parseList(line, `Line ${index + 1} of 'dockerfile-checks-ignore'`).map((name) => {
      const rule = canonicalRule(name)
      if (rule) return rule
      throw new ConfigurationError(
        `Input 'dockerfile-checks-ignore' line ${index + 1} has '${name}': not a rule id. ` +
          `Expected rule ids of docs/dockerfile-checks.md (${checkRuleIds.join(', ')}) or Docker build check names (e.g. JSONArgsRecommended).`
      )
    })
  )
  return [...new Set(ids)]
}

export function parseDockerfileChecksInputs(raw: RawInputs): DockerfileChecksInputs {
  return { enabled: parseChecksEnabled(raw), failOn: parseChecksFailOn(raw), ignore: parseChecksIgnore(raw) }
}

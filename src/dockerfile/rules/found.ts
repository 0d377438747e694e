import type { Instruction } from 'dockerfile-ast'
import type { CheckSeverity, DockerfileFinding } from '../finding.js'
import { lineOf, type BuildModel } from '../model.js'
import { ruleInfo } from '../rules.js'

/** A finding of one of our rules at an instruction (or a line), with the rule's severity and fix unless given. */
export function found(
  model: Pick<BuildModel, 'file'>,
  rule: string,
  at: Instruction | number,
  message: string,
  options: { fix?: string; severity?: CheckSeverity } = {}
): DockerfileFinding {
  const info = ruleInfo(rule)
  if (!info) throw new Error(`No rule '${rule}' in the catalogue`)
  return {
    rule,
    severity: options.severity ?? info.severity,
    file: model.file,
    line: typeof at === 'number' ? at : lineOf(at),
    message,
    fix: options.fix ?? info.fix
  }
}

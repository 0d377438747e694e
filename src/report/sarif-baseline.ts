import type { Log, Result } from 'sarif'
import type { Finding } from '../scan/findings.js'

function resultKey(id: string, pkgName: string, installedVersion: string): string {
  return [id, pkgName, installedVersion].join('\u0000')
}

/** Trivy's SARIF message names the package and its version: `Package: openssl\nInstalled Version: 1.1`. */
function keyOf(result: Result): string | undefined {
  const text = result.message.text ?? ''
  const pkgName = /^Package: (.+)$/m.exec(text)?.[1]?.trim()
  const version = /^Installed Version: (.*)$/m.exec(text)?.[1]?.trim() ?? ''
  return result.ruleId && pkgName ? resultKey(result.ruleId, pkgName, version) : undefined
}

/**
 * Each result's SARIF `baselineState` against the comparison image: `unchanged` when it has the finding too,
 * `new` otherwise (a result two findings share is new if either is). Results no finding explains stay unset.
 */
export function markBaseline(sarif: Log, findings: Finding[]): Log {
  const states = new Map<string, 'new' | 'unchanged'>()
  for (const finding of findings) {
    const key = resultKey(finding.id, finding.pkgName, finding.installedVersion)
    const state = finding.alreadyPresent ? 'unchanged' : 'new'
    states.set(key, states.get(key) === 'new' ? 'new' : state)
  }
  return {
    ...sarif,
    runs: sarif.runs.map((run) => ({
      ...run,
      results: run.results?.map((result) => {
        const key = keyOf(result)
        const state = key !== undefined ? states.get(key) : undefined
        return state ? { ...result, baselineState: state } : result
      })
    }))
  }
}

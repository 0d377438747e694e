import type { Log, Result } from 'sarif'
import type { MappedFinding, Origin } from '../scan/layer-map.js'

function findingKey(id: string, pkgName: string): string {
  return `${id}\u0000${pkgName}`
}

/** Trivy's SARIF names the package in the message (`Package: openssl`) and the location (`target: openssl@1.1`). */
function sarifPackage(result: Result): string | undefined {
  const fromMessage = /^Package: (.+)$/m.exec(result.message.text ?? '')?.[1]
  if (fromMessage) return fromMessage.trim()
  const fromLocation = /: ([^\s:]+)@[^@\s]*$/.exec(result.locations?.[0]?.message?.text ?? '')?.[1]
  return fromLocation
}

function originNote(origin: Origin): string {
  if (!origin.mapped)
    return `Layer not matched to a Dockerfile instruction: shown at the built stage's FROM (line ${origin.line}).`
  if (origin.fromBase)
    return `From the base image ${origin.baseImage ?? ''} picked at line ${origin.line}: ${origin.instruction}`
  return `Introduced at line ${origin.line}: ${origin.instruction}`
}

/**
 * Points every SARIF result at the Dockerfile line its layer came from (matched by rule id + package, via
 * the JSON report's findings), so code scanning can show image findings in the pull request diff.
 */
export function rewriteSarifLocations(
  sarif: Log,
  findings: MappedFinding[],
  dockerfilePath: string,
  fallback: Origin
): Log {
  const origins = new Map<string, Origin>()
  for (const finding of findings) {
    const key = findingKey(finding.id, finding.pkgName)
    if (!origins.has(key)) origins.set(key, finding.origin)
  }
  const uri = dockerfilePath.split('\\').join('/')
  return {
    ...sarif,
    runs: sarif.runs.map((run) => ({
      ...run,
      results: run.results?.map((result) => {
        const pkgName = sarifPackage(result)
        const origin =
          (result.ruleId && pkgName && origins.get(findingKey(result.ruleId, pkgName))) || fallback
        const imageLocation = result.locations?.[0]?.message?.text
        return {
          ...result,
          message: { ...result.message, text: `${result.message.text ?? ''}\n${originNote(origin)}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri },
                region: { startLine: origin.line, endLine: origin.line }
              },
              ...(imageLocation ? { message: { text: imageLocation } } : {})
            }
          ]
        }
      })
    }))
  }
}

import type { Log, ReportingDescriptor, Result } from 'sarif'
import type { CheckSeverity, DockerfileFinding } from './finding.js'
import { ruleInfo } from './rules.js'

const levels: Record<CheckSeverity, Result.level> = { error: 'error', warning: 'warning', notice: 'note' }

/** Code scanning's severity for security rules: error → high, warning → medium, notice → low. */
const securitySeverity: Record<CheckSeverity, string> = { error: '8.0', warning: '5.0', notice: '2.0' }

/** `dockerfile/<target>/`: its own category, so this upload and Trivy's never replace each other. */
export function dockerfileChecksCategory(target: string): string {
  return `dockerfile/${target || 'default'}/`
}

function ruleDescriptor(finding: DockerfileFinding, docsUrl: string | undefined): ReportingDescriptor {
  const info = ruleInfo(finding.rule)
  if (!info) {
    return {
      id: finding.rule,
      shortDescription: { text: finding.fix },
      help: { text: `Docker build check ${finding.rule}.${finding.url ? ` See ${finding.url}` : ''}` },
      ...(finding.url ? { helpUri: finding.url } : {}),
      defaultConfiguration: { level: levels[finding.severity] },
      properties: { tags: ['dockerfile', 'docker-build-check'] }
    }
  }
  const equivalents = [...info.hadolint, ...info.trivy, ...info.docker]
  const helpText = `${info.why}\nFix: ${info.fix}${equivalents.length > 0 ? `\nSame as: ${equivalents.join(', ')}` : ''}`
  return {
    id: info.id,
    name: info.id
      .split('-')
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join(''),
    shortDescription: { text: info.title },
    fullDescription: { text: info.why },
    help: { text: helpText, markdown: helpText.replace(/\n/g, '\n\n') },
    ...(docsUrl ? { helpUri: `${docsUrl}#${info.id}` } : {}),
    defaultConfiguration: { level: levels[info.severity] },
    properties: {
      tags: ['dockerfile', ...(info.security ? ['security'] : [])],
      precision: 'high',
      ...(info.security ? { 'security-severity': securitySeverity[info.severity] } : {})
    }
  }
}

/**
 * SARIF 2.1.0 for the Dockerfile checks: one run, a rule per rule id found, a result per finding on its
 * Dockerfile line. `docsUrl` (docs/dockerfile-checks.md on the action's repository) becomes each rule's helpUri.
 */
export function dockerfileChecksSarif(
  findings: DockerfileFinding[],
  options: { target: string; toolVersion?: string; docsUrl?: string }
): Log {
  const ruleIds = [...new Set(findings.map((finding) => finding.rule))].sort()
  const rules = ruleIds.map((id) =>
    ruleDescriptor(findings.find((finding) => finding.rule === id) as DockerfileFinding, options.docsUrl)
  )
  const results: Result[] = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIds.indexOf(finding.rule),
    level: levels[finding.severity],
    message: { text: `${finding.message}\nFix: ${finding.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.file },
          region: { startLine: finding.line }
        }
      }
    ]
  }))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ecr-build-push dockerfile-checks',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            ...(options.docsUrl ? { informationUri: options.docsUrl } : {}),
            rules
          }
        },
        automationDetails: { id: dockerfileChecksCategory(options.target) },
        results
      }
    ]
  }
}

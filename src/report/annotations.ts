import { severityRank, type Severity } from '../scan/findings.js'
import type { MappedFinding, Origin } from '../scan/layer-map.js'
import type { Log } from '../run/log.js'
import { uniqueFindings, bySeverity } from './findings.js'

export interface AnnotationPlan {
  level: 'error' | 'warning' | 'notice'
  /** Workspace-relative, `/`-separated: what GitHub needs to place it on the diff. */
  file: string
  line: number
  title: string
  message: string
}

/** GitHub shows at most 10 annotations of each level per step. */
export const annotationsPerLevel = 10

function levelOf(severity: Severity): 'error' | 'warning' {
  return severity === 'CRITICAL' || severity === 'HIGH' ? 'error' : 'warning'
}

function originSentence(origin: Origin): string {
  if (!origin.mapped)
    return "Could not tell which instruction added this layer: shown at the built stage's FROM."
  if (origin.fromBase) return `It comes with the base image ${origin.baseImage ?? ''} that this FROM picks.`
  return `This instruction added it (stage ${origin.stage}).`
}

function annotationOf(finding: MappedFinding, file: string): AnnotationPlan {
  const platform = finding.platform ? ` [${finding.platform}]` : ''
  return {
    level: levelOf(finding.severity),
    file,
    line: finding.origin.line,
    title: `${finding.id}: ${finding.pkgName} (${finding.severity})${platform}`,
    message: [
      `${finding.pkgName} ${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'} (${finding.severity})${finding.title ? `: ${finding.title}` : ''}`,
      originSentence(finding.origin),
      ...(finding.primaryUrl ? [finding.primaryUrl] : [])
    ].join('\n')
  }
}

/** Scan findings at or above `annotate-severity`, most severe first, as annotations on their Dockerfile lines. */
export function findingAnnotations(
  findings: MappedFinding[],
  file: string,
  annotateSeverity: Severity
): AnnotationPlan[] {
  return bySeverity(uniqueFindings(findings))
    .filter((finding) => severityRank(finding.severity) <= severityRank(annotateSeverity))
    .map((finding) => annotationOf(finding, file))
}

function restAnnotation(rest: AnnotationPlan[], level: AnnotationPlan['level']): AnnotationPlan {
  const listed = rest.slice(0, 20).map((plan) => `${plan.title} (line ${plan.line})`)
  const more = rest.length > listed.length ? `, and ${rest.length - listed.length} more` : ''
  return {
    level,
    file: rest[0].file,
    line: rest[0].line,
    title: `${rest.length} more not annotated`,
    message: `${listed.join(', ')}${more}. The job summary lists them all.`
  }
}

/**
 * One budget for the whole step, as GitHub applies it: in each level the first ones (callers order them
 * most important first) and, when some do not fit, one annotation that lists the rest.
 */
export function capAnnotations(plans: AnnotationPlan[], perLevel = annotationsPerLevel): AnnotationPlan[] {
  return (['error', 'warning', 'notice'] as const).flatMap((level) => {
    const ofLevel = plans.filter((plan) => plan.level === level)
    if (ofLevel.length <= perLevel) return ofLevel
    const shown = ofLevel.slice(0, perLevel - 1)
    return [...shown, restAnnotation(ofLevel.slice(shown.length), level)]
  })
}

export function emitAnnotations(log: Log, plans: AnnotationPlan[]): void {
  for (const plan of plans)
    log[plan.level](plan.message, { file: plan.file, startLine: plan.line, title: plan.title })
}

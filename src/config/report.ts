import { severities, type Severity } from '../scan/findings.js'
import { parseSizeBudget } from '../scan/size.js'
import { bool, oneOf, text, type RawInputs } from './values.js'

/** How the run reports: annotations, the pull request comment, the size budget. */
export interface ReportConfig {
  annotateSeverity: Severity
  prComment: boolean
  /** Bytes; undefined when there is no budget. */
  maxImageSize?: number
}

export function parseReportConfig(raw: RawInputs): ReportConfig {
  const maxImageSize = parseSizeBudget(text(raw, 'max-image-size'))
  return {
    annotateSeverity: oneOf(raw, 'annotate-severity', severities, 'HIGH'),
    prComment: bool(raw, 'pr-comment', true),
    ...(maxImageSize !== undefined ? { maxImageSize } : {})
  }
}

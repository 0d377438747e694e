import { readFileSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'
import { allowedPath } from './dockerfile.js'
import { numberedLines, type RawInputs } from './values.js'

/** A VEX document the step hands Trivy: a file in the workspace or RUNNER_TEMP, or (with `vex-url`) an https URL. */
export type VexSource =
  /** `text` is the document as read and checked here: what Trivy gets, whatever the file holds by then. */
  { kind: 'file'; path: string; text: string; line: number } | { kind: 'url'; url: string; line: number }

/** The VEX formats Trivy applies to an image scan (CycloneDX VEX only applies to SBOM scans). */
export type VexFormat = 'OpenVEX' | 'CSAF'

/** Which VEX format a parsed JSON document is, as Trivy tells them apart; undefined for anything else. */
export function vexFormatOf(document: unknown): VexFormat | 'CycloneDX' | undefined {
  if (!document || typeof document !== 'object') return undefined
  const fields = document as Record<string, unknown>
  const context = fields['@context']
  if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns')) return 'OpenVEX'
  const csaf = fields.document as { category?: unknown } | undefined
  if (csaf && typeof csaf === 'object' && csaf.category === 'csaf_vex') return 'CSAF'
  if (fields.bomFormat === 'CycloneDX') return 'CycloneDX'
  return undefined
}

/**
 * Checks that `text` is a VEX document Trivy applies to images; `where` names it in the error (the input's
 * line and the file or URL).
 */
export function checkVexDocument(text: string, where: string): VexFormat {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new ConfigurationError(
      `${where} is not JSON (${(error as Error).message}): expected an OpenVEX or CSAF VEX document.`
    )
  }
  const format = vexFormatOf(document)
  if (format === 'CycloneDX') {
    throw new ConfigurationError(
      `${where} is a CycloneDX VEX document, which Trivy applies to SBOM scans only, not to images: use OpenVEX or CSAF VEX.`
    )
  }
  if (!format) {
    throw new ConfigurationError(
      `${where} is neither an OpenVEX document ("@context": "https://openvex.dev/ns/…") nor a CSAF VEX document ("document": {"category": "csaf_vex"}).`
    )
  }
  return format
}

/**
 * `vex`, one document per line: a path (workspace-relative, checked and read now) or an https URL, which is
 * only accepted with `vex-url: true` and is downloaded with the scan.
 */
export function parseVexSources(
  raw: RawInputs,
  roots: { workspace: string; runnerTemp?: string },
  urlsAllowed: boolean
): VexSource[] {
  return numberedLines(raw, 'vex').map(({ line, text }): VexSource => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      if (!/^https:\/\/[^\s/]+/i.test(text)) {
        throw new ConfigurationError(
          `Line ${line} of 'vex' is '${text}': a VEX document is downloaded over https only.`
        )
      }
      if (!urlsAllowed) {
        throw new ConfigurationError(
          `Line ${line} of 'vex' is the URL '${text}', but 'vex-url' is false: a document from elsewhere decides what blocks the image. Set 'vex-url: true' to allow it, or commit the document and name its path.`
        )
      }
      return { kind: 'url', url: text, line }
    }
    const file = allowedPath('vex', text, roots, 'file', line)
    const document = readFileSync(file, 'utf8')
    checkVexDocument(document, `Line ${line} of 'vex' (${text})`)
    return { kind: 'file', path: file, text: document, line }
  })
}

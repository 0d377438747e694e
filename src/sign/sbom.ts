import type { Command } from '../run/command.js'
import type { AttestationType } from './cosign.js'
import type { SbomFormat } from '../config/sign.js'

/** Trivy lists every package in its JSON report only with this flag, and an SBOM is made of those packages. */
export const sbomScanFlags = ['--list-all-pkgs']

const trivyFormats: Record<SbomFormat, string> = { cyclonedx: 'cyclonedx', spdxjson: 'spdx-json' }

/** The `cosign attest --type` of an SBOM in this format. */
export function sbomAttestationType(format: SbomFormat): Extract<AttestationType, 'cyclonedx' | 'spdxjson'> {
  return format
}

/**
 * The SBOM from the gate's own JSON report (`trivy convert`), so the image is not scanned a second time. The
 * scan must have run with `sbomScanFlags`.
 */
export function planSbom(request: {
  trivy: string
  report: string
  format: SbomFormat
  output: string
}): Command {
  return {
    tool: request.trivy,
    args: ['convert', '--format', trivyFormats[request.format], '--output', request.output, request.report]
  }
}

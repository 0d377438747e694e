import type { Command } from '../run/command.js'
import type { AttestationType } from './cosign.js'
import type { SbomFormat } from '../config/sign.js'
import { isolated, type TrivyWorkspace } from '../scan/trivy.js'

const trivyFormats: Record<SbomFormat, string> = { cyclonedx: 'cyclonedx', spdxjson: 'spdx-json' }

/** The `cosign attest --type` of an SBOM in this format. */
export function sbomAttestationType(format: SbomFormat): Extract<AttestationType, 'cyclonedx' | 'spdxjson'> {
  return format
}

/**
 * The SBOM from the gate's own JSON report (`trivy convert`), so the image is not scanned a second time. The
 * scan ran with `--list-all-pkgs` (ScanConfig.listAllPackages), since an SBOM is made of every package.
 */
export function planSbom(request: {
  workspace: TrivyWorkspace
  report: string
  format: SbomFormat
  output: string
}): Command {
  return isolated(request.workspace, [
    'convert',
    '--format',
    trivyFormats[request.format],
    '--output',
    request.output,
    request.report
  ])
}

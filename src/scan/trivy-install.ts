import type { Log } from '../run/log.js'
import { ConfigurationError } from '../errors.js'
import type { TrivyChecksum } from '../config/scan.js'
import { installVerified } from '../tools/verified-download.js'

const releaseOs: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS' }
const releaseArch: Record<string, string> = { x64: '64bit', arm64: 'ARM64' }

/**
 * The default Trivy release and the sha256 of its archives, written here so that nothing downloaded from the
 * release itself (a checksums file can be replaced with the archive) decides what runs. Sources: docs/signing.md.
 */
export const pinnedTrivy = {
  version: '0.75.0',
  sha256: {
    'trivy_0.75.0_Linux-64bit.tar.gz': 'c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f',
    'trivy_0.75.0_Linux-ARM64.tar.gz': 'a1ee9f6ffb7d112b64ff726a2a0717c21175c1114361391f4a132956751a13b3',
    'trivy_0.75.0_macOS-64bit.tar.gz': '291edaa9778acbe4693d067b5ad60ee11570e5ac68296e85595417528ca641e4',
    'trivy_0.75.0_macOS-ARM64.tar.gz': '4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568'
  } as Record<string, string>
}

/** The release archive for this runner, e.g. `trivy_0.75.0_Linux-64bit.tar.gz`. */
export function trivyArchive(version: string, platform: NodeJS.Platform, arch: string): string {
  const osName = releaseOs[platform]
  const archName = releaseArch[arch]
  if (!osName || !archName) {
    throw new ConfigurationError(
      `Trivy has no release for ${platform}/${arch}: run on a Linux or macOS runner (x64 or arm64), or install Trivy yourself and set 'skip-setup-trivy: true'.`
    )
  }
  return `trivy_${version}_${osName}-${archName}.tar.gz`
}

/** The sha256 that a `sha256sum`-style checksums file lists for `fileName`. */
export function checksumFor(checksums: string, fileName: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim())
    if (match && match[2] === fileName) return match[1].toLowerCase()
  }
  return undefined
}

export interface ExpectedTrivyChecksum {
  archive: string
  sha256: string
  /** Where the value comes from, for messages. */
  source: string
}

/**
 * The sha256 the Trivy archive for this runner must have: pinned for the default release, and for any other
 * release taken from `trivy-checksum`, which is then required. Call it while reading the inputs, so a missing
 * checksum fails before the build.
 */
export function expectedTrivyChecksum(request: {
  version: string
  checksum: TrivyChecksum
  platform: NodeJS.Platform
  arch: string
}): ExpectedTrivyChecksum {
  const archive = trivyArchive(request.version, request.platform, request.arch)
  const given =
    request.checksum.kind === 'sha256'
      ? request.checksum.sha256
      : request.checksum.kind === 'lines'
        ? checksumFor(request.checksum.text, archive)
        : undefined
  if (request.version === pinnedTrivy.version) {
    const pinned = pinnedTrivy.sha256[archive]
    if (!pinned) {
      throw new ConfigurationError(
        `No sha256 is pinned for ${archive}, so ecr-build-push will not install it: install Trivy yourself and set 'skip-setup-trivy: true'.`
      )
    }
    if (given !== undefined && given !== pinned) {
      throw new ConfigurationError(
        `Input 'trivy-checksum' says ${archive} has sha256 ${given}, but ecr-build-push pins ${pinned} for Trivy ${pinnedTrivy.version}. Remove 'trivy-checksum' (the default release is already verified) or check where your value came from.`
      )
    }
    return { archive, sha256: pinned, source: 'pinned in ecr-build-push' }
  }
  if (given === undefined) {
    throw new ConfigurationError(
      request.checksum.kind === 'lines'
        ? `Input 'trivy-checksum' has no line for ${archive}, the archive this runner installs for 'trivy-version: ${request.version}'. Add its sha256 (see docs/signing.md for how to get one you can trust).`
        : `Input 'trivy-version' is '${request.version}', which is not the release ecr-build-push pins (${pinnedTrivy.version}): set 'trivy-checksum' to the sha256 of ${archive} (see docs/signing.md for how to get one you can trust), or use the default release.`
    )
  }
  return { archive, sha256: given, source: "input 'trivy-checksum'" }
}

export interface TrivyInstallRequest {
  version: string
  /** `trivy-checksum`; required for a release other than the pinned one. */
  checksum?: TrivyChecksum
  /** Where releases are downloaded from; tests point it at a local server. */
  baseUrl?: string
  platform?: NodeJS.Platform
  arch?: string
  log?: Pick<Log, 'info' | 'warning'>
}

/**
 * The Trivy release from the tool cache, or downloaded, verified against the pinned sha256 (or `trivy-checksum`),
 * extracted and cached; every cache hit is verified again. Returns the path of the `trivy` binary.
 */
export async function installTrivy(request: TrivyInstallRequest): Promise<string> {
  const {
    version,
    checksum = { kind: 'none' },
    baseUrl = 'https://github.com',
    platform = process.platform,
    arch = process.arch
  } = request
  const expected = expectedTrivyChecksum({ version, checksum, platform, arch })
  const url = `${baseUrl.replace(/\/$/, '')}/aquasecurity/trivy/releases/download/v${version}/${expected.archive}`
  return installVerified(
    {
      name: 'trivy',
      version,
      arch,
      url,
      asset: expected.archive,
      sha256: expected.sha256,
      checksumSource: expected.source,
      executable: { from: 'tar.gz', name: 'trivy' },
      missingRelease: (missing) =>
        new ConfigurationError(
          `Input 'trivy-version' is '${version}': ${missing} does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`
        )
    },
    request.log
  )
}

import type { Log } from '../run/log.js'
import { ConfigurationError } from '../errors.js'
import { installVerified } from '../tools/verified-download.js'

const releaseOs: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin' }
const releaseArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64' }

/**
 * The cosign release this action signs with, and the sha256 of its binaries. A v2 release: its flags are the
 * ones cosign 2.5 (Debian trixie, the tests' cosign) has, and v3 changes what `sign` stores. Sources: docs/signing.md.
 */
export const pinnedCosign = {
  version: '2.6.4',
  sha256: {
    'cosign-linux-amd64': '309779b0c4e409186b0a80daba99041fe2cf65a920ce645013901df6211895a9',
    'cosign-linux-arm64': 'df408e5418129306fed7349ec46e27be0445d05c5127c07f435e9a566af67593',
    'cosign-darwin-amd64': 'ec648fddfedf1dad59dff9fbab177284a618204e03126ea37a87ab3cec4e7cb1',
    'cosign-darwin-arm64': 'b2987c1b55a1e2735c59ac5c3e140acbf7ba5c1ed0cc07dbbf1b85676595237e'
  } as Record<string, string>
}

/** The release binary for this runner, e.g. `cosign-linux-amd64`. */
export function cosignAsset(platform: NodeJS.Platform, arch: string): string {
  const asset = `cosign-${releaseOs[platform] ?? platform}-${releaseArch[arch] ?? arch}`
  if (!pinnedCosign.sha256[asset]) {
    throw new ConfigurationError(
      `No sha256 is pinned for ${asset} (cosign ${pinnedCosign.version}), so ecr-build-push will not install it on ${platform}/${arch}: install cosign yourself and set 'skip-setup-cosign: true', or run on a Linux or macOS runner (x64 or arm64).`
    )
  }
  return asset
}

export interface CosignInstallRequest {
  /** Where releases are downloaded from; tests point it at a local server. */
  baseUrl?: string
  platform?: NodeJS.Platform
  arch?: string
  log?: Pick<Log, 'info' | 'warning'>
}

/** The pinned cosign from the tool cache (verified again on every hit) or downloaded and verified. */
export async function installCosign(request: CosignInstallRequest = {}): Promise<string> {
  const { baseUrl = 'https://github.com', platform = process.platform, arch = process.arch } = request
  const asset = cosignAsset(platform, arch)
  const { version } = pinnedCosign
  return installVerified(
    {
      name: 'cosign',
      version,
      arch,
      url: `${baseUrl.replace(/\/$/, '')}/sigstore/cosign/releases/download/v${version}/${asset}`,
      asset,
      sha256: pinnedCosign.sha256[asset],
      checksumSource: 'pinned in ecr-build-push',
      executable: { from: 'asset', name: 'cosign' },
      missingRelease: (url) =>
        new ConfigurationError(
          `cosign ${version} is not at ${url}; install cosign yourself and set 'skip-setup-cosign: true'.`
        )
    },
    request.log
  )
}

/** The cosign to run: the one on PATH with `skip-setup-cosign: true`, otherwise the pinned, verified one. */
export async function setupCosign(skipSetup: boolean, log: Log): Promise<string> {
  return skipSetup ? 'cosign' : installCosign({ log })
}

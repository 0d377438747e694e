import { ConfigurationError } from '../errors.js'
import type { Config } from './config.js'
import type { ScanConfig } from './scan.js'

/** The scan policy's own rules: the inputs that mean something only with a scan, and a fail-on to narrow. */
function checkScanPolicy(config: Config, asked: Pick<ScanConfig, 'failOnNew' | 'vex'>): void {
  const { scan } = config
  const withoutScan: Array<[input: string, given: boolean, why: string]> = [
    [
      "'fail-on-new' is true",
      asked.failOnNew === true,
      "only a scan finds what is new. Set 'scan: true', or leave 'fail-on-new' unset."
    ],
    [
      "'vex' is set",
      (asked.vex?.length ?? 0) > 0,
      "VEX documents only change what a scan reports. Set 'scan: true', or leave 'vex' empty."
    ],
    [
      "'max-image-size' is set",
      config.report.maxImageSize !== undefined,
      "the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings)."
    ]
  ]
  const given = scan ? undefined : withoutScan.find(([, set]) => set)
  if (given) throw new ConfigurationError(`Input ${given[0]} but 'scan' is false: ${given[2]}`)
  if (scan?.failOnNew && scan.failOn === 'none') {
    throw new ConfigurationError(
      `Input 'fail-on-new' is true but 'fail-on' is none: nothing blocks, new or not. Set 'fail-on' to a severity (e.g. CRITICAL), or leave 'fail-on-new' unset.`
    )
  }
}

/**
 * Rules between inputs: each combination that cannot work, refused with what to change. `scanInputs` are the
 * scan inputs as given, also when `scan: false` leaves them out of the config.
 */
export function checkCombinations(
  config: Config,
  scanInputs: Pick<ScanConfig, 'failOnNew' | 'vex'> = {}
): void {
  const { build, cache, images } = config
  checkScanPolicy(config, scanInputs)
  // A builder container loads one platform into the daemon; the daemon's own builder can hold several (containerd store).
  const loaded = build.load || (!build.push && config.scan !== undefined)
  if (build.platforms.length > 1 && build.driver === 'docker-container' && loaded) {
    throw new ConfigurationError(
      `Input 'platforms' has ${build.platforms.length} platforms, but this image would be loaded into the Docker daemon ('load: true', or 'push: false' with a scan), which takes one platform from a docker-container builder. Set 'push: true' and 'load: false' (the scan then reads each platform from the registry), or build one platform.`
    )
  }
  const shared = (['ref', 'from', 'to'] as const).find((name) => cache[name].length > 0)
  if (images.length > 1 && shared) {
    throw new ConfigurationError(
      `Input 'cache-${shared}' is set with ${images.length} targets: they would share one cache and overwrite each other's. Leave it empty (each target gets its own cache), or build the targets in separate steps.`
    )
  }
}

import { ConfigurationError } from '../errors.js'
import type { Config } from './config.js'

/** Rules between inputs: each combination that cannot work, refused with what to change. */
export function checkCombinations(config: Config): void {
  const { build, cache, images } = config
  if (config.report.maxImageSize !== undefined && !config.scan) {
    throw new ConfigurationError(
      `Input 'max-image-size' is set but 'scan' is false: the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings).`
    )
  }
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

import type { DaemonFacts } from '../build/daemon.js'
import { ConfigurationError } from '../errors.js'
import type { Config } from './config.js'

/**
 * Rules that need the daemon's facts, checked before the build: the daemon's own builder holds an image of
 * several platforms only in the containerd image store.
 */
export function checkPlatformSupport(config: Config, daemon: DaemonFacts): void {
  const { build } = config
  if (build.driver === 'docker' && daemon.imageStore === 'classic' && build.platforms.length > 1) {
    throw new ConfigurationError(
      `Input 'platforms' has ${build.platforms.length} platforms, but 'driver: docker' on a daemon with the classic image store (overlay2) holds one platform per image. Use 'driver: docker-container' (the default), enable Docker's containerd image store, or build one platform.`
    )
  }
}

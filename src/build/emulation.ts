import type { Runner } from '../run/command.js'
import { architecturesNeedingEmulation, planQemu, registeredHandlers } from './buildx.js'

/** QEMU only for the platforms' architectures the host can neither run nor emulate already. */
export async function setUpEmulation(runner: Runner, platforms: string[]): Promise<void> {
  if (platforms.length === 0) return
  const emulated = architecturesNeedingEmulation(platforms, process.arch, await registeredHandlers())
  for (const command of planQemu(emulated)) await runner.run(command, { stream: true })
}

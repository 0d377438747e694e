import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import type { Runner } from './run/command.js'
import { planBuilderRemoval } from './build/buildx.js'
import { planLogout } from './ecr/login.js'
import { readSavedState } from './run/state.js'

/** Cleans up after main, also after a failed main: logout, builder removal, temp files. Warns, never fails. */
export async function post(runner: Runner): Promise<void> {
  const state = readSavedState()
  const commands = [
    ...planLogout(state.registries),
    ...(state.builder ? [planBuilderRemoval(state.builder)] : [])
  ]
  for (const command of commands) {
    try {
      await runner.run(command)
    } catch (error) {
      core.warning(`Cleanup step failed: ${(error as Error).message}`)
    }
  }
  if (state.tempDir) {
    await rm(state.tempDir, { recursive: true, force: true }).catch((error: Error) =>
      core.warning(`Could not delete ${state.tempDir}: ${error.message}`)
    )
  }
}

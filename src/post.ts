import * as runner from './run/workflow-commands.js'
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { parseSavedState, stateKey } from './run/state.js'

/** Runs a command like execFile: rejects with `stderr` on a non-zero exit. */
export type Exec = (file: string, args: string[]) => Promise<unknown>

/** The post step's own entry: a small bundle that undoes what main saved, also after a failed main. Warns, never fails. */
export async function post(run: Exec = promisify(execFile)): Promise<void> {
  const state = parseSavedState(runner.getState(stateKey))
  const commands = [
    ...state.registries.map((registry) => ['logout', registry]),
    ...(state.builder ? [['buildx', 'rm', '--force', state.builder]] : []),
    ...(state.staging.length > 0 ? [['image', 'rm', '--force', ...state.staging]] : [])
  ]
  for (const args of commands) {
    runner.info(`$ docker ${args.join(' ')}`)
    try {
      await run('docker', args)
    } catch (error) {
      // A staging name is gone once main tagged or removed it: nothing to clean.
      const message = (error as { stderr?: string }).stderr?.trim() || (error as Error).message
      if (
        args[0] === 'image' &&
        /No such image/i.test(message) &&
        !/Error response.*(conflict|in use)/i.test(message)
      )
        continue
      runner.warning(`Cleanup step failed: docker ${args.join(' ')}: ${message}`)
    }
  }
  if (state.tempDir) {
    await rm(state.tempDir, { recursive: true, force: true }).catch((error: Error) =>
      runner.warning(`Could not delete ${state.tempDir}: ${error.message}`)
    )
  }
}

post().catch((error: Error) => runner.warning(`Cleanup failed: ${error.message}`))

import * as core from '@actions/core'
import { isExpected } from './errors.js'
import { ExecRunner } from './run/exec.js'
// Static: post's few modules are main's too, so a lazy chunk would only bundle them a second time.
import { post } from './post.js'

/** The runner calls this file for both `main` and `post`; the saved `isPost` state tells them apart. */
async function run(): Promise<void> {
  const runner = new ExecRunner()
  if (core.getState('isPost') === 'true') {
    try {
      await post(runner)
    } catch (error) {
      core.warning(`Cleanup failed: ${(error as Error).message}`)
    }
    return
  }
  core.saveState('isPost', 'true')
  try {
    const { main } = await import('./main.js')
    await main(runner)
  } catch (error) {
    if (isExpected(error)) {
      core.setFailed(error.message)
    } else {
      core.debug((error as Error).stack ?? String(error))
      core.setFailed((error as Error).message ?? String(error))
    }
  }
}

await run()

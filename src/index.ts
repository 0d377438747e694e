import { isExpected, systemError } from './errors.js'
import { runAction, runnerIo } from './main.js'

/** The main step's entry; the post step has a bundle of its own (src/post.ts). */
async function run(): Promise<void> {
  const io = runnerIo()
  try {
    await runAction(io)
  } catch (caught) {
    // A full disk or an unwritable folder is the runner's state, not a bug: its message alone, no stack.
    const error = systemError(caught) ?? caught
    if (!isExpected(error)) io.log.debug((error as Error).stack ?? String(error))
    io.log.error((error as Error).message ?? String(error))
    process.exitCode = 1
  }
}

await run()

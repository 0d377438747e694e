import * as core from '@actions/core'
import { isExpected } from './errors.js'
import { main } from './main.js'

/** The main step's entry; the post step has a bundle of its own (src/post.ts). */
async function run(): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (!isExpected(error)) core.debug((error as Error).stack ?? String(error))
    core.setFailed((error as Error).message ?? String(error))
  }
}

await run()

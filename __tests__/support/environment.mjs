// The test environment of the e2e and support projects: Node's, and after a test file (its tests and every
// afterAll hook) removes what it made, as support/scratch.mjs recorded it in the file's global.
import { TestEnvironment } from 'jest-environment-node'
import { removeScratch, scratchKey } from './scratch.mjs'

export default class CleaningEnvironment extends TestEnvironment {
  async teardown() {
    const records = this.global[scratchKey]
    if (records) {
      const { failed } = removeScratch(records)
      if (failed.length > 0) console.warn(`Test clean-up could not:\n- ${failed.join('\n- ')}`)
    }
    await super.teardown()
  }
}

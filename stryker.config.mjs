// Mutation testing of src/ against the unit suite (`npm run test:mutation`); see TESTING.md.
import { readFileSync } from 'node:fs'

/** `npm run test:mutation:sample`: only the mutants of reports/mutation-sample.json (scripts/mutation-sample.mjs). */
async function sampledRanges() {
  const { mutateRanges, sampleFile } = await import('./scripts/mutation-sample.mjs')
  return mutateRanges(JSON.parse(readFileSync(sampleFile, 'utf8')))
}
const sampled = process.env.MUTATION_SAMPLE ? await sampledRanges() : undefined

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // The unit tests are ESM (ts-jest with useESM).
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  // Each mutant runs only the test files that import its file (jest --findRelatedTests) and, of those, only the
  // tests that reached it in the first run: loading all 130 unit test files per mutant cost about 8 s.
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // No TypeScript checker: its grouping (the only mode fast enough here) marked mutants that compile as compile
  // errors (`if (facts.platforms.length > 0)` → `if (true)` in src/cache/plan.ts, which tsc accepts), and it
  // takes one of the two cores. A mutant tsc would refuse is run and counted like any other: a lower bound.
  // index.ts only calls runAction(runnerIo()) with the real process environment: covered by the e2e tests.
  mutate: sampled ?? ['src/**/*.ts', '!src/index.ts'],
  coverageAnalysis: 'perTest',
  // Module-level mutants would each need the whole suite (about 30 s on 2 cores): left out, see TESTING.md.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  // Added to 1.5 × the covering tests' own time: a mutant that loops (a retry, a poll) is stopped soon.
  timeoutMS: 2000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}

// The jest runner for mutation runs (jest.mutation.config.js): jest's own, run only on the test files in which one
// of the mutant's tests is, and stopped at the first file that fails.
//
// For each mutant StrykerJS passes the names of the tests that reached it as `testNamePattern`, and jest
// --findRelatedTests gives every test file that imports the mutated file, however indirectly (42 for
// src/words.ts). jest would load each of those files, with its whole import graph, only to skip every test in
// most of them: 2.8 s of a mutant's run in src/scan/policy.ts, against 0.2 s for the one file whose tests reached
// it. And jest cannot bail when run through its API (StrykerJS sets `bail: false`), so a mutant the first file
// kills still ran every other file.
//
// The first run of a mutation run (StrykerJS's dry run) has no active mutant and runs every test of every file it
// loads: this runner records each file's test names and run time then, in the sandbox. A mutant's run keeps a
// file only when one of its recorded names matches the pattern the way jest matches it (a file it has no record
// of is kept; a static mutant has no pattern and keeps every file), so the same tests run. It runs the file that
// mirrors the mutated one first, then the others from the quickest, one at a time, and stops once a file has a
// failing test: the mutant is killed either way.
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import jestRunner from 'jest-runner'

const recordName = '.mutation-test-names.json'

/** @type {Map<string, {names: string[], ms: number}> | undefined} test file (from rootDir) → its tests, its time */
let recorded

export default class MutantTestRunner extends jestRunner.default {
  async runTests(tests, watcher, options) {
    // jest's runner keeps the global config it was made with as `_globalConfig`.
    const { rootDir, testNamePattern, nonFlagArgs } = this._globalConfig
    const record = path.join(rootDir, recordName)
    // StrykerJS names the mutant a run is for in the environment; its dry run has none.
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined)
      return this.#recording(tests, watcher, options, record)
    recorded ??= readRecord(record)
    // A static mutant (module-level code, `ignoreStatic: false`) has no pattern: every related test runs.
    const pattern = testNamePattern ? new RegExp(testNamePattern, 'i') : undefined
    const mirror = mirrorOf(nonFlagArgs?.[0], rootDir)
    const runnable = tests
      .map((test) => ({ test, file: path.relative(rootDir, test.path) }))
      .filter(
        ({ file }) => !pattern || (recorded.get(file)?.names.some((name) => pattern.test(name)) ?? true)
      )
      .sort((a, b) => rank(a.file, mirror) - rank(b.file, mirror))
    let failed = false
    const offSuccess = this.on('test-file-success', ([, result]) => {
      if (result.numFailingTests > 0 || result.testExecError) failed = true
    })
    const offFailure = this.on('test-file-failure', () => {
      failed = true
    })
    try {
      for (const { test } of runnable) {
        if (failed) break
        await super.runTests([test], watcher, options)
      }
    } finally {
      offSuccess()
      offFailure()
    }
  }

  async #recording(tests, watcher, options, record) {
    const files = readRecord(record)
    const off = this.on('test-file-success', ([test, result]) => {
      files.set(path.relative(this._globalConfig.rootDir, test.path), {
        names: result.testResults.map((assertion) => assertion.fullName),
        ms: result.perfStats.end - result.perfStats.start
      })
    })
    try {
      await super.runTests(tests, watcher, options)
    } finally {
      off()
    }
    writeFileSync(record, JSON.stringify(Object.fromEntries(files)))
  }
}

/** src/scan/policy.ts → __tests__/unit/scan/policy.test.ts */
function mirrorOf(sourceFile, rootDir) {
  if (!sourceFile) return undefined
  const relative = path.relative(path.join(rootDir, 'src'), path.resolve(rootDir, sourceFile))
  return path.join('__tests__/unit', relative.replace(/\.ts$/, '.test.ts'))
}

function rank(file, mirror) {
  return file === mirror ? -1 : (recorded.get(file)?.ms ?? Number.MAX_SAFE_INTEGER)
}

function readRecord(record) {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(record, 'utf8'))))
  } catch {
    return new Map()
  }
}

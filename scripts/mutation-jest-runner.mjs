// The jest runner for mutation runs (jest.mutation.config.js): jest's own, minus the test files in which no test
// can run. For each mutant StrykerJS passes the names of the tests that reached it as `testNamePattern`, and
// jest --findRelatedTests gives every test file that imports the mutated file, however indirectly (42 for
// src/words.ts). jest loads each of those files, with its whole import graph, only to skip every test in most of
// them: 2.8 s of a mutant's run in src/scan/policy.ts, against 0.2 s for the one file whose tests reached it.
//
// The first run of a mutation run (StrykerJS's dry run) has no pattern and runs every test of every file it
// loads: this runner records each file's test names then, in the sandbox. A later run keeps a file only when one of its recorded names
// matches the pattern the way jest matches it, so the tests that run, and their results, are the same. A file it
// has no record of is kept.
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import jestRunner from 'jest-runner'

const recordName = '.mutation-test-names.json'

/** @type {Map<string, string[]> | undefined} test file (relative to rootDir) → its tests' full names */
let recorded

export default class FilteringTestRunner extends jestRunner.default {
  constructor(globalConfig, context) {
    super(globalConfig, context)
    this.globalConfig = globalConfig
  }

  async runTests(tests, watcher, options) {
    const { rootDir, testNamePattern } = this.globalConfig
    const record = path.join(rootDir, recordName)
    if (!testNamePattern) return this.#recording(tests, watcher, options, record)
    recorded ??= readRecord(record)
    const pattern = new RegExp(testNamePattern, 'i')
    const runnable = tests.filter((test) => {
      const names = recorded.get(path.relative(rootDir, test.path))
      return names === undefined || names.some((name) => pattern.test(name))
    })
    return super.runTests(runnable, watcher, options)
  }

  async #recording(tests, watcher, options, record) {
    const names = readRecord(record)
    const off = this.on('test-file-success', ([test, result]) => {
      names.set(
        path.relative(this.globalConfig.rootDir, test.path),
        result.testResults.map((assertion) => assertion.fullName)
      )
    })
    try {
      await super.runTests(tests, watcher, options)
    } finally {
      off()
    }
    writeFileSync(record, JSON.stringify(Object.fromEntries(names)))
  }
}

function readRecord(record) {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(record, 'utf8'))))
  } catch {
    return new Map()
  }
}

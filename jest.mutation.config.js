// The unit project alone, as one flat config: what StrykerJS runs for each mutant (stryker.config.mjs), with a
// runner that skips the test files in which none of the mutant's tests is (scripts/mutation-jest-runner.mjs).
import config from './jest.config.js'

const unit = config.projects.find((project) => project.displayName === 'unit')

export default { ...unit, runner: '<rootDir>/scripts/mutation-jest-runner.mjs' }

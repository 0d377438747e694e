// The unit project alone, as one flat config: what StrykerJS runs for each mutant (stryker.config.mjs), with a
// runner that runs only the test files holding one of the mutant's tests and stops at the first that fails
// (scripts/mutation-jest-runner.mjs).
import config from './jest.config.js'

const unit = config.projects.find((project) => project.displayName === 'unit')

export default { ...unit, runner: '<rootDir>/scripts/mutation-jest-runner.mjs' }

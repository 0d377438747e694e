// The unit project alone, as one flat config: what StrykerJS runs for each mutant (stryker.config.mjs).
import config from './jest.config.js'

export default config.projects.find((project) => project.displayName === 'unit')

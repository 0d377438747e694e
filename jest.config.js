const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // StrykerJS's sandbox copy of the project (npm run test:mutation) is not part of it.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] }
}

// End-to-end and stand-in tests make folders, images and builders outside jest: their environment removes
// what each test file made once the file is done (__tests__/support/scratch.mjs).
const cleaning = '<rootDir>/__tests__/support/environment.mjs'

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testEnvironment: cleaning,
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      slowTestThreshold: 60
    },
    // The stand-ins' own tests: the local stack (daemons, emulation, base images) and each stand-in, for real.
    {
      ...shared,
      displayName: 'support',
      testEnvironment: cleaning,
      testMatch: ['<rootDir>/__tests__/support/**/*.test.ts'],
      slowTestThreshold: 60
    }
  ]
}

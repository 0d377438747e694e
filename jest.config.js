const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // StrykerJS's sandbox copy of the project (npm run test:mutation) is not part of it.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] }
}

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      slowTestThreshold: 60
    },
    // The stand-ins' own tests: the local stack (daemons, emulation, base images) and each stand-in, for real.
    {
      ...shared,
      displayName: 'support',
      testMatch: ['<rootDir>/__tests__/support/**/*.test.ts'],
      slowTestThreshold: 60
    }
  ]
}

/**
 * Integration tier: every `test/integration/**\/*.int-spec.ts` in the workspace, run against the real
 * stack (Kafka + PostgreSQL started by `npm run stack -- up`). Unit specs (`src/**\/*.spec.ts`) run per
 * project through Nx instead. Two workers: each test isolates itself with its own database and topic prefix.
 */
module.exports = {
  displayName: 'integration',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{services,libs,e2e}/**/test/integration/**/*.int-spec.ts'],
  resolver: '@nx/jest/plugins/resolver',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: 2,
  testTimeout: 120000,
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
};

// Unit tests sit beside the code (*.test.ts); integration suites (*.itest.ts) need the real
// control plane that e2e/controlplane builds and starts once per run (globalSetup).
const swc = ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@musubi/core/(.*)$': '<rootDir>/packages/core/src/$1/index.ts',
    '^@musubi/operator/(.*)$': '<rootDir>/operator/src/$1/index.ts',
    '^@musubi/connector/(.*)$': '<rootDir>/connector-image/src/$1/index.ts',
    '^@musubi/trust-services/(.*)$': '<rootDir>/trust-services/src/$1/index.ts',
    '^@musubi/e2e/(.*)$': '<rootDir>/e2e/src/$1/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

export default {
  // watchman hangs on these machines; the node crawler is fast enough for this repo.
  watchman: false,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/src/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/src/**/*.itest.ts', '<rootDir>/e2e/**/*.e2e.ts'],
      globalSetup: '<rootDir>/e2e/jest/global-setup.js',
      globalTeardown: '<rootDir>/e2e/jest/global-teardown.js',
    },
  ],
};

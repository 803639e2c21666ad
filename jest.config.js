/**
 * Jest runs the TypeScript sources as ESM through ts-jest, in three projects that can each run
 * alone (`npm run test:unit`, `test:integration`, `test:harness`); `npm test` runs them all.
 * - unit: the modules in-process, on real databases and a loopback receiver; fast.
 * - integration: the bundled CLI and action as a user runs them (rebuilt first when src/ changed),
 *   the fault suite and the toolkit round trips.
 * - harness: self-tests of the test helpers (receiver, toolkit services, database builders).
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};

const INTEGRATION = [
  '<rootDir>/test/cli/**/*.test.ts',
  '<rootDir>/test/action/action-*.test.ts',
  '<rootDir>/test/faults/**/*.test.ts',
];
const HARNESS = ['<rootDir>/test/harness/**/*.test.ts'];

export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/cli/',
        '<rootDir>/test/action/action-',
        '<rootDir>/test/faults/',
        '<rootDir>/test/harness/',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: INTEGRATION,
      globalSetup: '<rootDir>/test/setup/fresh-bundle.mjs',
    },
    { ...common, displayName: 'harness', testMatch: HARNESS },
  ],
};

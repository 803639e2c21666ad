/**
 * The end-to-end suite (`npm run test:e2e`): our CLI bundle against real peers, tokf 0.2.54, an
 * OpenTelemetry Collector, Prometheus with its promtool and VictoriaMetrics, and the action's
 * workflows under actionlint and nektos/act, built from their registries by the global setup. Apart from the root
 * config's projects because it needs those builds (minutes on a cold machine) and runs serially:
 * its concurrency scenario measures real timing, which other test files would disturb.
 */
export default {
  rootDir: '../..',
  displayName: 'e2e',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  // Not *.test.ts: the root config's unit project takes every test/**/*.test.ts.
  testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
  globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
  maxWorkers: 1,
  testTimeout: 120000,
};

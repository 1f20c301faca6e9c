// Mutation testing of the clinical engine (rules, classification, dose maths): `npm run mutation`.
// Reports and the incremental file live under reports/ (git-ignored); re-runs only test mutants whose code or tests changed.
export default {
  mutate: ['src/engine/**/*.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'coverage', 'dist', 'bench', 'docs', 'fixtures', 'test/integration', 'test/deploy', 'test/fuzz'],
  thresholds: { high: 90, low: 85, break: null },
};

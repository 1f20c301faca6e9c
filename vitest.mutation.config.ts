import { defineConfig } from 'vitest/config';

/** The engine's unit tests only: what Stryker runs against each mutant of src/engine. */
export default defineConfig({
  test: {
    include: ['test/engine/**/*.test.ts'],
    testTimeout: 20_000,
  },
});

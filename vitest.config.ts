import { defineConfig } from 'vitest/config';

// Tests import TypeScript sources directly; `npm test` also builds first so the
// CLI and server tests can start the compiled bin/freshet.js for real.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on two cores: many files wait on DuckDB, child processes or timers, so the run takes ~20% less time than one worker.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

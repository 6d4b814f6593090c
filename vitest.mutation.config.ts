/**
 * The fast unit tests of model/, for mutation testing (`npm run mutation`, StrykerJS): the whole suite
 * projects to hours on two cores. The source-scanning tests (purity, imports) are left out: a mutant of a
 * source file changes its text, not its behaviour, and they would "kill" it for the wrong reason.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['model/**/*.test.ts', 'scenarios/scenarios.test.ts'],
    exclude: [
      'model/components/purity.test.ts',
      'model/imports.test.ts',
      'model/network/simulator.digest.test.ts',
    ],
    pool: 'threads',
    testTimeout: 60_000,
  },
});

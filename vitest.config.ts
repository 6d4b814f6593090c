import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'model/**/*.test.ts',
      'render/**/*.test.ts',
      'formats/**/*.test.ts',
      'properties/**/*.test.ts',
      'scenarios/**/*.test.ts',
      'cli/**/*.test.ts',
      'conformance/**/*.test.ts',
      'scale/**/*.test.ts',
      'workers/**/*.test.ts',
    ],
    pool: 'threads',
    // Several tests run the real CLI or the kernel in namespaces; on a loaded 2-core CI machine a run can
    // take tens of seconds. Speed is measured in bench/, never asserted here.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

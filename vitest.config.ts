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
    ],
    pool: 'threads',
  },
});

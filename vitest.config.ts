import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest test files, started first so that the rest fill in beside them: without a cache of
 *  earlier durations (a fresh clone, CI), vitest's own order may leave the docs test for last. */
const SLOWEST = [
  'cli/docs.test.ts',
  'properties/matrix.test.ts',
  'cli/cli.test.ts',
  'properties/mutants.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? SLOWEST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: SlowestFirst },
    // Several tests run the real CLI or the kernel in namespaces; on a loaded 2-core CI machine a run can
    // take tens of seconds. Speed is measured in bench/, never asserted here.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

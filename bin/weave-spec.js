#!/usr/bin/env node
// The weave-spec command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

// A reader that stops early (`weave-spec replay f | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);

/** Every hand-written scenario, in the order the docs and the CLI list them. */
import { EXPOSE_SCENARIOS } from './expose.ts';
import { FDP_SCENARIOS } from './fdp.ts';
import type { Scenario } from './scenario.ts';
import { SLEEVE_SCENARIOS } from './sleeve.ts';

export const SCENARIOS: readonly Scenario[] = [...SLEEVE_SCENARIOS, ...FDP_SCENARIOS, ...EXPOSE_SCENARIOS];

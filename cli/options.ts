/** Option values the commands share, checked the same way everywhere: a bad one is a UsageError (exit 2). */
import {
  ALL_CONFIGS,
  type Config,
  configById,
  DEFAULT_CONFIGS,
  UnknownConfigError,
} from '../model/config.ts';
import type { Topology } from '../model/topology.ts';
import { WORLDS, type World } from '../properties/arbitraries.ts';
import { DEFAULT_SEED } from '../properties/matrix.ts';
import { UsageError } from './errors.ts';

/** The most generated cases one job may ask for: about a day of work on one core at today's speed. */
export const MAX_RUNS = 1_000_000;
/** The most worker threads or processes a command starts. */
export const MAX_WORKERS = 256;

/** A whole number from `min` to `max` (`--runs`, `--workers`), or `fallback` when the option is absent. */
export function countOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 1,
  max = MAX_RUNS,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

export const runsOption = (value: string | undefined, fallback: number) =>
  countOption('--runs', value, fallback, 1, MAX_RUNS);

/** `--workers`: undefined (one per core) when absent. */
export const workersOption = (value: string | undefined) =>
  value === undefined ? undefined : countOption('--workers', value, 1, 1, MAX_WORKERS);

/** A fast-check seed: a 32-bit signed integer (fast-check keeps 32 bits, so a larger one would silently
 *  equal another); every command defaults to the same one, `DEFAULT_SEED`. */
export function seedOption(value: string | undefined, fallback: number = DEFAULT_SEED): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < -(2 ** 31) || n >= 2 ** 31)
    throw new UsageError(`--seed must be an integer from -2147483648 to 2147483647, not "${value}"`);
  return n;
}

/** `default` (the default scope: the seed's guesses and upstream), `all` (every configuration), or ids,
 *  comma-separated; each configuration once, in the order given. */
export function selectConfigs(value: string | undefined, option = '--config'): readonly Config[] {
  if (value === undefined || value === 'default') return DEFAULT_CONFIGS;
  if (value === 'all') return ALL_CONFIGS;
  const ids = value.split(',').map((s) => s.trim());
  if (ids.some((id) => id === '')) throw new UsageError(`${option}: empty item in "${value}"`);
  return [...new Set(ids)].map((id) => {
    try {
      return configById(id);
    } catch (e) {
      if (e instanceof UnknownConfigError)
        throw new UsageError(`${option}: ${e.message}, or default, or all`);
      throw e;
    }
  });
}

/** `--world`: static, dynamic, or both (the default). */
export function selectWorlds(value: string | undefined): readonly World[] {
  if (value === undefined || value === 'both') return WORLDS;
  if ((WORLDS as readonly string[]).includes(value)) return [value as World];
  throw new UsageError(`--world must be static, dynamic or both, not "${value}"`);
}

/** Above this a topology is refused unless `--large` is given: one case of it takes minutes. */
export const LARGE_TOPOLOGY = { hosts: 64, containers: 512 } as const;

/** Refuses a topology above `LARGE_TOPOLOGY` unless the user asked for it (`--large`). */
export function checkSize(file: string, t: Topology, large: boolean): void {
  const { hosts, containers } = LARGE_TOPOLOGY;
  if (large || (t.hosts.length <= hosts && t.containers.length <= containers)) return;
  throw new UsageError(
    `${file}: ${t.hosts.length} hosts and ${t.containers.length} containers is above ${hosts} hosts or ` +
      `${containers} containers, where one case can take minutes; pass --large to run it anyway`,
  );
}

/** A `--hosts` list of network sizes, from 2 to `max`: sorted, each once. */
export function hostsOption(text: string, max: number): number[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--hosts: empty item in "${text}"`);
  const sizes = items.map((s) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 2 || n > max)
      throw new UsageError(`--hosts: "${s}" is not a whole number of hosts from 2 to ${max}`);
    return n;
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** Option values the commands share, checked the same way everywhere: a bad one is a UsageError (exit 2). */
import {
  ALL_CONFIGS,
  type Config,
  configById,
  DEFAULT_CONFIGS,
  UnknownConfigError,
} from '../model/config.ts';
import { UsageError } from './errors.ts';

/** A whole number >= `min` (`--runs`, `--workers`), or `fallback` when the option is absent. */
export function countOption(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`${name} must be a whole number >= ${min}, not "${value}"`);
  return Number(value);
}

/** A fast-check seed: a 32-bit signed integer. */
export function seedOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < -(2 ** 31) || n >= 2 ** 31)
    throw new UsageError(`--seed must be an integer from -2147483648 to 2147483647, not "${value}"`);
  return n;
}

/** `default` (the default scope: the seed's guesses and upstream), `all` (every configuration), or one id. */
export function selectConfigs(value: string | undefined): readonly Config[] {
  if (value === undefined || value === 'default') return DEFAULT_CONFIGS;
  if (value === 'all') return ALL_CONFIGS;
  try {
    return [configById(value)];
  } catch (e) {
    if (e instanceof UnknownConfigError) throw new UsageError(`${e.message}, or default, or all`);
    throw e;
  }
}

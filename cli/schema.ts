/** `weave-spec schema [NAME]`: prints the JSON Schema of a file format, or lists them. */
import { schemaOf } from '../formats/load.ts';
import { FORMAT_NAMES, type FormatName } from '../formats/types.ts';
import { UsageError } from './errors.ts';

export function runSchema(name: string | undefined, out: (s: string) => void): number {
  if (name === undefined) {
    out(`${FORMAT_NAMES.join('\n')}\n`);
    return 0;
  }
  if (!(FORMAT_NAMES as readonly string[]).includes(name))
    throw new UsageError(`unknown file format "${name}"; valid: ${FORMAT_NAMES.join(', ')}`);
  out(`${JSON.stringify(schemaOf(name as FormatName), null, 2)}\n`);
  return 0;
}

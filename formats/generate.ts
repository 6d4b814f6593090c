/**
 * Generates the JSON Schema of each file format from its TypeScript type with typescript-json-schema.
 * Slow (it type-checks the model), so it runs from `npm run docs` and from the test that keeps the
 * committed schemas current, never when the CLI reads a file.
 */
import { fileURLToPath } from 'node:url';
import * as TJS from 'typescript-json-schema';
import { FORMAT_NAMES, FORMATS, type FormatName } from './types.ts';

const TYPES_FILE = fileURLToPath(new URL('./types.ts', import.meta.url));

export function generateSchemas(): Record<FormatName, object> {
  const program = TJS.getProgramFromFiles([TYPES_FILE], {
    strict: true,
    target: 'ES2022',
    lib: ['ES2022'],
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const settings: TJS.PartialArgs = { required: true, noExtraProps: true, strictNullChecks: true, ref: true };
  const out = {} as Record<FormatName, object>;
  for (const name of FORMAT_NAMES) {
    const schema = TJS.generateSchema(program, FORMATS[name], settings);
    if (!schema) throw new Error(`typescript-json-schema produced no schema for ${FORMATS[name]}`);
    out[name] = { ...schema, $id: `https://weave-spec.invalid/schemas/${name}.schema.json`, title: name };
  }
  return out;
}

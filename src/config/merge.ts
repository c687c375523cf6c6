// Config files and flags together, by one rule: a field the overrides set (flags, the library
// caller) wins over the file's, which wins over the default; user variables merge name by name,
// the overrides' winning; CODE given on the command line replaces the file's code.
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { FunctionConfigInput } from './schema.js';

/** Fields over a file's: what flags (or a library caller) set; the rest comes from the file. */
export type ConfigOverrides = Partial<FunctionConfigInput>;

// The file's function with the overrides applied (the one precedence rule above); a CODE override
// is taken relative to `cwd`.
export function applyOverrides(base: FunctionConfigInput, overrides: ConfigOverrides, cwd = process.cwd()): FunctionConfigInput {
  const { code, userData, ...fields } = overrides;
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { ...base, ...defined, userData: { ...base.userData, ...userData }, code: code === undefined ? base.code : resolve(cwd, code) };
}

// The one function of a file to run: the one named, or the only one.
export function pickFunction(functions: readonly FunctionConfigInput[], name: string | undefined, file: string): FunctionConfigInput {
  const names = functions.map((f) => f.name ?? '(unnamed)');
  if (name !== undefined) {
    const found = functions.find((f) => f.name === name);
    if (!found) throw new ConfigError(`--function ${name}: config file ${file} has no function with that func_name; it has ${names.join(', ')}`, { field: '--function', file });
    return found;
  }
  if (functions.length > 1) {
    throw new ConfigError(`config file ${file} holds several functions (${names.join(', ')}): choose one with --function <name>`, { field: '--function', file });
  }
  return functions[0]!;
}

// One function of a config file (zip paths kept), with the overrides applied (the library's
// createFunction({ configFile }); the CLI's rule is cli/function-source.ts, which uses the same parts).
export async function functionFromFile(file: string, name: string | undefined, overrides: ConfigOverrides = {}, cwd = process.cwd()): Promise<FunctionConfigInput> {
  // Loaded with the first file: a function given without one never loads the file's schema.
  const { loadConfigFile } = await import('./file.js');
  return applyOverrides(pickFunction(await loadConfigFile(file, { unpack: false }), name, file), overrides, cwd);
}

// The functions a command runs, by one rule for every command (docs/cli.md, "Which function runs"):
// a config file (--config, or fgrun.json / fgrun.yaml / fgrun.yml in the current folder when CODE
// is not given) gives the functions, --function picks one of them, CODE replaces the picked
// function's code, and the function flags override each picked function's fields. The only
// difference between commands is `scope`: 'one' function (invoke, build) or 'every' function of the
// file (serve, matrix) when --function picks none. The merge is config/merge.ts's; zip paths are
// kept: createFunction unpacks.
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { findConfigFile } from '../config/file-find.js';
import type { FunctionConfigInput } from '../config/index.js';
import { applyOverrides, pickFunction } from '../config/merge.js';
import { ConfigError } from '../errors.js';
import { configFromFlags, type FunctionFlags } from './function-options.js';

export type SourceFlags = FunctionFlags & {
  config?: string;
  function?: string;
};

/** 'one': a file with several functions needs --function; 'every': all of them run. */
export type SourceScope = 'one' | 'every';

export interface FunctionSources {
  inputs: FunctionConfigInput[];
  /** The config file used, if any. */
  configFile: string | null;
}

// Add --config and --function to a command (`scope` words the help).
export function addConfigOptions(command: Command, scope: SourceScope = 'one'): Command {
  const every = scope === 'every' ? 'every function of it unless --function picks one' : 'the one it holds, or the one --function picks';
  return command
    .option('--config <file>', `read the function from a config file (fgrun.json / fgrun.yaml): ${every}; flags override it (default: fgrun.json, .yaml or .yml here, when CODE is not given)`)
    .option('--function <name>', 'which function of a config file that holds several (its func_name)');
}

// The functions CODE, the flags and the config file give (the rule above).
export async function functionSources(code: string | undefined, flags: SourceFlags, scope: SourceScope, cwd = process.cwd()): Promise<FunctionSources> {
  const fromFlags = configFromFlags(code ?? '.', flags);
  const configFile = flags.config ?? (code === undefined ? findConfigFile(cwd) : null);
  if (configFile === null) {
    if (flags.function !== undefined) throw new ConfigError(`--function ${flags.function} picks a function of a config file: pass --config <file> too`, { field: '--function' });
    return { inputs: [fromFlags], configFile: null };
  }
  const { loadConfigFile } = await import('../config/file.js');
  const functions = await loadConfigFile(configFile, { unpack: false });
  const picked = flags.function !== undefined || scope === 'one' ? [pickFunction(functions, flags.function, configFile)] : functions;
  if (picked.length > 1) {
    const names = picked.map((f) => f.name ?? '(unnamed)').join(', ');
    if (code !== undefined) throw new ConfigError(`CODE ('${code}') replaces the code of one function, and ${configFile} holds several (${names}): pick one with --function <name>`, { field: '--function', file: configFile });
    if (fromFlags.name !== undefined) throw new ConfigError(`--name cannot name all ${picked.length} functions of ${configFile}: set func_name in the file instead, or pick one with --function <name>`, { field: '--name', file: configFile });
  }
  const overrides = code === undefined ? { ...fromFlags, code: undefined } : fromFlags;
  return { inputs: picked.map((f) => applyOverrides(f, overrides, cwd)), configFile };
}

// The functions of `fgrun serve A B C`: several CODE arguments, each folder or zip one function named
// after it, the function flags applied to each. One CODE (or none) follows the rule above; a config
// file lists its own functions, so it does not mix with several CODEs.
export async function functionSourcesOf(codes: string[], flags: SourceFlags, cwd = process.cwd()): Promise<FunctionSources> {
  if (codes.length <= 1) return functionSources(codes[0], flags, 'every', cwd);
  const list = codes.join(' ');
  if (flags.config !== undefined) throw new ConfigError(`--config reads the functions from a file, and ${codes.length} CODE arguments (${list}) each name one: give one or the other`, { field: '--config' });
  if (flags.function !== undefined) throw new ConfigError(`--function picks a function of a config file, and ${codes.length} CODE arguments (${list}) each name one: drop --function`, { field: '--function' });
  if (flags['name'] !== undefined) throw new ConfigError(`--name cannot name all ${codes.length} functions (${list}): each is named after its folder or zip; to choose names, list them with func_name in a config file`, { field: '--name' });
  const seen = new Map<string, string>();
  for (const code of codes) {
    const name = basename(resolve(cwd, code)).replace(/\.zip$/i, '');
    const first = seen.get(name);
    if (first !== undefined) throw new ConfigError(`${first} and ${code} would both be served as '${name}' (a function is named after its folder or zip): rename one, or list them with distinct func_name in a config file`, { field: 'CODE' });
    seen.set(name, code);
  }
  return { inputs: codes.map((code) => configFromFlags(code, flags)), configFile: null };
}

// The one function a command runs ('one' scope).
export async function functionSource(code: string | undefined, flags: SourceFlags, cwd = process.cwd()): Promise<{ input: FunctionConfigInput; configFile: string | null }> {
  const { inputs, configFile } = await functionSources(code, flags, 'one', cwd);
  return { input: inputs[0]!, configFile };
}

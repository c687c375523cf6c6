// The function a command runs: CODE and the function flags, over a config file when there is one
// (--config, or fgrun.json / fgrun.yaml / fgrun.yml in the current folder when CODE is not given).
// Flags override the file; CODE overrides the file's code. Zip paths are kept: prepareCode unpacks.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { findConfigFile, loadConfigFile } from '../config/file.js';
import type { FunctionConfigInput } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { configFromFlags, type FunctionFlags } from './function-options.js';

export interface SourceFlags extends FunctionFlags {
  config?: string;
  function?: string;
}

export interface FunctionSource {
  input: FunctionConfigInput;
  /** The config file used, if any. */
  configFile: string | null;
}

// Add --config and --function to a command.
export function addConfigOptions(command: Command): Command {
  return command
    .option('--config <file>', 'read the function from a config file (fgrun.json / fgrun.yaml); flags override it (default: fgrun.json, .yaml or .yml here, when CODE is not given)')
    .option('--function <name>', "which function of a config file that holds several (its func_name)");
}

// The function's config from CODE, the flags and the config file.
export async function functionSource(code: string | undefined, flags: SourceFlags, cwd = process.cwd()): Promise<FunctionSource> {
  const fromFlags = configFromFlags(code ?? '.', flags);
  const configFile = flags.config ?? (code === undefined ? findConfigFile(cwd) : null);
  if (configFile === null) {
    if (flags.function !== undefined) throw new ConfigError(`--function ${flags.function} picks a function of a config file: pass --config <file> too`, { field: '--function' });
    return { input: fromFlags, configFile: null };
  }
  const fromFile = pick(await loadConfigFile(configFile, { unpack: false }), flags.function, configFile);
  const { code: _code, userData, ...overrides } = fromFlags;
  const input: FunctionConfigInput = {
    ...fromFile,
    ...overrides,
    userData: { ...fromFile.userData, ...userData },
    code: code === undefined ? fromFile.code : resolve(cwd, code),
  };
  return { input, configFile };
}

// The one function to run from a file's list.
function pick(functions: FunctionConfigInput[], name: string | undefined, file: string): FunctionConfigInput {
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

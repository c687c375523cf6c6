// The function a command runs: CODE and the function flags, over a config file when there is one
// (--config, or fgrun.json / fgrun.yaml / fgrun.yml in the current folder when CODE is not given).
// The merge and its precedence are config/merge.ts's; zip paths are kept: createFunction unpacks.
import type { Command } from 'commander';
import { findConfigFile } from '../config/file.js';
import type { FunctionConfigInput } from '../config/index.js';
import { functionFromFile } from '../config/merge.js';
import { ConfigError } from '../errors.js';
import { configFromFlags, type FunctionFlags } from './function-options.js';

export type SourceFlags = FunctionFlags & {
  config?: string;
  function?: string;
};

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
  const overrides = code === undefined ? { ...fromFlags, code: undefined } : fromFlags;
  return { input: await functionFromFile(configFile, flags.function, overrides, cwd), configFile };
}

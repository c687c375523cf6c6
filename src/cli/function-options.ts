// The function flags shared by invoke, serve and matrix, built from the field table
// (config/fields.ts), and their mapping onto FunctionConfigInput.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { credentialsFromEnv } from '../config/credentials.js';
import { defaultWords, FIELDS, flagName, type Field } from '../config/fields.js';
import type { FunctionConfigInput } from '../config/index.js';
import { toRuntimeId } from '../runtimes/index.js';

/** What commander hands over for the function flags: text, lists for repeatable flags, booleans. */
export type FunctionFlags = Record<string, string | string[] | boolean | undefined>;

const TABLE = Object.entries(FIELDS as Record<string, Field>);

const collect = (value: string, previous: string[] = []) => [...previous, value];

// commander's property for a flag: --initializer-timeout -> initializerTimeout.
function property(flag: string): string {
  return flag.split(' ')[0]!.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

// A flag's help: the field's help, and its default when it has one.
function flagHelp(field: Field): string {
  const shown = defaultWords(field);
  const help = field.help.charAt(0).toLowerCase() + field.help.slice(1);
  return shown === undefined ? help : `${help} (default: ${shown})`;
}

// Add the function flags to a command: one per field that has a flag, plus --env-file beside --env.
export function addFunctionOptions(command: Command): Command {
  for (const [key, field] of TABLE) {
    if (field.flag === undefined) continue;
    if (key === 'userData') {
      command.option(field.flag, flagHelp(field), collect);
      command.option('--env-file <file>', 'read user environment variables from a dotenv file (repeatable)', collect);
    } else if (field.flagValue === 'list') {
      command.option(field.flag, `${flagHelp(field)} (repeatable)`, collect);
    } else {
      command.option(field.flag, flagHelp(field));
    }
  }
  return command;
}

/** --debug-port's help, shared by invoke and serve. */
export const DEBUG_PORT_HELP = 'serve a debugger on 127.0.0.1:PORT: debugpy when the function can import it, else pdb for breakpoint() / pdb.set_trace() (docs/debugging.md)';

// --debug-port as a port number, or a ConfigError naming the flag.
export function debugPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 65535) throw new ConfigError(`--debug-port must be a port number from 1 to 65535, got '${value}'`, { field: '--debug-port' });
  return n;
}

// A whole number from a flag, or a ConfigError naming the flag.
function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${flag} must be a whole number, got '${value}'`, { field: flag });
  return Number(value);
}

// One flag's value, checked against its field (the message names the flag), or a ConfigError.
function flagValue(key: string, field: Field & { flag: string }, text: string): unknown {
  const flag = field.flag.split(' ')[0]!;
  if (key === 'runtime') return toRuntimeId(text);
  const value = field.flagValue === 'integer' ? integer(flag, text) : field.flagValue === 'boolean' ? booleanFlag(flag, text) : text;
  const parsed = field.value.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${flag} ${parsed.error.issues[0]!.message}`, { field: flag });
  return parsed.data;
}

// A repeatable flag's values, in order, checked against its field (paths stay relative to the working
// folder, as the config's resolution reads them).
function listValue(field: Field & { flag: string }, texts: string[]): unknown {
  const flag = field.flag.split(' ')[0]!;
  const parsed = field.value.safeParse(texts);
  if (!parsed.success) throw new ConfigError(`${flag} ${parsed.error.issues[0]!.message}`, { field: flag });
  return parsed.data;
}

// true/false from a flag, or a ConfigError naming the flag.
export function booleanFlag(flag: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(`${flag} must be true or false, got '${value}'`, { field: flag });
}

// KEY=VALUE pairs from --env and --env-file, later ones winning.
function userData(flags: FunctionFlags): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of (flags['envFile'] as string[] | undefined) ?? []) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : `cannot read it (${code ?? String(cause)})`;
      throw new ConfigError(`--env-file ${file}: ${why}; give a dotenv file of KEY=VALUE lines`, { field: '--env-file', file, cause });
    }
    // dotenv is loaded only for --env-file.
    Object.assign(data, (createRequire(import.meta.url)('dotenv') as typeof import('dotenv')).parse(text));
  }
  for (const pair of (flags['env'] as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--env expects KEY=VALUE, got '${pair}'`, { field: '--env' });
    data[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return data;
}

// The config the flags describe for the code folder: only what the flags set.
export function configFromFlags(code: string, flags: FunctionFlags): FunctionConfigInput {
  const config: FunctionConfigInput = { code, userData: userData(flags) };
  const set = config as Record<string, unknown>;
  for (const [key, field] of TABLE) {
    if (field.flag === undefined || field.flagValue === 'special') continue;
    const text = flags[property(field.flag)];
    if (field.flagValue === 'switch' && text === true) set[key] = true;
    else if (field.flagValue === 'switch-off' && flags[property(field.flag.replace(/^--no-/, '--'))] === false) set[key] = false;
    else if (field.flagValue === 'list' && Array.isArray(text)) set[key] = listValue({ ...field, flag: field.flag }, text);
    else if (typeof text === 'string') set[key] = flagValue(key, { ...field, flag: field.flag }, text);
  }
  if (flags['credentialsEnv'] === true) config.credentials = credentialsFromEnv(process.env);
  return config;
}

/** Config field -> flag, so errors about a field name the flag the user typed. */
export const FLAG_FOR_FIELD: Record<string, string> = Object.fromEntries([
  ['code', 'CODE'],
  ...TABLE.flatMap(([key, field]) => (field.flag === undefined ? [] : [[key, flagName(field)!]])),
]);

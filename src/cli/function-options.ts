// The function flags shared by invoke, serve and matrix, and their mapping onto FunctionConfigInput.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Option, type Command } from 'commander';
import { ConfigError } from '../errors/index.js';
import { credentialsFromEnv } from '../context/index.js';
import type { FunctionConfigInput } from '../config/index.js';

export interface FunctionFlags {
  handler?: string;
  initializer?: string;
  runtime?: string;
  python?: string;
  memory?: string;
  timeout?: string;
  initializerTimeout?: string;
  env?: string[];
  envFile?: string[];
  name?: string;
  version?: string;
  alias?: string;
  package?: string;
  projectId?: string;
  credentialsEnv?: boolean;
  maxInstances?: string | number;
  hostSitePackages?: boolean;
  apigBase64?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// Add the function flags to a command.
export function addFunctionOptions(command: Command): Command {
  return command
    .option('--handler <file.function>', "handler, '[path/]file.function' (default: index.handler)")
    .option('--initializer <file.function>', 'initializer, run once per instance before its first request')
    .option('--runtime <id>', 'Python2.7, Python3.6, Python3.9, Python3.10 or Python3.12 (default: newest found)')
    .option('--python <path>', "interpreter to use for the runtime (skips discovery)")
    .option('--memory <MB>', 'memory size in MB, one of FunctionGraph\'s sizes (default: 128)')
    .option('--timeout <seconds>', 'handler timeout, 3-259200 (default: 3)')
    .option('--initializer-timeout <seconds>', 'initializer timeout, 1-300 (default: 3)')
    .option('--env <KEY=VALUE>', 'a user environment variable (repeatable); also read with context.getUserData', collect)
    .option('--env-file <file>', 'read user environment variables from a dotenv file (repeatable)', collect)
    .option('--name <name>', 'function name (default: the code folder\'s name)')
    .option('--version <version>', 'function version (default: latest)')
    .option('--alias <alias>', 'alias the function is called through (default: none)')
    .option('--package <package>', 'function group / app (default: default)')
    .option('--project-id <id>', 'project id (default: local)')
    .option('--max-instances <n>', 'instances that may run at once, one request each; more requests queue (default: 10)')
    .option('--host-site-packages', "let the function import the interpreter's own site-packages (the cloud never has them; default: only the standard library, the code and its dependencies)")
    .option('--apig-base64 <true|false>', 'whether the APIG gateway sends request bodies base64-encoded, as the cloud does by default (default: true)')
    .addOption(new Option('--credentials-env', 'give the function the agency credentials in HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_TOKEN'));
}

// A whole number from a flag, or a ConfigError naming the flag.
function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(`${flag} must be a whole number, got '${value}'`, { field: flag });
  return Number(value);
}

// true/false from a flag, or a ConfigError naming the flag.
export function booleanFlag(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(`${flag} must be true or false, got '${value}'`, { field: flag });
}

// KEY=VALUE pairs from --env and --env-file, later ones winning.
function userData(flags: FunctionFlags): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of flags.envFile ?? []) {
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
  for (const pair of flags.env ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--env expects KEY=VALUE, got '${pair}'`, { field: '--env' });
    data[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return data;
}

// The config the flags describe for the code folder.
export function configFromFlags(code: string, flags: FunctionFlags): FunctionConfigInput {
  const config: FunctionConfigInput = { code, userData: userData(flags) };
  if (flags.handler !== undefined) config.handler = flags.handler;
  if (flags.initializer !== undefined) config.initializer = flags.initializer;
  if (flags.runtime !== undefined) config.runtime = flags.runtime;
  if (flags.python !== undefined) config.pythonPath = flags.python;
  const memory = integer('--memory', flags.memory);
  if (memory !== undefined) config.memorySize = memory;
  const timeout = integer('--timeout', flags.timeout);
  if (timeout !== undefined) config.timeout = timeout;
  const initTimeout = integer('--initializer-timeout', flags.initializerTimeout);
  if (initTimeout !== undefined) config.initializerTimeout = initTimeout;
  if (flags.name !== undefined) config.name = flags.name;
  if (flags.version !== undefined) config.version = flags.version;
  if (flags.alias !== undefined) config.alias = flags.alias;
  if (flags.package !== undefined) config.package = flags.package;
  if (flags.projectId !== undefined) config.projectId = flags.projectId;
  if (flags.credentialsEnv) config.credentials = credentialsFromEnv(process.env);
  const maxInstances = integer('--max-instances', flags.maxInstances === undefined ? undefined : String(flags.maxInstances));
  if (maxInstances !== undefined) config.maxInstances = maxInstances;
  if (flags.hostSitePackages) config.hostSitePackages = true;
  const apigBase64 = booleanFlag('--apig-base64', flags.apigBase64);
  if (apigBase64 !== undefined) config.apigBase64 = apigBase64;
  return config;
}

/** Config field -> flag, so errors about a field name the flag the user typed. */
export const FLAG_FOR_FIELD: Record<string, string> = {
  code: 'CODE', handler: '--handler', initializer: '--initializer', runtime: '--runtime', pythonPath: '--python',
  memorySize: '--memory', timeout: '--timeout', initializerTimeout: '--initializer-timeout', userData: '--env',
  name: '--name', version: '--version', alias: '--alias', package: '--package', projectId: '--project-id', maxInstances: '--max-instances',
  hostSitePackages: '--host-site-packages', apigBase64: '--apig-base64',
};

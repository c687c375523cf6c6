// Turns user input into a complete FunctionConfig, or a ConfigError naming the field and what to do.
import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { ConfigError } from '../errors/index.js';
import { ENV_KEY_PATTERN, functionConfigSchema, MAX_USER_DATA_CHARS, RESERVED_ENV, type FunctionConfig, type FunctionConfigInput } from './schema.js';

export interface ResolvedConfig extends FunctionConfig {
  name: string;
}

// Validate and complete a config; `source` names the file or flags it came from in messages.
export function resolveConfig(input: FunctionConfigInput, source?: string): ResolvedConfig {
  const parsed = functionConfigSchema.safeParse(input);
  const where = source ? ` (in ${source})` : '';
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(config)';
    throw new ConfigError(`invalid function config${where}: ${field} ${issue.message}`, { field, file: source, details: { issue: issue.message } });
  }
  const config = parsed.data;
  const code = resolve(config.code);
  let isDir = false;
  try {
    isDir = statSync(code).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ConfigError(`invalid function config${where}: code '${config.code}' is not a folder: point it at the folder holding your handler's .py file`, { field: 'code', file: source });
  checkUserData(config.userData, where, source);
  const name = config.name ?? defaultName(code);
  return { ...config, code, name, dependencies: config.dependencies.map((d) => resolve(d)) };
}

function checkUserData(userData: Record<string, string>, where: string, source?: string): void {
  let chars = 0;
  for (const [key, value] of Object.entries(userData)) {
    if ((RESERVED_ENV as readonly string[]).includes(key)) {
      throw new ConfigError(`invalid function config${where}: userData.${key} is reserved by the FunctionGraph runtime; rename the variable`, { field: `userData.${key}`, file: source });
    }
    if (!ENV_KEY_PATTERN.test(key)) {
      throw new ConfigError(`invalid function config${where}: userData key '${key}' is not a valid variable name: FunctionGraph wants a letter first, then letters, digits and _`, { field: `userData.${key}`, file: source });
    }
    chars += key.length + value.length;
  }
  if (chars > MAX_USER_DATA_CHARS) {
    throw new ConfigError(`invalid function config${where}: userData holds ${chars} characters, FunctionGraph allows ${MAX_USER_DATA_CHARS} for all variables together`, { field: 'userData', file: source });
  }
}

// A FunctionGraph-valid name from the code folder's name.
function defaultName(code: string): string {
  const cleaned = basename(code).replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z]+/, '');
  return (cleaned || 'function').slice(0, 60);
}

// Turns user input into a complete FunctionConfig, or a ConfigError naming the field and what to do.
import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { userDataKeyProblem, userDataSizeProblem } from './fields.js';
import { functionConfigSchema, type FunctionConfig, type UncheckedConfigInput } from './schema.js';

export interface ResolvedConfig extends FunctionConfig {
  name: string;
}

// Validate and complete a config; `source` names the file or flags it came from in messages.
export function resolveConfig(input: UncheckedConfigInput, source?: string): ResolvedConfig {
  const parsed = functionConfigSchema.safeParse(input);
  const where = source ? ` (in ${source})` : '';
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(config)';
    throw new ConfigError(`invalid function config${where}: ${field} ${issue.message}`, { field, file: source, details: { issue: issue.message } });
  }
  const config = parsed.data;
  const code = resolve(config.code);
  if (!isFolder(code)) throw new ConfigError(`invalid function config${where}: code '${config.code}' is not a folder: point it at the folder holding your handler's .py file`, { field: 'code', file: source });
  checkUserData(config.userData, where, source);
  const name = config.name ?? defaultName(code);
  return { ...config, code, name, dependencies: config.dependencies.map((d) => dependencyFolder(d, where, source)) };
}

// A dependency package as an absolute folder (a .zip is unpacked before this), or a ConfigError:
// a path that names nothing would otherwise be left off sys.path without a word.
function dependencyFolder(path: string, where: string, source?: string): string {
  const folder = resolve(path);
  if (isFolder(folder)) return folder;
  const issue = `'${path}' is not a folder or a .zip (looked for ${folder}): give a dependency package, a folder or .zip of a site-packages tree`;
  throw new ConfigError(`invalid function config${where}: dependencies ${issue}`, { field: 'dependencies', file: source, details: { issue } });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// FunctionGraph's rules for user variables (fields.ts), as ConfigErrors naming the variable.
function checkUserData(userData: Record<string, string>, where: string, source?: string): void {
  for (const key of Object.keys(userData)) {
    const problem = userDataKeyProblem(key);
    const named = problem?.startsWith('is reserved') ? `userData.${key}` : `userData key '${key}'`;
    if (problem !== null) throw new ConfigError(`invalid function config${where}: ${named} ${problem}`, { field: `userData.${key}`, file: source });
  }
  const size = userDataSizeProblem(userData);
  if (size !== null) throw new ConfigError(`invalid function config${where}: userData ${size}`, { field: 'userData', file: source });
}

// A FunctionGraph-valid name from the code folder's name.
function defaultName(code: string): string {
  const cleaned = basename(code).replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z]+/, '');
  return (cleaned || 'function').slice(0, 60);
}

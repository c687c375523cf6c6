// loadConfigFile(): fgrun.json / fgrun.yaml / fgrun.yml -> the library's FunctionConfigInput[].
// The file uses FunctionGraph's own field names (see file-schema.ts); paths are relative to the
// file's folder; every error is a ConfigError that names the field and the file.
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { prepareCode } from '../package/index.js';
import { describeIssue } from './file-issues.js';
import { fileFunctionSchema, fileFunctionsSchema, type FileFunction } from './file-schema.js';
import { FIELDS, userDataKeyProblem, userDataSizeProblem, type Field } from './fields.js';
import type { FunctionConfigInput } from './schema.js';
import { resolveConfig } from './validate.js';

export { CONFIG_FILE_NAMES, findConfigFile } from './file-find.js';

export interface LoadConfigOptions {
  /**
   * Unpack .zip code and dependency packages into temporary folders (see prepareCode), so every
   * config can go straight to createFunction. false keeps the paths as written (absolute).
   * @default true
   */
  unpack?: boolean;
}

// Read, validate and convert a config file: one entry per function, in file order.
export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<FunctionConfigInput[]> {
  const file = resolve(path);
  const document = await parseDocument(await readText(path, file), path);
  const entries = validateDocument(document, path);
  const inputs: FunctionConfigInput[] = [];
  for (const [index, entry] of entries.entries()) {
    const at = isMulti(document) ? `functions[${index}].` : '';
    inputs.push(await toInput(entry, at, dirname(file), path));
  }
  if (options.unpack === false) return inputs;
  const prepared: FunctionConfigInput[] = [];
  for (const input of inputs) {
    const ready = await prepareCode(input);
    // Everything else was checked above; this catches what only the library knows, naming the file.
    resolveConfig(ready, path);
    prepared.push(ready);
  }
  return prepared;
}

// The file's text, or a ConfigError naming it.
async function readText(path: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ConfigError(`config file ${path} cannot be read (${code}); check the path given to --config`, { field: '--config', file: path, cause });
  }
}

// JSON for .json, YAML for .yaml/.yml (the yaml package is loaded only for those).
async function parseDocument(text: string, path: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { field: '(file)', file: path, cause });
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    const { parse: parseYaml } = await import('yaml');
    try {
      return parseYaml(text);
    } catch (cause) {
      const message = (cause as Error).message.split('\n')[0];
      throw new ConfigError(`config file ${path} is not valid YAML: ${message}`, { field: '(file)', file: path, cause });
    }
  }
  throw new ConfigError(`config file ${path}: fgrun reads .json, .yaml and .yml config files; rename it or convert it`, { field: '(file)', file: path });
}

// Whether the document is the several-functions form.
function isMulti(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && 'functions' in document;
}

// The function entries of a valid document, or the first problem as a ConfigError.
function validateDocument(document: unknown, path: string): FileFunction[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid(path, '(file)', 'must be an object: one function, or { "functions": [...] }');
  }
  const multi = isMulti(document);
  const parsed = multi
    ? fileFunctionsSchema.safeParse(document, { reportInput: true })
    : fileFunctionSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error.issues[0]!);
    throw invalid(path, field, message);
  }
  const entries = 'functions' in parsed.data ? parsed.data.functions : [parsed.data];
  if (entries.length > 1) checkNames(entries, path);
  return entries;
}

// Several functions need distinct func_names (servers and --function pick them by name).
function checkNames(entries: FileFunction[], path: string): void {
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    if (entry.func_name === undefined) throw invalid(path, `functions[${index}].func_name`, 'is required when the file holds several functions');
    const first = seen.get(entry.func_name);
    if (first !== undefined) throw invalid(path, `functions[${index}].func_name`, `'${entry.func_name}' is already used by functions[${first}]; names must be unique`);
    seen.set(entry.func_name, index);
  }
}

// One entry in the library's terms, with paths resolved against the file's folder.
async function toInput(entry: FileFunction, at: string, base: string, path: string): Promise<FunctionConfigInput> {
  const input: FunctionConfigInput = {
    code: await packagePath(entry.code, `${at}code`, base, path),
    userData: userData(entry, at, path),
    dependencies: [],
  };
  for (const [i, dep] of (entry.dependencies ?? []).entries()) {
    input.dependencies!.push(await packagePath(dep, `${at}dependencies[${i}]`, base, path));
  }
  // Every other field of the table is taken as the file has it, renamed.
  for (const [key, field] of Object.entries(FIELDS as Record<string, Field>)) {
    if (field.file === undefined || key === 'code' || key === 'dependencies') continue;
    const value = (entry as Record<string, unknown>)[field.file];
    if (value !== undefined) (input as Record<string, unknown>)[key] = value;
  }
  return input;
}

// An absolute path to an existing folder or .zip file.
async function packagePath(value: string, field: string, base: string, path: string): Promise<string> {
  const absolute = resolve(base, value);
  let isDir: boolean;
  try {
    const info = await stat(absolute);
    if (!info.isDirectory() && !info.isFile()) throw new Error('not a file');
    isDir = info.isDirectory();
  } catch {
    throw invalid(path, field, `'${value}' does not exist (looked for ${absolute}); paths are relative to the config file's folder`);
  }
  if (!isDir && !absolute.toLowerCase().endsWith('.zip')) {
    throw invalid(path, field, `'${value}' is a file but not a .zip; give a folder or a .zip package`);
  }
  return absolute;
}

// user_data and encrypted_user_data together, as strings, with FunctionGraph's rules.
function userData(entry: FileFunction, at: string, path: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const source of ['user_data', 'encrypted_user_data'] as const) {
    const raw = entry[source];
    if (raw === undefined) continue;
    const object = typeof raw === 'string' ? parseJsonVariables(raw, `${at}${source}`, path) : raw;
    for (const [key, value] of Object.entries(object)) {
      const field = `${at}${source}.${key}`;
      const problem = userDataKeyProblem(key);
      if (problem !== null) throw invalid(path, field, problem);
      if (key in data) throw invalid(path, field, `is also defined in ${at}user_data; define each variable once`);
      data[key] = String(value);
    }
  }
  const size = userDataSizeProblem(data);
  if (size !== null) throw invalid(path, `${at}user_data`, size);
  return data;
}

// FunctionGraph's API form: the variables as a JSON object in a string.
function parseJsonVariables(text: string, field: string, path: string): Record<string, string | number | boolean> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(path, field, 'is a string but not a JSON object; write the variables as an object, or as a JSON object in a string');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, field, 'must hold a JSON object of NAME: value pairs');
  for (const [key, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw invalid(path, `${field}.${key}`, 'must be a string, number or boolean');
  }
  return value as Record<string, string | number | boolean>;
}

// A ConfigError naming the file and the field.
function invalid(path: string, field: string, message: string): ConfigError {
  return new ConfigError(`config file ${path}: ${field} ${message}`, { field, file: path });
}

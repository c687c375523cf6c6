// Config files: FunctionGraph field names -> FunctionConfigInput, and every kind of invalid field
// reported as a ConfigError naming the field and the file.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { findConfigFile, loadConfigFile } from '../../src/config/file.js';
import { configFileJsonSchema } from '../../src/config/file-schema.js';
import { createFunction } from '../../src/function/index.js';
import { fixture, ROOT } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { zipFolder } from '../package/make-zip.js';
import { removeUnpackedPackages } from '../../src/package/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-config-'));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
// Write a config file into its own folder (with a `fn` code folder beside it) and return its path.
function configFile(content: unknown, ext = 'json'): string {
  const folder = join(dir, `case-${++counter}`);
  mkdirSync(join(folder, 'fn'), { recursive: true });
  const file = join(folder, `fgrun.${ext}`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

// The ConfigError loadConfigFile throws for `content`.
async function failure(content: unknown, ext = 'json'): Promise<{ error: ConfigError; file: string }> {
  const file = configFile(content, ext);
  const error = await loadConfigFile(file).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return { error: error as ConfigError, file };
}

describe('loadConfigFile: valid files', () => {
  it('maps every FunctionGraph field of one function onto FunctionConfigInput, code relative to the file', async () => {
    const file = configFile({
      $schema: './node_modules/fgrun/schema/fgrun.schema.json',
      func_name: 'orders-api', package: 'shop', runtime: 'Python3.9', handler: 'src/main.handler',
      code: 'fn', dependencies: [], memory_size: 256, timeout: 30, initializer_handler: 'src/main.init',
      initializer_timeout: 10, user_data: { STAGE: 'dev', PORT: 8080, DEBUG: true },
      encrypted_user_data: { API_KEY: 's3cret' }, version: 'v2', description: 'ignored', max_instance_num: 4, idle_timeout: 30,
      host_site_packages: true, apig_base64: false,
    });
    const folder = file.slice(0, -'/fgrun.json'.length);
    expect(await loadConfigFile(file)).toEqual([{
      code: join(folder, 'fn'), dependencies: [], name: 'orders-api', package: 'shop', runtime: 'Python3.9',
      handler: 'src/main.handler', memorySize: 256, timeout: 30, initializer: 'src/main.init', initializerTimeout: 10,
      userData: { STAGE: 'dev', PORT: '8080', DEBUG: 'true', API_KEY: 's3cret' }, version: 'v2', maxInstances: 4, idleTimeout: 30,
      hostSitePackages: true, apigBase64: false,
    }]);
  });

  it('reads several functions from YAML, and user_data as the API\'s JSON string', async () => {
    const file = configFile([
      'functions:',
      '  - func_name: first',
      '    code: fn',
      '    user_data: \'{"A": "1", "B": 2}\'',
      '  - func_name: second',
      '    code: ../case-1/fn',
      '    runtime: Python2.7',
      '    memory_size: 512',
    ].join('\n'), 'yaml');
    const folder = file.slice(0, -'/fgrun.yaml'.length);
    expect(await loadConfigFile(file)).toEqual([
      { code: join(folder, 'fn'), dependencies: [], name: 'first', userData: { A: '1', B: '2' } },
      { code: join(dir, 'case-1', 'fn'), dependencies: [], name: 'second', runtime: 'Python2.7', memorySize: 512, userData: {} },
    ]);
  });

  it('finds fgrun.json, fgrun.yaml or fgrun.yml in a folder', () => {
    const file = configFile({ code: 'fn' }, 'yml');
    const folder = file.slice(0, -'/fgrun.yml'.length);
    expect(findConfigFile(folder)).toBe(file);
    expect(findConfigFile(join(folder, 'fn'))).toBeNull();
  });

  it('unpacks a .zip code package unless told not to', async () => {
    const file = configFile({ code: 'app.zip', handler: 'src/app/main.handler' });
    const folder = file.slice(0, -'/fgrun.json'.length);
    await zipFolder(fixture('pkg-subfolder'), join(folder, 'app.zip'));
    const [raw] = await loadConfigFile(file, { unpack: false });
    expect(raw!.code).toBe(join(folder, 'app.zip'));
    const [ready] = await loadConfigFile(file);
    expect(ready!.code).not.toBe(raw!.code);
    expect(readFileSync(join(ready!.code, 'src', 'app', 'main.py'), 'utf8')).toBe(readFileSync(fixture('pkg-subfolder/src/app/main.py'), 'utf8'));
  });
});

describe('loadConfigFile: each kind of invalid field names the field and the file', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['unknown field with a near miss', { code: 'fn', memroy_size: 256 }, 'memroy_size', "is not a field fgrun knows: did you mean 'memory_size'?"],
    ['camelCase instead of FunctionGraph\'s name', { code: 'fn', memorySize: 256 }, 'memorySize', "is not a field fgrun knows: did you mean 'memory_size'?"],
    ['wrong type', { code: 'fn', timeout: '30' }, 'timeout', 'must be a number, got "30"'],
    ['too many instances', { code: 'fn', max_instance_num: 0 }, 'max_instance_num', 'must be at least 1'],
    ['memory size not offered', { code: 'fn', memory_size: 100 }, 'memory_size', "must be one of FunctionGraph's sizes: 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240 (got 100)"],
    ['timeout too short', { code: 'fn', timeout: 2 }, 'timeout', 'must be at least 3 (seconds) (got 2)'],
    ['timeout not whole', { code: 'fn', timeout: 3.5 }, 'timeout', 'must be a whole number of seconds (got 3.5)'],
    ['initializer timeout too long', { code: 'fn', initializer_timeout: 301 }, 'initializer_timeout', 'must be at most 300 (seconds) (got 301)'],
    ['bad handler', { code: 'fn', handler: 'index' }, 'handler', "must be '[path/]file.function' with Python identifiers, e.g. 'index.handler' or 'src/index.handler' (split on the last dot: handler() of src/index.py) (got \"index\")"],
    ['bad initializer', { code: 'fn', initializer_handler: 'a-b.init' }, 'initializer_handler', "must be '[path/]file.function' with Python identifiers, e.g. 'index.handler' or 'src/index.handler' (split on the last dot: handler() of src/index.py) (got \"a-b.init\")"],
    ['unknown runtime', { code: 'fn', runtime: 'Python3.8' }, 'runtime', 'must be one of Python2.7, Python3.6, Python3.9, Python3.10, Python3.12 (spelled as FunctionGraph spells it) (got "Python3.8")'],
    ['missing code', { handler: 'index.handler' }, 'code', 'is required'],
    ['code that does not exist', { code: 'nowhere' }, 'code', "'nowhere' does not exist"],
    ['code that is a file but not a zip', { code: 'fgrun.json' }, 'code', "'fgrun.json' is a file but not a .zip; give a folder or a .zip package"],
    ['too many dependencies', { code: 'fn', dependencies: Array.from({ length: 21 }, () => 'fn') }, 'dependencies', 'may list at most 20 dependency packages'],
    ['a dependency that does not exist', { code: 'fn', dependencies: ['fn', 'libs/missing.zip'] }, 'dependencies[1]', "'libs/missing.zip' does not exist"],
    ['bad func_name', { code: 'fn', func_name: '9lives' }, 'func_name', 'must start with a letter and hold letters, digits, _ or - (at most 60 characters) (got "9lives")'],
    ['user_data not an object', { code: 'fn', user_data: ['A=1'] }, 'user_data', 'must be an object of NAME: value pairs (strings, numbers or booleans), or that object as a JSON string; got an array'],
    ['user_data value not a scalar', { code: 'fn', user_data: { A: { nested: true } } }, 'user_data', 'must be an object of NAME: value pairs'],
    ['user_data string not JSON', { code: 'fn', user_data: 'A=1' }, 'user_data', 'is a string but not a JSON object'],
    ['reserved variable', { code: 'fn', user_data: { RUNTIME_FUNC_NAME: 'x' } }, 'user_data.RUNTIME_FUNC_NAME', 'is reserved by the FunctionGraph runtime; rename the variable'],
    ['bad variable name', { code: 'fn', encrypted_user_data: { '1BAD': 'x' } }, 'encrypted_user_data.1BAD', 'is not a valid variable name'],
    ['variable in both', { code: 'fn', user_data: { K: 'a' }, encrypted_user_data: { K: 'b' } }, 'encrypted_user_data.K', 'is also defined in user_data; define each variable once'],
    ['variables too long', { code: 'fn', user_data: { BIG: 'x'.repeat(4094) } }, 'user_data', 'holds 4097 characters; FunctionGraph allows 4096 for all variables together'],
    ['several functions without names', { functions: [{ code: 'fn' }, { code: 'fn', func_name: 'b' }] }, 'functions[0].func_name', 'is required when the file holds several functions'],
    ['several functions with one name', { functions: [{ code: 'fn', func_name: 'a' }, { code: 'fn', func_name: 'a' }] }, 'functions[1].func_name', "'a' is already used by functions[0]; names must be unique"],
    ['an invalid field in the second function', { functions: [{ code: 'fn', func_name: 'a' }, { code: 'fn', func_name: 'b', timeout: 0 }] }, 'functions[1].timeout', 'must be at least 3 (seconds) (got 0)'],
    ['no functions', { functions: [] }, 'functions', 'must list at least one function'],
    ['a list instead of an object', [{ code: 'fn' }], '(file)', 'must be an object: one function, or { "functions": [...] }'],
  ];

  it.each(cases)('%s', async (_name, content, field, message) => {
    const { error, file } = await failure(content);
    expect(error.code).toBe('FGRUN_CONFIG');
    expect(error.kind).toBe('usage');
    expect(error.details).toMatchObject({ field, file });
    const expected = `config file ${file}: ${field} ${message}`;
    expect(error.message.slice(0, expected.length)).toBe(expected);
  });

  it('reports JSON and YAML syntax errors and unknown extensions with the file', async () => {
    const json = await failure('{"code": "fn",}');
    expect(json.error.message).toMatch(new RegExp(`^config file ${json.file} is not valid JSON: `));
    const yaml = await failure('code: fn\ncode: again\n', 'yaml');
    expect(yaml.error.message).toBe(`config file ${yaml.file} is not valid YAML: Map keys must be unique at line 2, column 1:`);
    const toml = await failure('code = "fn"', 'toml');
    expect(toml.error.message).toBe(`config file ${toml.file}: fgrun reads .json, .yaml and .yml config files; rename it or convert it`);
    const missing = await loadConfigFile(join(dir, 'absent.json')).catch((e: ConfigError) => e);
    expect((missing as ConfigError).message).toBe(`config file ${join(dir, 'absent.json')} cannot be read (ENOENT); check the path given to --config`);
  });
});

describe('the JSON Schema for editors', () => {
  const schema = configFileJsonSchema() as { anyOf: Array<{ properties: Record<string, { enum?: unknown[]; description?: string }>; required: string[]; additionalProperties: boolean }> };

  it('is generated from the zod schema: one function or several, FunctionGraph names, enums and docs', () => {
    const [single, several] = schema.anyOf;
    expect(single!.required).toEqual(['code']);
    expect(single!.additionalProperties).toBe(false);
    expect(Object.keys(single!.properties)).toEqual(['$schema', 'code', 'handler', 'type', 'initializer_handler', 'runtime', 'memory_size', 'timeout', 'initializer_timeout', 'func_name', 'version', 'package', 'dependencies', 'max_instance_num', 'idle_timeout', 'host_site_packages', 'sandbox', 'sandbox_network', 'bundled_libraries', 'apig_base64', 'user_data', 'encrypted_user_data', 'description']);
    expect(single!.properties.memory_size!.enum).toEqual([128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240]);
    expect(single!.properties.runtime!.enum).toEqual(['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12']);
    expect(single!.properties.timeout!.description).toBe('Handler timeout in seconds, 3 to 259200. Default: 3.');
    expect(several!.required).toEqual(['functions']);
  });

  it('is what the build writes to schema/fgrun.schema.json (run npm run build first)', () => {
    const shipped = join(ROOT, 'schema', 'fgrun.schema.json');
    expect(existsSync(shipped)).toBe(true);
    expect(JSON.parse(readFileSync(shipped, 'utf8'))).toEqual(configFileJsonSchema());
  });
});

describe.runIf(newestRuntime)('a loaded config runs', () => {
  it('straight from createFunction: the function named, overrides over the file, user data merged by name', async () => {
    const file = configFile({ functions: [
      { func_name: 'other', code: fixture('echo') },
      { func_name: 'deps', code: fixture('pkg-deps'), dependencies: [fixture('pkg-deps-lib')], timeout: 3, user_data: { COLOUR: 'teal', KEEP: 'yes' } },
    ] });
    const handle = await createFunction({ configFile: file, function: 'deps', overrides: { timeout: 7, userData: { COLOUR: 'red' } } });
    try {
      expect(handle.config.name).toBe('deps');
      expect(handle.config.timeout).toBe(7);
      expect(handle.config.userData).toEqual({ COLOUR: 'red', KEEP: 'yes' });
      expect((await handle.invoke({})).result).toMatchObject({ origin: 'pkg-deps-lib', colour: 'red' });
    } finally {
      await handle.close();
    }
  });

  it('with its dependencies and user data', async () => {
    const file = configFile({ code: fixture('pkg-deps'), dependencies: [fixture('pkg-deps-lib')], user_data: { COLOUR: 'teal' } });
    const [input] = await loadConfigFile(file);
    const handle = await createFunction(input!);
    try {
      const invocation = await handle.invoke({});
      expect(invocation.status).toBe('success');
      expect(invocation.result).toEqual({ dep: 'fgrun_demo_dep from a dependency package', origin: 'pkg-deps-lib', extra: null, colour: 'teal', env: 'teal' });
    } finally {
      await handle.close();
    }
  });
});

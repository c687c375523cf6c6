// The library's function config: defaults, and errors that name the field and say what to do.
import { describe, expect, it } from 'vitest';
import { resolveConfig, type FunctionConfigInput } from '../../src/config/index.js';
import { RESERVED_ENV } from '../../src/config/schema.js';
import { fixture } from '../helpers/fixtures.js';

const code = fixture('echo');

describe('resolveConfig', () => {
  it('fills FunctionGraph defaults', () => {
    expect(resolveConfig({ code })).toEqual({
      code, handler: 'index.handler', memorySize: 128, timeout: 3, initializerTimeout: 3, userData: {}, name: 'echo',
      version: 'latest', alias: '', package: 'default', projectId: 'local', credentials: {}, dependencies: [],
      maxInstances: 10, idleTimeout: 60, hostSitePackages: false, sandbox: false, sandboxNetwork: 'host', bundledLibraries: true, apigBase64: true,
    });
  });

  it('refuses exactly the reserved names the reference lists, and keys that break FunctionGraph\'s rule', () => {
    for (const key of RESERVED_ENV) {
      expect(() => resolveConfig({ code, userData: { [key]: '1' } })).toThrow(`invalid function config: userData.${key} is reserved by the FunctionGraph runtime; rename the variable`);
    }
    expect(RESERVED_ENV).toHaveLength(15);
    // Not reserved: other RUNTIME_ names (RUNTIME_LOG_LEVEL is the cloud's own knob), and keys of
    // a letter then letters, digits and _.
    const allowed = { RUNTIME_X: '1', RUNTIME_LOG_LEVEL: 'DEBUG', a: '1', Z9_z: '1' };
    expect(resolveConfig({ code, userData: allowed }).userData).toEqual(allowed);
    for (const key of ['_LEADING', '9LIVES', 'WITH-DASH', 'WITH.DOT', 'SPACE X', '中文', '']) {
      expect(() => resolveConfig({ code, userData: { [key]: '1' } })).toThrow(`invalid function config: userData key '${key}' is not a valid variable name: FunctionGraph wants a letter first, then letters, digits and _`);
    }
  });

  it.each([
    [{ handler: 'index' }, "handler must be '[path/]file.function'"],
    [{ handler: 'src/in-dex.handler' }, "handler must be '[path/]file.function'"],
    [{ initializer: 'init.' }, "initializer must be '[path/]file.function'"],
    [{ memorySize: 100 }, "memorySize must be one of FunctionGraph's sizes: 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240"],
    [{ timeout: 2 }, 'timeout must be at least 3 (seconds)'],
    [{ timeout: 259201 }, 'timeout must be at most 259200 (seconds)'],
    [{ timeout: 3.5 }, 'timeout must be a whole number of seconds'],
    [{ initializerTimeout: 301 }, 'initializerTimeout must be at most 300 (seconds)'],
    [{ name: '9lives' }, 'name must start with a letter'],
    [{ userData: { RUNTIME_MEMORY: '1' } }, 'userData.RUNTIME_MEMORY is reserved by the FunctionGraph runtime; rename the variable'],
    [{ userData: { BIG: 'x'.repeat(5000) } }, 'userData holds 5003 characters; FunctionGraph allows 4096 for all variables together'],
    [{ bogus: 1 }, 'Unrecognized key'],
  ])('refuses %j', (extra, message) => {
    expect(() => resolveConfig({ code, ...extra } as never)).toThrow(expect.objectContaining({ code: 'FGRUN_CONFIG', kind: 'usage', message: expect.stringContaining(message) }));
  });

  it('refuses a code path that is not a folder', () => {
    expect(() => resolveConfig({ code: `${code}/index.py` })).toThrow(/code '.*index\.py' is not a folder: point it at the folder holding your handler's \.py file/);
  });

  it('names the file the config came from', () => {
    expect(() => resolveConfig({ code, timeout: 1 }, 'fgrun.json')).toThrow('invalid function config (in fgrun.json): timeout must be at least 3 (seconds)');
  });
});

describe('FunctionConfigInput types', () => {
  it('completes runtime and memorySize from their unions and refuses others at compile time', () => {
    const typed: FunctionConfigInput = { code, runtime: 'Python3.9', memorySize: 256 };
    // @ts-expect-error Python3.8 is no FunctionGraph runtime id
    const runtime: FunctionConfigInput = { code, runtime: 'Python3.8' };
    // @ts-expect-error 100 MB is no FunctionGraph memory size
    const memory: FunctionConfigInput = { code, memorySize: 100 };
    expect(resolveConfig(typed).runtime).toBe('Python3.9');
    // Any string still passes the library's check; discovery answers it (FGRUN_RUNTIME_UNKNOWN).
    expect(resolveConfig(runtime).runtime).toBe('Python3.8');
    expect(() => resolveConfig(memory)).toThrow("memorySize must be one of FunctionGraph's sizes");
  });
});

// fgrun/testing as a project's vitest suite uses it: imported by package name (the "exports" entry,
// so run `npm run build` first), one describe per runtime found, a function loaded once per runtime.
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllFunctions, functionRuntimes, InvocationFailedError, loadFunction, missingRuntimes } from 'fgrun/testing';
import { fixture } from '../helpers/fixtures.js';
import { runtimesFound } from '../helpers/runtimes.js';

const runtimes = await functionRuntimes();

describe('functionRuntimes', () => {
  it('lists the runtimes found here, oldest first, and the missing ones with their reason', async () => {
    expect(runtimes).toEqual(runtimesFound.map((r) => ({ runtime: r.runtime, version: r.version, path: r.path, name: `${r.runtime} (${r.version})` })));
    const missing = await missingRuntimes();
    expect([...runtimes.map((r) => r.runtime), ...missing.map((m) => m.runtime)].sort()).toEqual(['Python2.7', 'Python3.10', 'Python3.12', 'Python3.6', 'Python3.9']);
    expect(await functionRuntimes({ only: ['python3.12', 'Python2.7'] })).toEqual(runtimes.filter((r) => r.runtime === 'Python2.7' || r.runtime === 'Python3.12'));
    expect(await functionRuntimes({ env: { ...process.env, FGRUN_TEST_RUNTIMES: 'Python3.9' } })).toEqual(runtimes.filter((r) => r.runtime === 'Python3.9'));
    await expect(functionRuntimes({ only: ['Python3.8'] })).rejects.toThrow("fgrun/testing: 'Python3.8' is not a FunctionGraph Python runtime");
  });
});

describe.each(runtimes)('matrix-differ on $name', (runtime) => {
  const fn = loadFunction(fixture('matrix-differ'), { runtime });
  afterAll(() => fn.close());

  it('returns the handler result', async () => {
    expect(await fn.result({ a: 9, b: 2 })).toEqual({ quotient: runtime.runtime === 'Python2.7' ? 4 : 4.5, operands: [9, 2] });
  });

  it('reuses the warm instance across tests', async () => {
    const invocation = await fn.invoke({ a: 1, b: 1 });
    expect(invocation.runtime).toBe(runtime.runtime);
    expect(invocation.python).toBe(runtime.version);
    expect(invocation.summary.coldStart).toBe(false);
    expect((await fn.handle()).runtime.path).toBe(runtime.path);
  });

  it('rejects with the error body and log when the function fails', async () => {
    const error = await fn.result({ a: 1, b: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvocationFailedError);
    const failed = error as InvocationFailedError;
    expect(failed.invocation.status).toBe('error');
    expect(failed.invocation.error!.errorType).toBe('ZeroDivisionError');
    expect(failed.message).toMatch(/^the function ended with status 'error': ZeroDivisionError: function invocation exception, error: .*division.*by zero\n--- log \(last 4 KB\) ---\n.*Start invoke request/s);
  });
});

describe.runIf(runtimes.length > 0)('closeAllFunctions', () => {
  it('closes every function still open; a closed function loads again on next use', async () => {
    const fn = loadFunction({ code: fixture('matrix-agree'), memorySize: 256 });
    const first = await fn.invoke({ numbers: [1] });
    expect(first.result).toEqual({ sum: 1, count: 1, greeting: 'hello world' });
    expect(first.summary).toMatchObject({ coldStart: true, memorySizeMb: 256 });
    await closeAllFunctions();
    const again = await fn.invoke({ numbers: [2] });
    expect(again.summary.coldStart).toBe(true);
    await fn.close();
  });
});

// Issue 19 item 2: failures read as the cloud's logs read them. A module that cannot be imported:
// "failed to import module 'index'(No module named '...')", also as an ERROR line in the log; one
// that raises while importing: "module initialization error(...)"; a failed invocation's Finish line
// says "(invoke Failed)", or "(invoke Failed:RuntimeMemoryExceedLimit)" for the memory limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import type { RuntimeInfo } from '../../src/runtimes/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-failure-texts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A code folder whose index.py is `source`.
function code(name: string, source: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.py'), source);
  return dir;
}

async function invokeOnce(runtime: RuntimeInfo, dir: string, event: object = {}, extra: object = {}) {
  const handle = await createFunction({ code: dir, runtime: runtime.runtime, ...extra });
  try {
    return await handle.invoke(event, { requestId: 'req-1' });
  } finally {
    await handle.close({ mode: 'cancel' });
  }
}

const FINISH_FAILED = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Finish invoke request 'req-1'\(invoke Failed\), duration: [\d.]+ms, billing duration: \d+ms, memory used: [\d.]+MB, billing memory: 128MB, cpu used: [\d.]+U\n$/;

describeEachRuntime('the cloud\'s failure texts', (runtime) => {
  const py2 = runtime.runtime === 'Python2.7';

  it('a module that cannot be imported: failed to import module, as the error and as an ERROR line of the log', async () => {
    const dir = code(`missing-${runtime.runtime}`, 'import Crypto_fgrun_missing\n\ndef handler(event, context):\n    return 1\n');
    const r = await invokeOnce(runtime, dir);
    const missing = py2 ? 'No module named Crypto_fgrun_missing' : "No module named 'Crypto_fgrun_missing'";
    const message = `function entry exception, error: failed to import module 'index'(${missing})`;
    expect(r.error!.errorMessage).toBe(message);
    expect(r.log).toMatch(new RegExp(`\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ req-1 ERROR ${message.replace(/[()'.]/g, '\\$&')}\\n`));
    expect(r.log).toMatch(FINISH_FAILED);
  });

  it('a module that raises while importing: module initialization error', async () => {
    const dir = code(`raises-${runtime.runtime}`, 'raise ValueError("Cannot load native module")\n\ndef handler(event, context):\n    return 1\n');
    const r = await invokeOnce(runtime, dir);
    expect(r.error!.errorMessage).toBe('function entry exception, error: module initialization error(ValueError: Cannot load native module)');
    expect(r.log).toContain('req-1 ERROR function entry exception, error: module initialization error(ValueError: Cannot load native module)\n');
  });

  it('a handler that raises: its Finish line says (invoke Failed); a success\'s does not', async () => {
    const dir = code(`handler-raises-${runtime.runtime}`, 'def handler(event, context):\n    if event.get("fail"):\n        raise KeyError("x")\n    return 1\n');
    expect((await invokeOnce(runtime, dir, { fail: true })).log).toMatch(FINISH_FAILED);
    expect((await invokeOnce(runtime, dir)).log).toMatch(/Finish invoke request 'req-1', duration: /);
  });
}, undefined, { concurrent: true });

it.runIf(newestRuntime)('the memory limit: (invoke Failed:RuntimeMemoryExceedLimit)', async () => {
  const r = await invokeOnce(newestRuntime!, fixture('fault-memory'), { mb: 200 }, { memorySize: 128, timeout: 30 });
  expect(r.status).toBe('oom');
  expect(r.log).toMatch(/Finish invoke request 'req-1'\(invoke Failed:RuntimeMemoryExceedLimit\), duration: /);
});

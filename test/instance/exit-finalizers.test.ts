// The interpreter's orderly exit after `shutdown` still runs what the function left for it, exactly
// as it did before the bootstrap froze its own objects ahead of the function's import
// (bootstrap/main.py, 3.7+): the atexit handlers; the finalizer of an object only the exit's garbage
// collection reaches, which CPython itself runs there from 3.10 on (2.7 never collects a cycle with
// __del__; 3.6 and 3.9 tear the module down first); and a buffered file the function never closed,
// flushed on 2.7, lost on 3.x when a reference cycle holds it (CPython's own behavior, the same
// without fgrun's freeze: docs/performance.md, "Issue 22, fifth pass").
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import type { RuntimeId } from '../../src/runtimes/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const scratch = mkdtempSync(join(tmpdir(), 'fgrun-exit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXPECTED: Record<RuntimeId, { log: string; buffered: string }> = {
  'Python2.7': { log: 'atexit ran\n', buffered: 'buffered, never closed\n' },
  'Python3.6': { log: 'atexit ran\n', buffered: '' },
  'Python3.9': { log: 'atexit ran\n', buffered: '' },
  'Python3.10': { log: 'atexit ran\ncycle finalized\n', buffered: '' },
  'Python3.12': { log: 'atexit ran\ncycle finalized\n', buffered: '' },
};

describeEachRuntime('the exit after shutdown', (runtime) => {
  it('runs the atexit handlers and the exit collection of the function\'s objects', async () => {
    const path = join(scratch, runtime.runtime);
    const fn = await createFunction({ code: fixture('exit-finalizers'), runtime: runtime.runtime, pythonPath: runtime.path }, { maxInstances: 1 });
    const invocation = await fn.invoke({ path });
    expect(invocation.status).toBe('success');
    await fn.close();
    expect(readFileSync(path, 'utf8')).toBe(EXPECTED[runtime.runtime].log);
    expect(readFileSync(path + '.buffered', 'utf8')).toBe(EXPECTED[runtime.runtime].buffered);
  });
}, undefined, { concurrent: true });

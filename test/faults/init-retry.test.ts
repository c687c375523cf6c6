// An initializer that fails abandons its instance and a fresh one tries again: three attempts in
// all, then the request fails with the initialization error (status init-error, code 4009 text).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { removeTempDirs, stillRunning, tempDir } from './processes.js';

afterAll(removeTempDirs);

const attemptsIn = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map(Number);

describe.concurrent('initializer retries', () => {
  describeEachRuntime('initializer retries', (runtime) => {
    const open = (userData: Record<string, string>) =>
      createFunction({ code: fixture('fault-init-fails'), initializer: 'index.init', runtime: runtime.runtime, pythonPath: runtime.path, userData });

    it('fails after exactly three attempts on three fresh instances, with the last error', async () => {
      const file = join(tempDir(), 'attempts');
      const fn = await open({ ATTEMPTS_FILE: file });
      try {
        const failed = await fn.invoke({});
        const pids = attemptsIn(file);
        expect(pids).toHaveLength(3);
        expect(new Set(pids).size).toBe(3);
        expect(failed.status).toBe('init-error');
        expect(failed.error!.errorMessage).toBe('function initialization exception, error: database unreachable (attempt 3)');
        expect(failed.error!.errorType).toBe('RuntimeError');
        expect(failed.log).toContain('initializer attempt 1 in ');
        expect(failed.log).toContain('initializer attempt 3 in ');
        expect(await stillRunning(pids)).toEqual([]);
        expect(fn.stats()).toMatchObject({ instances: 0, started: 0 });
        // The next request tries three fresh instances again.
        await fn.invoke({});
        expect(attemptsIn(file)).toHaveLength(6);
      } finally {
        await fn.close();
      }
    });

    it('succeeds on the second attempt when the first one fails', async () => {
      const file = join(tempDir(), 'attempts');
      const fn = await open({ ATTEMPTS_FILE: file, FAIL_TIMES: '1' });
      try {
        const ok = await fn.invoke({});
        expect(ok.status).toBe('success');
        const pids = attemptsIn(file);
        expect(pids).toHaveLength(2);
        expect((ok.result as { pid: number }).pid).toBe(pids[1]);
        expect(ok.log).toContain('database unreachable (attempt 1)');
        expect(ok.summary.coldStart).toBe(true);
        expect(await stillRunning([pids[0]!])).toEqual([]);
        const again = await fn.invoke({});
        expect(again.summary.coldStart).toBe(false);
        expect(attemptsIn(file)).toHaveLength(2);
      } finally {
        await fn.close();
      }
    });
  });
});

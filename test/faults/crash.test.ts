// Every crash kind is answered with status `crash` (exit code or signal in FunctionGraph's error
// body), the instance is retired, and the next request is served by a fresh instance.
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { isRunning, removeTempDirs, stillRunning, tempDir } from './processes.js';

afterAll(removeTempDirs);

const CRASH = 'runtime process exited unexpectedly, error: ';

// Invoke and expect a crash with this message; then a success from a different pid.
async function crashThenRecover(fn: FunctionHandle, event: object, message: string): Promise<void> {
  const first = await fn.invoke({ n: 0 });
  const pid = (first.result as { pid: number }).pid;
  const crashed = await fn.invoke(event);
  expect(crashed.status).toBe('crash');
  expect(crashed.error).toEqual({ errorMessage: CRASH + message, errorType: 'RuntimeExited', stackTrace: [] });
  expect(crashed.body).toBe(JSON.stringify(crashed.error));
  expect(await stillRunning([pid])).toEqual([]);
  const next = await fn.invoke({ n: 2 });
  expect(next.status).toBe('success');
  expect(next.summary.coldStart).toBe(true);
  expect((next.result as { n: number; pid: number }).n).toBe(2);
  expect((next.result as { pid: number }).pid).not.toBe(pid);
}

describe.concurrent('crashes', () => {
  describeEachRuntime('crash kinds', (runtime) => {
    const open = (code = fixture('fault-crash'), userData: Record<string, string> = {}) =>
      createFunction({ code, runtime: runtime.runtime, pythonPath: runtime.path, userData });

    it('os._exit(5): "exited with code 5", then a fresh instance', async () => {
      const fn = await open();
      try {
        await crashThenRecover(fn, { crash: 'exit', code: 5 }, 'runtime process exited with code 5');
      } finally {
        await fn.close();
      }
    });

    it('a segfault: "killed by signal SIGSEGV", then a fresh instance', async () => {
      const fn = await open();
      try {
        await crashThenRecover(fn, { crash: 'segfault' }, 'runtime process killed by signal SIGSEGV');
      } finally {
        await fn.close();
      }
    });

    it('closing the protocol pipes: the bootstrap cannot answer, "exited with code 1", keeping the log', async () => {
      const fn = await open();
      try {
        await crashThenRecover(fn, { crash: 'close-pipe' }, 'runtime process exited with code 1');
        const again = await fn.invoke({ crash: 'close-pipe' });
        expect(again.log).toContain('closing the protocol pipes\n');
        expect(again.log).toContain('Bad file descriptor');
      } finally {
        await fn.close();
      }
    });

    it('closing the protocol pipes and living on: crash "closed its protocol channel" without waiting for the timeout', async () => {
      const fn = await open();
      try {
        // The 3 s timeout would answer 'timeout': the crash answer itself proves nobody waited for it.
        await crashThenRecover(fn, { crash: 'close-pipe', sleep: 20 }, 'the runtime process closed its protocol channel');
      } finally {
        await fn.close();
      }
    });

    it('closing the protocol pipes and running on, then exiting: the exit code, however long the exit takes past the grace', async () => {
      const fn = await open();
      try {
        // Busy for 1 s (four 250 ms graces) without its channel, as an exit descheduled on a loaded machine.
        await crashThenRecover(fn, { crash: 'close-pipe', spin: 1, code: 7 }, 'runtime process exited with code 7');
      } finally {
        await fn.close();
      }
    });

    it('SIGKILL from outside while the request runs: "killed by signal SIGKILL"', async () => {
      const fn = await createFunction({ code: fixture('fault-sleep'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 30 });
      try {
        let pid = 0;
        const killed = fn.invoke({ seconds: 20 }, {
          onLog: (text) => {
            const m = /sleeping (\d+)/.exec(text);
            if (m && !pid) {
              pid = Number(m[1]);
              process.kill(pid, 'SIGKILL');
            }
          },
        });
        const crashed = await killed;
        expect(crashed.status).toBe('crash');
        expect(crashed.error!.errorMessage).toBe(CRASH + 'runtime process killed by signal SIGKILL');
        expect(crashed.log).toContain(`sleeping ${pid}\n`);
        const next = await fn.invoke({ seconds: 0 });
        expect(next.status).toBe('success');
        expect((next.result as { pid: number }).pid).not.toBe(pid);
      } finally {
        await fn.close();
      }
    });

    it('an interpreter that dies while importing the module: crash with exit code 7, then a fresh start', async () => {
      const fn = await open(fixture('fault-exit-on-import'), { FAULT_MARKER_DIR: tempDir() });
      try {
        const died = await fn.invoke({});
        expect(died.status).toBe('crash');
        expect(died.error!.errorMessage).toBe(CRASH + 'runtime process exited with code 7 while loading the function');
        expect(died.log).toContain('dying during import\n');
        const next = await fn.invoke({});
        expect(next.status).toBe('success');
        expect(isRunning((next.result as { pid: number }).pid)).toBe(true);
        expect(fn.stats()).toMatchObject({ instances: 1, idle: 1, started: 1 });
      } finally {
        await fn.close();
      }
    });

    it('requests queued behind a start-up death are served by the next instance', async () => {
      const fn = await createFunction({ code: fixture('fault-exit-on-import'), runtime: runtime.runtime, pythonPath: runtime.path, userData: { FAULT_MARKER_DIR: tempDir() } }, { maxInstances: 1 });
      try {
        const answers = await Promise.all([0, 1, 2, 3].map(() => fn.invoke({})));
        expect(answers.map((a) => a.status)).toEqual(['crash', 'success', 'success', 'success']);
        expect(new Set(answers.slice(1).map((a) => (a.result as { pid: number }).pid)).size).toBe(1);
      } finally {
        await fn.close();
      }
    });

    it('requests queued behind a crashing one are all answered, each with its own result', async () => {
      const fn = await createFunction({ code: fixture('fault-crash'), runtime: runtime.runtime, pythonPath: runtime.path }, { maxInstances: 1 });
      try {
        const events = [{ n: 1 }, { crash: 'exit', code: 9 }, { n: 3 }, { crash: 'segfault' }, { n: 5 }, { n: 6 }];
        const answers = await Promise.all(events.map((e) => fn.invoke(e)));
        expect(answers.map((a) => a.status)).toEqual(['success', 'crash', 'success', 'crash', 'success', 'success']);
        expect(answers.filter((a) => a.status === 'success').map((a) => (a.result as { n: number }).n)).toEqual([1, 3, 5, 6]);
        expect(answers[1]!.error!.errorMessage).toBe(CRASH + 'runtime process exited with code 9');
        expect(fn.stats()).toMatchObject({ instances: 1, started: 3, retired: 2, peakInstances: 1 });
      } finally {
        await fn.close();
      }
    });
  });
});

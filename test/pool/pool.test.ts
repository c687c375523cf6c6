// The pool: idle reuse before scale-out, at most maxInstances, a FIFO queue, idle reaping, and
// close() in both modes. Pool behaviour is the same for every runtime: these run on the newest.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClosedError, createFunction, resolveConfig } from '../../src/index.js';
import { configFromFlags } from '../../src/cli/function-options.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { isRunning, stillRunning } from '../faults/processes.js';
import { liveProcessGroups } from '../../src/instance/index.js';

// Resolve once `condition` holds (polled; the test's own timeout bounds the wait).
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

const runtime = newestRuntime!;
const open = (options: { maxInstances?: number; idleTimeout?: number; timeout?: number } = {}) =>
  createFunction({ code: fixture('fault-sleep'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: options.timeout ?? 30, idleTimeout: options.idleTimeout }, { maxInstances: options.maxInstances });
const pidOf = (answer: { result: unknown }) => (answer.result as { pid: number }).pid;

describe.runIf(newestRuntime).concurrent('pool', () => {
  it('reuses the idle instance before starting another', async () => {
    const fn = await open({ maxInstances: 4 });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await fn.invoke({}));
      expect(new Set(answers.map(pidOf)).size).toBe(1);
      expect(answers.map((a) => a.summary.coldStart)).toEqual([true, false, false, false, false]);
      expect(fn.stats()).toEqual({ instances: 1, idle: 1, busy: 0, starting: 0, queued: 0, started: 1, retired: 0, peakInstances: 1 });
    } finally {
      await fn.close();
    }
  });

  it('scales out to maxInstances and no further; queued requests reuse those instances', async () => {
    const fn = await open({ maxInstances: 3 });
    try {
      const running = Array.from({ length: 9 }, () => fn.invoke({ seconds: 0.2 }));
      await new Promise((r) => setTimeout(r, 50));
      expect(fn.stats()).toMatchObject({ instances: 3, queued: 6 });
      const answers = await Promise.all(running);
      expect(answers.every((a) => a.status === 'success')).toBe(true);
      expect(new Set(answers.map(pidOf)).size).toBe(3);
      expect(answers.filter((a) => a.summary.coldStart)).toHaveLength(3);
      expect(fn.stats()).toEqual({ instances: 3, idle: 3, busy: 0, starting: 0, queued: 0, started: 3, retired: 0, peakInstances: 3 });
    } finally {
      await fn.close();
    }
  });

  it('serves queued requests first in, first out', async () => {
    const fn = await open({ maxInstances: 1 });
    try {
      const order: number[] = [];
      await Promise.all(Array.from({ length: 12 }, (_, i) => fn.invoke({ seconds: 0.01 }).then(() => order.push(i))));
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      await fn.close();
    }
  });

  it('stops instances idle for idleTimeout (warm ones on their last idle time); the next request starts a fresh one', async () => {
    const fn = await open({ maxInstances: 2, idleTimeout: 0.3 });
    try {
      const pids = (await Promise.all([fn.invoke({ seconds: 0.1 }), fn.invoke({ seconds: 0.1 })])).map(pidOf);
      expect(fn.stats()).toMatchObject({ instances: 2, idle: 2 });
      // A warm request takes an idle instance at once; idle again, it is reaped on its new idle time.
      const warm = await fn.invoke({});
      expect(warm.summary.coldStart).toBe(false);
      expect(pids).toContain(pidOf(warm));
      expect(fn.stats()).toMatchObject({ instances: 2, idle: 2, busy: 0 });
      expect(await stillRunning(pids, 3000)).toEqual([]);
      expect(fn.stats()).toMatchObject({ instances: 0, idle: 0, retired: 2 });
      const next = await fn.invoke({});
      expect(next.summary.coldStart).toBe(true);
      expect(pids).not.toContain(pidOf(next));
    } finally {
      await fn.close();
    }
  });

  it('an instance being retired keeps its slot until its process has exited: never more than maxInstances interpreters', async () => {
    // fault-slow-exit lingers at exit until the teardown ladder's SIGKILL (about 1 s after the stop).
    const fn = await createFunction({ code: fixture('fault-slow-exit'), runtime: runtime.runtime, pythonPath: runtime.path, idleTimeout: 0.2 }, { maxInstances: 1 });
    // This function's interpreters only (the other tests of this file run beside it).
    const mine = () => liveProcessGroups().filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes('RUNTIME_FUNC_NAME=fault-slow-exit');
      } catch {
        return false;
      }
    });
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, mine().length); }, 5);
    try {
      const first = pidOf(await fn.invoke({}));
      await until(() => fn.stats().retired === 1);
      expect([isRunning(first), fn.stats().instances]).toEqual([true, 1]);
      const second = await fn.invoke({});
      expect(second.summary.coldStart).toBe(true);
      expect([pidOf(second) === first, isRunning(first)]).toEqual([false, false]);
    } finally {
      clearInterval(sampler);
      await fn.close();
    }
    expect(peak).toBe(1);
  });

  it("close() drains: queued and running requests are answered, later invokes throw, no process is left", async () => {
    const fn = await open({ maxInstances: 2 });
    const running = Array.from({ length: 6 }, () => fn.invoke({ seconds: 0.1 }));
    await new Promise((r) => setTimeout(r, 20));
    const closed = fn.close();
    await expect(fn.invoke({})).rejects.toBeInstanceOf(ClosedError);
    const answers = await Promise.all(running);
    await closed;
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill('success'));
    expect(answers.map(pidOf).filter(isRunning)).toEqual([]);
    expect(fn.stats()).toMatchObject({ instances: 0, queued: 0, started: 2, retired: 2 });
  });

  it("close({ mode: 'cancel' }): running requests end as crashes, queued ones reject with ClosedError", async () => {
    const fn = await open({ maxInstances: 2 });
    const pids: number[] = [];
    const onLog = (text: string) => { const m = /sleeping (\d+)/.exec(text); if (m) pids.push(Number(m[1])); };
    const running = Array.from({ length: 5 }, () => fn.invoke({ seconds: 20 }, { onLog }).then((a) => a, (e: unknown) => e));
    while (pids.length < 2) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    await fn.close({ mode: 'cancel' });
    // Far less than the requests' 20 s: they were killed, not awaited (generous on a loaded machine).
    expect(performance.now() - t0).toBeLessThan(15_000);
    const answers = await Promise.all(running);
    const crashes = answers.filter((a) => !(a instanceof Error)) as Array<{ status: string; error: { errorMessage: string } }>;
    expect(crashes.map((a) => [a.status, a.error.errorMessage])).toEqual(Array(2).fill(
      ['crash', 'runtime process exited unexpectedly, error: the function handle was closed (cancel) while the request ran']));
    const refused = answers.filter((a) => a instanceof Error) as ClosedError[];
    expect(refused).toHaveLength(3);
    expect(refused.every((e) => e instanceof ClosedError && e.message === 'the function handle was closed (cancel) before this request started')).toBe(true);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('maxInstances defaults to 10, comes from the config or --max-instances, and is validated', () => {
    const code = fixture('fault-sleep');
    expect(resolveConfig({ code }).maxInstances).toBe(10);
    expect(resolveConfig({ code }).idleTimeout).toBe(60);
    expect(resolveConfig(configFromFlags(code, { maxInstances: '4' })).maxInstances).toBe(4);
    expect(() => configFromFlags(code, { maxInstances: 'four' })).toThrow("--max-instances must be a whole number, got 'four'");
    expect(() => resolveConfig({ code, maxInstances: 0 })).toThrow('invalid function config: maxInstances must be at least 1');
  });

  it('createFunction follows the config maxInstances unless the option overrides it', async () => {
    const fromConfig = await createFunction({ code: fixture('fault-sleep'), pythonPath: runtime.path, runtime: runtime.runtime, maxInstances: 2 });
    const overridden = await createFunction({ code: fixture('fault-sleep'), pythonPath: runtime.path, runtime: runtime.runtime, maxInstances: 2 }, { maxInstances: 5 });
    const byDefault = await createFunction({ code: fixture('fault-sleep'), pythonPath: runtime.path, runtime: runtime.runtime });
    expect([fromConfig.config.maxInstances, overridden.config.maxInstances, byDefault.config.maxInstances]).toEqual([2, 5, 10]);
    await Promise.all([fromConfig.close(), overridden.close(), byDefault.close()]);
  });
});

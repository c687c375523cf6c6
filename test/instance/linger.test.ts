// The host's half of lingering (src/instance/linger.ts): while the only operation in the host is an
// invoke and the instance's last handler was quick, the event loop keeps turning (setImmediate)
// until the answer comes or 0.1 ms passed, so that it never sleeps in between.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpuBudget } from '../../src/platform/index.js';
import { Instance } from '../../src/instance/index.js';
import { LINGER_MS, Linger, QUICK_MS, stayAwake } from '../../src/instance/linger.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { unpaused } from '../helpers/unpaused.js';
import { fixture } from '../helpers/fixtures.js';

// Run stayAwake with a queue for setImmediate and a clock that moves 0.03 ms a turn; `stopAt`: the
// turn at which the answer comes. Returns the turns run.
function turns(stopAt = Infinity): number {
  const queue: Array<() => void> = [];
  let t = 0;
  let n = 0;
  stayAwake(() => n < stopAt, LINGER_MS, (turn) => queue.push(turn), () => t);
  while (queue.length) {
    const turn = queue.shift()!;
    n++;
    t += 0.03;
    turn();
  }
  return n;
}

it('keeps the loop turning until the answer comes, for at most LINGER_MS', () => {
  expect([LINGER_MS, QUICK_MS]).toEqual([0.1, 0.05]);
  // 0.03, 0.06, 0.09 ms: another turn each; at 0.12 ms the window is over.
  expect(turns()).toBe(4);
  // The answer came during the second turn: no third.
  expect(turns(2)).toBe(2);
});

describeEachRuntime('the host lingers for a quick handler\'s next answer', (runtime) => {
  let instance: Instance;
  beforeAll(async () => {
    instance = unpaused(new Instance({ config: resolveConfig({ code: fixture('bench-work'), runtime: runtime.runtime, pythonPath: runtime.path }), runtime }));
    expect((await instance.start()).kind).toBe('done');
  });
  afterAll(() => instance?.stop());

  // The lingers started (the instance's one Linger, started again) and the setImmediate calls made
  // while an invoke of `ms` of work runs, its handler's duration, and whether the instance then
  // counts as quick.
  async function invoke(ms: number): Promise<{ lingers: number; immediates: number; durationMs: number; quick: boolean }> {
    const real = globalThis.setImmediate;
    const start = Object.getOwnPropertyDescriptor(Linger.prototype, 'start')!;
    let immediates = 0;
    let lingers = 0;
    globalThis.setImmediate = ((fn: (...args: unknown[]) => void, ...args: unknown[]) => {
      immediates++;
      return real(fn, ...args);
    }) as typeof setImmediate;
    Object.defineProperty(Linger.prototype, 'start', {
      ...start,
      value(this: Linger, ...args: Parameters<Linger['start']>): void {
        lingers++;
        (start.value as Linger['start']).apply(this, args);
      },
    });
    let durationMs = NaN;
    try {
      const outcome = await instance.invoke(`w${ms}`, Buffer.from(JSON.stringify({ ms })));
      if (outcome.kind !== 'done') throw new Error(outcome.kind);
      durationMs = outcome.message.durationMs;
    } finally {
      globalThis.setImmediate = real;
      Object.defineProperty(Linger.prototype, 'start', start);
    }
    return { lingers, immediates, durationMs, quick: (instance as unknown as { pace: { quick: boolean } }).pace.quick };
  }

  it('turns the loop for the answer after a quick handler, never after a slow one, and only with two CPUs to keep busy', async () => {
    const multicore = cpuBudget() >= 2;
    // Handlers of 0 ms, with one of 5 ms among them. Whether a 0 ms handler came in under QUICK_MS
    // is the machine's doing; what follows from it is exact: quick is its duration under QUICK_MS,
    // and the next answer is waited for awake exactly when the last handler was quick.
    const work = [0, 0, 0, 5, 0, ...Array<number>(45).fill(0)];
    let last: { quick: boolean } | null = null;
    let awake = 0;
    for (const ms of work) {
      const r = await invoke(ms);
      expect(r.quick).toBe(r.durationMs < QUICK_MS);
      if (ms === 5) expect(r.quick).toBe(false);
      // A linger may queue no turn of its own: one the last invoke's linger left queued serves it.
      // One that does not linger turns the loop not once.
      const lingers = last !== null && multicore && last.quick;
      expect(r.lingers).toBe(lingers ? 1 : 0);
      if (!lingers) expect(r.immediates).toBe(0);
      if (lingers) awake++;
      last = r;
    }
    // At least one answer was waited for awake (on a host with another CPU).
    expect(awake > 0).toBe(multicore);
  });
});

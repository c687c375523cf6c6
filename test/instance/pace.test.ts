// The host's linger after an invoke that had to wake the bootstrap (src/instance/linger.ts, the
// contract's LINGER_RECOVER_US): while the caller keeps the instance busy (invokes under BUSY_MS
// apart), the loop stays awake up to RECOVER_MS for that answer, since a sleeping bootstrap answers
// late (its CPU's wake-up, a cold first turn) and a host asleep by then would make the next exchange
// slow too. Driven with a queue for setImmediate, a clock of the test's own and a mapped channel
// that records what the linger does with it, so every count is exact. The host is taken to run
// nothing else (soleWorker() true): this file is about the pace.
import { expect, it } from 'vitest';
import { BUSY_MS, LINGER_MS, Pace, RECOVER_MS, SHARED_CPU_AGAIN_MS, SHARED_CPU_LASTING_MS, SHARED_CPU_MAX_MS, SHARED_CPU_MS, stayAwake } from '../../src/instance/linger.js';

type Channel = NonNullable<Pace['map']>;

// A mapped channel with nothing to deliver: its looks, wakes and sleeps counted; `sleepy` as set.
function channel(): { map: Channel; looks: () => number; wakes: () => number; sleeps: () => number } {
  let looks = 0;
  let wakes = 0;
  let sleeps = 0;
  const map = {
    sleepy: false,
    poll: () => (looks++, false),
    wake: () => void wakes++,
    sleep: () => void sleeps++,
  } as unknown as Channel;
  return { map, looks: () => looks, wakes: () => wakes, sleeps: () => sleeps };
}

// Run the queued turns, the clock moving `step` ms a turn; the turns run.
function drain(queue: Array<() => void>, clock: { t: number }, step = 0.03): number {
  let n = 0;
  while (queue.length) {
    clock.t += step;
    n++;
    queue.shift()!();
  }
  return n;
}

it('stays awake up to `recover` for an invoke the channel says found the bootstrap asleep, LINGER_MS otherwise', () => {
  expect([LINGER_MS, RECOVER_MS, BUSY_MS]).toEqual([0.1, 0.5, 1]);
  const queue: Array<() => void> = [];
  const clock = { t: 0 };
  const schedule = (turn: () => void): void => void queue.push(turn);
  for (const [sleepy, expected] of [[false, 4], [true, 17]] as const) {
    const c = channel();
    c.map.sleepy = sleepy;
    clock.t = 0;
    stayAwake(() => true, LINGER_MS, schedule, () => clock.t, c.map, RECOVER_MS);
    // Awake while the clock is under the limit: 0.03 ms a turn, so 4 turns for 0.1 ms, 17 for 0.5;
    // two looks in the channel a turn.
    expect([drain(queue, clock), c.looks(), c.sleeps()], `sleepy ${sleepy}`).toEqual([expected, 2 * expected, 1]);
  }
  // The channel says so once the invoke is sent, after the linger is set up: its turns read it then.
  const c = channel();
  clock.t = 0;
  stayAwake(() => true, LINGER_MS, schedule, () => clock.t, c.map, RECOVER_MS);
  c.map.sleepy = true;
  expect(drain(queue, clock)).toBe(17);
  // An answer ends it at once, whatever the limit.
  let due = true;
  stayAwake(() => due, LINGER_MS, schedule, () => clock.t, c.map, clock.t + RECOVER_MS);
  queue.push(() => void (due = false));
  expect(drain(queue, clock)).toBe(3);
  expect(c.sleeps()).toBe(1);
});

it('gives an invoke the longer limit only when the caller keeps the instance busy (the last invoke under BUSY_MS before)', () => {
  const queue: Array<() => void> = [];
  const clock = { t: 0 };
  const pace = new Pace(() => true, (turn) => void queue.push(turn), () => clock.t, () => true);
  const c = channel();
  pace.map = c.map;
  c.map.sleepy = true;
  // [the invoke's start in ms, the turns its linger runs]: the first never lingers; then each
  // invoke that starts under 1 ms after the last, with the bootstrap asleep, waits up to 0.5 ms.
  const starts: Array<[number, number | null]> = [[0, null], [0.5, 17], [5, 4], [5.9, 17], [7, 4], [7.99, 17]];
  const seen: Array<[number, number | null]> = [];
  for (const [start, expected] of starts) {
    pace.answered(0.01);
    clock.t = start;
    const linger = pace.invoking(start);
    seen.push([start, linger ? drain(queue, clock) : null]);
    expect(seen.at(-1), `invoke at ${start} ms`).toEqual([start, expected]);
  }
  // The bootstrap awake: LINGER_MS however busy the caller.
  c.map.sleepy = false;
  clock.t = 8.5;
  expect(pace.invoking(8.5)).toBe(true);
  expect(drain(queue, clock)).toBe(4);
  // A slow handler last: no linger at all, and the channel told the host sleeps.
  const sleeps = c.sleeps();
  pace.answered(5);
  expect(pace.invoking(8.7)).toBe(true);
  expect([queue.length, c.sleeps()]).toEqual([0, sleeps + 1]);
});

it('keeps one linger for all its invokes: the next invoke takes over a turn still queued (one chain of turns, never two), one that does not linger stops it, an answer in a look may begin the next at once', () => {
  const queue: Array<() => void> = [];
  const clock = { t: 0 };
  const pace = new Pace(() => true, (turn) => void queue.push(turn), () => clock.t, () => true);
  // The channel's looks counted, and when a linger ended (sleep() with its last look), to 0.01 ms.
  let looks = 0;
  const lastLooks: number[] = [];
  let inLook: (() => boolean) | null = null;
  pace.map = {
    sleepy: false,
    poll: () => (looks++, inLook?.() ?? false),
    wake: () => {},
    sleep: (look = true) => void (look && lastLooks.push(Math.round(clock.t * 100) / 100)),
  } as unknown as Channel;
  expect(pace.invoking(0)).toBe(false);
  pace.answered(0.01);
  // An invoke lingers: one turn queued; it runs (two looks) and queues the next.
  expect(pace.invoking(0.5)).toBe(true);
  expect(queue).toHaveLength(1);
  clock.t = 0.53;
  queue.shift()!();
  expect([queue.length, looks]).toEqual([1, 2]);
  // The next invoke begins before that turn: it goes on as the new invoke's, with the new window
  // (0.6 + 0.1 ms: at 0.03 ms a turn, 4 turns), and only that window's end says the host sleeps.
  clock.t = 0.6;
  expect(pace.invoking(0.6)).toBe(true);
  expect(queue).toHaveLength(1);
  expect([drain(queue, clock), looks, lastLooks]).toEqual([4, 10, [0.72]]);
  // An invoke that does not linger (the last handler slow) stops a turn still queued: no look, no end.
  expect(pace.invoking(1)).toBe(true);
  pace.answered(5);
  expect(pace.invoking(1.1)).toBe(true);
  expect([drain(queue, clock), looks, lastLooks.length]).toEqual([1, 10, 1]);
  // An answer found in a look, whose settling begins the next invoke there and then: that invoke's
  // linger turns on, its window whole.
  pace.answered(0.01);
  clock.t = 2;
  expect(pace.invoking(2)).toBe(true);
  inLook = () => {
    inLook = null;
    pace.answered(0.01);
    return pace.invoking(clock.t);
  };
  clock.t = 2.03;
  queue.shift()!();
  // The look that delivered is that turn's last: no second look after it.
  expect([queue.length, looks]).toEqual([1, 11]);
  expect([drain(queue, clock), looks, lastLooks]).toEqual([4, 19, [0.72, 2.15]]);
});

it('stops lingering once windows that passed while the interpreter waited for the host\'s own CPU kept passing so for SHARED_CPU_LASTING_MS: SHARED_CPU_MS, doubled each time it goes on right after, up to SHARED_CPU_MAX_MS', () => {
  expect([SHARED_CPU_MS, SHARED_CPU_MAX_MS, SHARED_CPU_LASTING_MS, SHARED_CPU_AGAIN_MS]).toEqual([2, 64, 4, 3]);
  const queue: Array<() => void> = [];
  const clock = { t: 0 };
  let due = true;
  const pace = new Pace(() => due, (turn) => void queue.push(turn), () => clock.t, () => true);
  let together = true;
  let looked = 0;
  pace.placement = { together: () => (looked++, together) };
  expect(pace.invoking(0)).toBe(false);
  pace.answered(0.01);
  // An invoke at `t` whose window passes (0.1 ms: 4 turns of 0.03, so it ends at t + 0.12); the
  // window's end, where the placement was looked at.
  const windowPasses = (t: number): number => {
    clock.t = t;
    expect(pace.invoking(t), `invoke at ${t}`).toBe(true);
    expect(drain(queue, clock)).toBe(4);
    return clock.t;
  };
  // `n` windows that pass, each begun 0.5 ms after the last one's end (their ends 0.62 ms apart),
  // with no pause taken: the last one's end.
  const noPause = (end: number, n: number): number => {
    const shared = pace.shared;
    for (let k = 0; k < n; k++) end = windowPasses(end + 0.5);
    expect(pace.shared, `${n} windows to ${end}`).toBe(shared);
    return end;
  };
  // Once: a task that came and went, as far as the host knows; lingering goes on.
  let end = windowPasses(1);
  expect([looked, pace.shared]).toEqual([1, 0]);
  // Again over 3 ms after (3.12): a run of its own, and five more of it span 3.1 ms, under 4.
  end = windowPasses(end + 3);
  end = noPause(end, 5);
  expect(looked).toBe(7);
  // A window that found them apart ends the run: the next begins one (without it, the run above
  // would span 4.34 ms there).
  together = false;
  end = windowPasses(end + 0.5);
  together = true;
  end = noPause(end, 1);
  // An answer in time between changes nothing (nothing is looked at there); six more windows of
  // the run span 3.72 ms, and the seventh, at 4.34 ms, begins the pause.
  clock.t = end + 0.1;
  expect(pace.invoking(clock.t)).toBe(true);
  due = false;
  expect(drain(queue, clock)).toBe(1);
  due = true;
  end = noPause(end, 6);
  expect(looked).toBe(15);
  end = windowPasses(end + 0.5);
  expect(pace.shared).toBe(1);
  // No invoke lingers (nor asks the bootstrap to) for 2 ms from that window's end.
  for (const t of [end + 0.1, end + 1, end + 1.99]) {
    expect(pace.invoking(t), `${t}`).toBe(false);
    expect(queue).toHaveLength(0);
  }
  // The run goes on right after the pause (a window 0.13 ms after its end): paused again at once,
  // 4 ms, then 8, ... up to 64.
  let last = 2;
  for (const pause of [4, 8, 16, 32, 64, 64]) {
    const shared = pace.shared;
    end = windowPasses(end + last + 0.01);
    expect(pace.shared, `after a pause of ${last}`).toBe(shared + 1);
    expect(pace.invoking(end + pause - 0.01), `pause ${pause}`).toBe(false);
    last = pause;
  }
  expect(pace.shared).toBe(7);
  // A window right after that found them apart: the next run must last again, and its pause is
  // still doubled (it began within 64 ms of the last pause's end).
  together = false;
  end = windowPasses(end + 64 + 0.01);
  together = true;
  end = noPause(end, 7);
  end = windowPasses(end + 0.5);
  expect(pace.shared).toBe(8);
  expect(pace.invoking(end + 63.99)).toBe(false);
  // Long after the last pause (more than its 64 ms): back to 2 ms.
  end = windowPasses(end + 64 + 65);
  end = noPause(end, 6);
  end = windowPasses(end + 0.5);
  expect(pace.shared).toBe(9);
  expect(pace.invoking(end + 1.99)).toBe(false);
  end = windowPasses(end + 2.01);
  expect(pace.shared).toBe(10);
  // The first window after that pause (4 ms) over 3 ms after its end: not the same run, no pause.
  // That run, once it has lasted, pauses for 8 ms: it began within 4 ms of the last pause's end
  // (3.62 ms after).
  end = windowPasses(end + 4 + 3.5);
  expect(pace.shared).toBe(10);
  end = noPause(end, 6);
  end = windowPasses(end + 0.5);
  expect(pace.shared).toBe(11);
  expect(pace.invoking(end + 7.99)).toBe(false);
  together = false;
  end = windowPasses(end + 8.01);
  // The interpreter elsewhere (or asleep): windows that pass change nothing, lingering goes on.
  end = noPause(end, 5);
  expect(pace.invoking(end + 0.01)).toBe(true);
  // An answer within the window: nothing is looked at.
  drain(queue, clock);
  const before = looked;
  clock.t += 5;
  expect(pace.invoking(clock.t)).toBe(true);
  due = false;
  expect(drain(queue, clock)).toBe(1);
  expect(looked).toBe(before);
});

// The headline's rotation: every subject warmed up, then blocks in an order that rotates by one
// each round; a subject given as several processes alike runs its blocks on them in turn (each
// warmed up first) and is measured as one. The calls here are plain promises; their "process" is
// this one (its CPU is what the accounting reads).
import { describe, expect, it } from 'vitest';
import { rotate, type Subject } from '../../bench/measure.js';

// A subject copy that records the indices it was called with.
function recorder(log: Array<[string, number]>, name: string): Subject {
  return { call: async (i) => { log.push([name, i]); }, pids: [process.pid] };
}

describe('bench rotate()', () => {
  it('spreads a subject\'s blocks over its processes in turn and warms each up first', async () => {
    const log: Array<[string, number]> = [];
    const m = await rotate({
      a: [recorder(log, 'a0'), recorder(log, 'a1'), recorder(log, 'a2')],
      b: recorder(log, 'b'),
    }, 60, 6, 4);

    // Warm-up: 4 calls to each copy of a, then 4 to b, at negative indices.
    expect(log.slice(0, 16)).toEqual([
      ...[0, 1, 2].flatMap((k) => [-4, -3, -2, -1].map((i) => [`a${k}`, i])),
      ...[-4, -3, -2, -1].map((i) => ['b', i]),
    ]);
    // Then 6 rounds of a block of 10 each (after 1 unrecorded call: a tenth of a block), the order
    // rotating by one each round; round r runs a's block on copy r % 3.
    // Each block's first call (indices 0, 10, ... 50), in the order they ran.
    const blocks = log.slice(16).filter(([, i]) => i >= 0 && i % 10 === 0);
    expect(blocks).toEqual([
      ['a0', 0], ['b', 0], ['b', 10], ['a1', 10], ['a2', 20], ['b', 20],
      ['b', 30], ['a0', 30], ['a1', 40], ['b', 40], ['b', 50], ['a2', 50],
    ]);
    // Each copy ran exactly 20 measured calls: two blocks of 10.
    for (const copy of ['a0', 'a1', 'a2']) expect(log.filter(([n, i]) => n === copy && i >= 0)).toHaveLength(20);
    expect([m.a.calls, m.a.blocks, m.b.calls, m.b.blocks]).toEqual([60, 6, 60, 6]);
  });
});

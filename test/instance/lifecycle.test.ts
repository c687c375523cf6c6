// The instance lifecycle: the transition table, the states a real instance goes through, and the
// teardown ladder (shutdown, then SIGTERM, then SIGKILL, each after STOP_GRACE_MS).
import { describe, expect, it } from 'vitest';
import { canMove, checkMove, Instance, STOP_GRACE_MS, type InstanceState } from '../../src/instance/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { isRunning } from '../faults/processes.js';

const STATES: InstanceState[] = ['starting', 'initializing', 'idle', 'busy', 'stopping', 'stopped'];

describe('lifecycle table', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = STATES.flatMap((from) => STATES.filter((to) => canMove(from, to)).map((to) => `${from}->${to}`));
    expect(allowed).toEqual([
      'starting->idle', 'starting->stopping', 'starting->stopped',
      'initializing->idle', 'initializing->stopping', 'initializing->stopped',
      'idle->initializing', 'idle->busy', 'idle->stopping', 'idle->stopped',
      'busy->idle', 'busy->stopping', 'busy->stopped',
      'stopping->stopped',
    ]);
  });

  it('throws on a move it does not allow, and allows staying put', () => {
    expect(() => checkMove('stopped', 'idle')).toThrow('illegal instance lifecycle move stopped -> idle');
    expect(() => checkMove('stopping', 'busy')).toThrow('illegal instance lifecycle move stopping -> busy');
    expect(checkMove('busy', 'idle')).toBe('idle');
    expect(checkMove('stopping', 'stopping')).toBe('stopping');
  });
});

describe.runIf(newestRuntime).concurrent('instance', () => {
  const make = (code: string, initializer?: string) =>
    new Instance({ config: resolveConfig({ code: fixture(code), initializer }), runtime: newestRuntime! });

  it('goes starting -> idle -> initializing -> idle -> busy -> idle -> stopping -> stopped', async () => {
    const instance = make('fault-env', 'index.init');
    const seen: InstanceState[] = [instance.state];
    const started = instance.start();
    seen.push(instance.state);
    expect((await started).kind).toBe('done');
    seen.push(instance.state);
    const init = instance.initialize('init-1');
    seen.push(instance.state);
    expect((await init).kind).toBe('done');
    seen.push(instance.state);
    const ran = instance.invoke('req-1', Buffer.from('{}'));
    seen.push(instance.state);
    expect((await ran).kind).toBe('done');
    seen.push(instance.state);
    const stopped = instance.stop();
    seen.push(instance.state);
    await stopped;
    seen.push(instance.state);
    expect(seen).toEqual(['starting', 'starting', 'idle', 'initializing', 'idle', 'busy', 'idle', 'stopping', 'stopped']);
    expect(isRunning(instance.pid)).toBe(false);
  });

  it('refuses a second request while busy, as a crash outcome naming why, without disturbing the first', async () => {
    const instance = make('fault-sleep');
    await instance.start();
    const first = instance.invoke('a', Buffer.from('{"seconds": 0.2}'));
    const second = await instance.invoke('b', Buffer.from('{}'));
    expect(second).toMatchObject({ kind: 'crash', reason: 'the instance is already working on another request' });
    expect((await first).kind).toBe('done');
    await instance.stop();
  });

  it('climbs the teardown ladder to SIGKILL when the interpreter ignores shutdown and SIGTERM', async () => {
    const instance = make('fault-slow-exit');
    await instance.start();
    const t0 = performance.now();
    await instance.stop();
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(2 * STOP_GRACE_MS - 20);
    expect(took).toBeLessThan(2 * STOP_GRACE_MS + 15_000);
    expect(isRunning(instance.pid)).toBe(false);
  });
});

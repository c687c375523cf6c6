// The pool's logic with process-free members (PoolMember): reuse of the most recent idle member,
// the FIFO queue at maxInstances, a retired member's slot going to the queue, failed warm-ups,
// idle reaping and close() in both modes, all without an interpreter.
import { describe, expect, it } from 'vitest';
import { ClosedError } from '../../src/errors.js';
import type { InstanceState } from '../../src/instance/index.js';
import { Pool, type PoolMember } from '../../src/pool/index.js';

let nextPid = 1000;

class Member implements PoolMember {
  readonly pid = nextPid++;
  state: InstanceState = 'idle';
  readonly calls: string[] = [];
  private exited!: () => void;
  readonly exit = new Promise<void>((resolve) => { this.exited = resolve; });

  kill(): void {
    this.calls.push('kill');
    this.state = 'stopped';
    this.exited();
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
    this.state = 'stopped';
    this.exited();
  }

  abort(reason: string): void {
    this.calls.push(`abort: ${reason}`);
  }
}

type Warm = { instance: Member | null; failed?: string };

// A pool whose `start` makes a fresh member (or fails the warm-up when `fail` says so).
function pool(maxInstances: number, idleTimeoutMs = 60_000, fail: (id: string) => boolean = () => false) {
  const started: string[] = [];
  const p = new Pool<Member, Warm>({
    name: 'logic', maxInstances, idleTimeoutMs,
    start: async (id) => {
      started.push(id);
      return fail(id) ? { instance: null, failed: id } : { instance: new Member() };
    },
  });
  return { p, started };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('pool logic (no processes)', () => {
  it('reuses the most recently released idle member before starting another', async () => {
    const { p, started } = pool(4);
    const a = (await p.acquire('r1')).instance!;
    const b = (await p.acquire('r2')).instance!;
    p.release(a);
    p.release(b);
    expect(p.acquireIdle()).toBe(b);
    expect(p.acquireIdle()).toBe(a);
    expect(p.acquireIdle()).toBeNull();
    expect(started).toEqual(['r1', 'r2']);
    expect(p.stats()).toMatchObject({ instances: 2, idle: 0, busy: 2, started: 2, peakInstances: 2 });
  });

  it('queues at maxInstances in FIFO order; a released member goes to the head of the queue', async () => {
    const { p, started } = pool(1);
    const a = (await p.acquire('r1')).instance!;
    const order: string[] = [];
    const second = p.acquire('r2').then((got) => { order.push('r2'); return got; });
    const third = p.acquire('r3').then((got) => { order.push('r3'); return got; });
    expect(p.stats().queued).toBe(2);
    p.release(a);
    expect((await second).instance).toBe(a);
    p.release(a);
    expect((await third).instance).toBe(a);
    expect(order).toEqual(['r2', 'r3']);
    expect(started).toEqual(['r1']);
  });

  it('acquireThen: a waiting request gets a released member inside release() itself, in FIFO order with acquire()', async () => {
    const { p, started } = pool(1);
    const got: string[] = [];
    const fail = (e: Error) => got.push(`failed: ${e.message}`);
    let a: Member | null = null;
    p.acquireThen('r1', (m) => { got.push('r1 starts'); void (m as Promise<{ instance: Member | null }>).then((w) => { a = w.instance; }); }, fail);
    await until(() => a !== null);
    const third = p.acquire('r3');
    // Queued behind r3: served second, and synchronously from release().
    p.acquireThen('r4', (m) => got.push(m === a ? 'r4 reuses' : 'r4 other'), fail);
    expect(p.stats().queued).toBe(2);
    p.release(a!);
    expect((await third).instance).toBe(a);
    expect(got).toEqual(['r1 starts']);
    p.release(a!);
    expect(got).toEqual(['r1 starts', 'r4 reuses']);
    expect(p.stats()).toMatchObject({ busy: 1, queued: 0, idle: 0 });
    p.release(a!);
    // Idle: taken at once.
    p.acquireThen('r5', (m) => got.push(m === a ? 'r5 reuses' : 'r5 other'), fail);
    expect(got.at(-1)).toBe('r5 reuses');
    p.release(a!);
    await p.close('drain');
    p.acquireThen('r6', () => got.push('r6 ran'), fail);
    expect(got.at(-1)).toBe('failed: the function handle is closed: create a new one with createFunction()');
    expect(started).toEqual(['r1']);
  });

  it('acquireThen: a waiting request is rejected with ClosedError on close(\'cancel\')', async () => {
    const { p } = pool(1);
    const a = (await p.acquire('r1')).instance!;
    const failures: Error[] = [];
    p.acquireThen('r2', () => failures.push(new Error('ran')), (e) => failures.push(e));
    const closing = p.close('cancel');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(ClosedError);
    p.release(a);
    await closing;
    expect(a.calls).toEqual(['abort: the function handle was closed (cancel) while the request ran', 'kill']);
  });

  it('gives a retired member\'s slot to the head of the queue, which starts a fresh member', async () => {
    const { p, started } = pool(1);
    const a = (await p.acquire('r1')).instance!;
    const waiting = p.acquire('r2');
    a.state = 'stopped'; // its request failed (crash, timeout, oom)
    p.release(a);
    const got = await waiting;
    expect(got.instance).not.toBe(a);
    expect(got.warmUp).toEqual({ instance: got.instance });
    expect(a.calls).toEqual(['kill']);
    expect(started).toEqual(['r1', 'r2']);
    expect(p.stats()).toMatchObject({ instances: 1, busy: 1, retired: 1, started: 2 });
  });

  it('answers a failed warm-up with it, and frees its slot', async () => {
    const { p } = pool(1, 60_000, (id) => id === 'bad');
    expect(await p.acquire('bad')).toEqual({ instance: null, warmUp: { instance: null, failed: 'bad' } });
    expect(p.stats()).toMatchObject({ instances: 0, starting: 0, started: 0 });
    expect((await p.acquire('good')).instance).toBeInstanceOf(Member);
  });

  it('stops a member idle for idleTimeoutMs', async () => {
    const { p } = pool(2, 5);
    const a = (await p.acquire('r1')).instance!;
    p.release(a);
    await until(() => a.calls.length > 0);
    expect(a.calls).toEqual(['stop']);
    expect(p.stats()).toMatchObject({ instances: 0, idle: 0, retired: 1 });
  });

  it("close('drain') serves queued requests first; close('cancel') rejects them and aborts running ones", async () => {
    const drained = pool(1);
    const a = (await drained.p.acquire('r1')).instance!;
    const queued = drained.p.acquire('r2');
    const closing = drained.p.close('drain');
    await expect(drained.p.acquire('late')).rejects.toBeInstanceOf(ClosedError);
    drained.p.release(a);
    expect((await queued).instance).toBe(a);
    drained.p.release(a);
    await closing;
    expect(a.calls).toEqual(['stop']);

    const cancelled = pool(1);
    const b = (await cancelled.p.acquire('r1')).instance!;
    const waiting = cancelled.p.acquire('r2');
    const closed = cancelled.p.close('cancel');
    await expect(waiting).rejects.toBeInstanceOf(ClosedError);
    expect(b.calls).toEqual(['abort: the function handle was closed (cancel) while the request ran']);
    cancelled.p.release(b);
    await closed;
    expect(b.calls).toContain('kill');
  });
});

// The instances of one function, as FunctionGraph runs them: one request per instance at a time,
// concurrency from more instances.
//   - An idle instance is reused before a new one starts (the most recently used first, so the least
//     recently used age out); below `maxInstances` a request with none idle starts its own.
//   - At `maxInstances` requests wait in a FIFO queue. A released instance goes straight to the head
//     of the queue; a retired one (crash, timeout, oom) frees a slot in which the head of the queue
//     starts a fresh instance. Invariant: the queue is empty unless every slot is taken.
//   - Idle instances are stopped after `idleTimeoutMs` without a request.
//   - close('drain') (the default) refuses new requests, serves every accepted one (queued ones
//     included), then stops all instances. close('cancel') rejects queued requests with ClosedError,
//     ends in-flight ones as crashes and kills everything. Both resolve once every process has exited.
import { performance } from 'node:perf_hooks';
import { ClosedError } from '../errors.js';
import type { InstanceState } from '../instance/index.js';
import { hostLog } from '../log.js';
import { Fifo } from './fifo.js';

/**
 * What the pool needs of an instance: instance/Instance is one; test/pool/pool-logic.test.ts gives
 * the pool process-free ones, so its logic is tested without interpreters.
 */
export interface PoolMember {
  readonly pid: number;
  readonly state: InstanceState;
  /** Resolves once the process has exited. */
  readonly exit: Promise<void>;
  kill(): void;
  stop(): Promise<void>;
  abort(reason: string): void;
}

/** What the pool's `start` resolves to: a warmed-up instance, or none when the warm-up failed. */
export interface Started<M extends PoolMember> {
  instance: M | null;
}

/** An instance for one request (with its warm-up when the request started it), or a failed warm-up. */
export type Acquired<M, W> = { instance: M; warmUp: W | null } | { instance: null; warmUp: W };

export interface PoolOptions<W, R> {
  /** The function's name, for the host log (FGRUN_LOG_LEVEL=debug shows instance starts and retirements). */
  name: string;
  maxInstances: number;
  idleTimeoutMs: number;
  /** Start and warm up an instance for a request (what acquire() was given); `signal` aborts when the pool is cancelled. */
  start: (request: R, signal: AbortSignal) => Promise<W>;
}

export type CloseMode = 'drain' | 'cancel';

export interface PoolStats {
  /** Instances alive, starting, or being retired (each holds its slot until its process has exited). */
  instances: number;
  idle: number;
  busy: number;
  starting: number;
  /** Requests waiting for an instance. */
  queued: number;
  /** Instances that finished their warm-up, since the pool was created. */
  started: number;
  /** Instances stopped or killed (reaped, crashed, timed out, out of memory, closed). */
  retired: number;
  /** The most instances alive or starting at once. */
  peakInstances: number;
}

type Ticket<M> = { kind: 'reuse'; instance: M } | { kind: 'start' };
type Waiter<M> = { resolve: (ticket: Ticket<M>) => void; reject: (error: Error) => void };

/** `R`: what a request hands to `start` when it starts an instance (its id, or more). */
export class Pool<M extends PoolMember, W extends Started<M>, R = string> {
  /** Idle members, the least recently used first, and when each became idle (performance.now()). */
  private readonly idle: M[] = [];
  private readonly idleSince: number[] = [];
  /** Members working on a request. An array, not a Set: one member joins and leaves it per request, and
   * a Set that grows to one entry and shrinks to none rehashes each time (~0.1 us and ~260 bytes). */
  private readonly busy: M[] = [];
  private starting = 0;
  private readonly queue = new Fifo<Waiter<M>>();
  private readonly stopping = new Set<Promise<void>>();
  /** Retired instances whose process has not exited yet: each still holds its slot. */
  private exiting = 0;
  private readonly aborter = new AbortController();
  private phase: 'open' | 'draining' | 'closed' = 'open';
  private cancelled = false;
  private reaper: NodeJS.Timeout | null = null;
  private onDrained: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private counts = { started: 0, retired: 0, peak: 0 };

  constructor(private readonly options: PoolOptions<W, R>) {}

  // Every process the pool holds a slot for: one being retired keeps its slot until it has exited,
  // so the cap is on live interpreters, never exceeded while a killed one is still going.
  private get size(): number {
    return this.idle.length + this.busy.length + this.starting + this.exiting;
  }

  stats(): PoolStats {
    return {
      instances: this.size, idle: this.idle.length, busy: this.busy.length, starting: this.starting, queued: this.queue.length,
      started: this.counts.started, retired: this.counts.retired, peakInstances: this.counts.peak,
    };
  }

  // An instance for this request: an idle one, a new one, or the next one free (FIFO).
  async acquire(request: R): Promise<Acquired<M, W>> {
    if (this.phase !== 'open') throw new ClosedError();
    const ticket = this.ticketNow() ?? (await new Promise<Ticket<M>>((resolve, reject) => this.queue.push({ resolve, reject })));
    if (ticket.kind === 'reuse') return { instance: ticket.instance, warmUp: null };
    return this.startFor(request);
  }

  // acquire() for a caller that takes a released instance in the release() call itself: `take` gets
  // the instance (at once when one is idle; else from release(), so no promise hop lies between one
  // request's answer and the next request's frame: the instance's next work is written before the
  // answer is built), or acquire()'s promise when the request starts an instance in a free slot.
  // `fail` gets ClosedError (the pool is closed, or cancelled while the request waits).
  acquireThen(request: R, take: (got: M | Promise<Acquired<M, W>>) => void, fail: (error: Error) => void): void {
    if (this.phase !== 'open') return fail(new ClosedError());
    const redeem = (ticket: Ticket<M>) => take(ticket.kind === 'reuse' ? ticket.instance : this.startFor(request));
    const ticket = this.ticketNow();
    if (ticket) redeem(ticket);
    else this.queue.push({ resolve: redeem, reject: fail });
  }

  // An idle instance for a request, at once, or null (then acquire()): the warm path's one call, with
  // no promise to wait on.
  acquireIdle(): M | null {
    if (this.phase !== 'open') return null;
    for (let instance = this.idle.pop(); instance; instance = this.idle.pop()) {
      this.idleSince.pop();
      if (instance.state === 'idle') {
        this.busy.push(instance);
        return instance;
      }
      this.retire(instance, 'kill', 'exited while idle');
    }
    return null;
  }

  // Give an instance back after its request: to the next waiter, to the idle list, or retired;
  // `at` is when its request ended (performance.now(), estimated by the caller: no clock read here).
  release(instance: M, at = performance.now()): void {
    const slot = this.busy.indexOf(instance);
    if (slot < 0) return;
    const waiter = instance.state !== 'idle' || this.cancelled ? undefined : this.queue.shift();
    // Straight to the next waiter, still busy.
    if (waiter) return waiter.resolve({ kind: 'reuse', instance });
    const last = this.busy.pop()!;
    if (slot < this.busy.length) this.busy[slot] = last;
    if (instance.state !== 'idle' || this.cancelled) {
      this.retire(instance, 'kill', instance.state === 'idle' ? 'closed (cancel)' : 'failed its request');
      return this.dispatch();
    }
    if (this.phase !== 'open') {
      this.retire(instance, 'stop', 'closed');
      return this.checkDrained();
    }
    this.idle.push(instance);
    this.idleSince.push(at);
    this.armReaper();
  }

  // Kill the least recently used idle instance (its slot is needed elsewhere); resolves once it has
  // exited, to false when none was idle.
  async retireIdle(): Promise<boolean> {
    const instance = this.idle.shift();
    if (!instance) return false;
    this.idleSince.shift();
    this.retire(instance, 'kill', 'its slot was needed by another memory size of the function');
    await instance.exit;
    return true;
  }

  // Stop the pool: 'drain' serves what was accepted first, 'cancel' does not (see the top of the file).
  close(mode: CloseMode = 'drain'): Promise<void> {
    if (this.phase === 'open') this.phase = 'draining';
    if (mode === 'cancel' && !this.cancelled) this.cancel();
    this.closing ??= this.finishClose();
    return this.closing;
  }

  private ticketNow(): Ticket<M> | null {
    const instance = this.acquireIdle();
    if (instance) return { kind: 'reuse', instance };
    if (this.size >= this.options.maxInstances) return null;
    this.reserveSlot();
    return { kind: 'start' };
  }

  private reserveSlot(): void {
    this.starting++;
    this.counts.peak = Math.max(this.counts.peak, this.size);
  }

  private async startFor(request: R): Promise<Acquired<M, W>> {
    let warm: W;
    try {
      warm = await this.options.start(request, this.aborter.signal);
    } catch (error) {
      this.starting--;
      this.dispatch();
      throw error;
    }
    this.starting--;
    const instance = warm.instance;
    if (!instance) {
      this.dispatch();
      return { instance: null, warmUp: warm };
    }
    this.counts.started++;
    hostLog.debug('instance started', { function: this.options.name, pid: instance.pid });
    this.busy.push(instance);
    void instance.exit.then(() => this.forget(instance));
    if (this.cancelled) {
      this.release(instance);
      throw new ClosedError('the function handle was closed (cancel) before this request started');
    }
    return { instance, warmUp: warm };
  }

  // A slot is free: let waiting requests start instances in it.
  private dispatch(): void {
    while (this.queue.length > 0 && this.size < this.options.maxInstances) {
      this.reserveSlot();
      this.queue.shift()!.resolve({ kind: 'start' });
    }
    this.checkDrained();
  }

  // An instance exited on its own: drop it if it was idle (a busy one is retired on release).
  private forget(instance: M): void {
    const at = this.idle.indexOf(instance);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.idleSince.splice(at, 1);
    this.retire(instance, 'kill', 'exited while idle');
    this.dispatch();
  }

  private retire(instance: M, how: 'kill' | 'stop', why: string): void {
    this.counts.retired++;
    hostLog.debug('instance retired', { function: this.options.name, pid: instance.pid, reason: why });
    if (how === 'kill') instance.kill();
    const gone = how === 'stop' ? instance.stop() : instance.exit;
    this.stopping.add(gone);
    void gone.then(() => this.stopping.delete(gone));
    // Its slot is free once the process has exited (not when its stop has drained the pipes).
    this.exiting++;
    void instance.exit.then(() => {
      this.exiting--;
      this.dispatch();
    });
  }

  // Idle reaping: one unref'd timer, armed for the instance idle the longest.
  private armReaper(): void {
    if (this.reaper || this.idle.length === 0 || this.phase !== 'open') return;
    const oldest = this.idleSince[0]!;
    const wait = Math.max(0, oldest + this.options.idleTimeoutMs - performance.now());
    this.reaper = setTimeout(() => this.reap(), Math.ceil(wait) + 1);
    this.reaper.unref();
  }

  private reap(): void {
    this.reaper = null;
    const now = performance.now();
    while (this.idle.length > 0 && this.idleSince[0]! + this.options.idleTimeoutMs <= now) {
      const instance = this.idle.shift()!;
      this.idleSince.shift();
      this.retire(instance, 'stop', `idle for ${this.options.idleTimeoutMs} ms`);
    }
    this.armReaper();
  }

  private cancel(): void {
    this.cancelled = true;
    for (const waiter of this.queue.drain()) waiter.reject(new ClosedError('the function handle was closed (cancel) before this request started'));
    this.aborter.abort();
    for (const instance of this.busy.slice()) instance.abort('the function handle was closed (cancel) while the request ran');
  }

  private checkDrained(): void {
    if (this.phase !== 'open' && this.busy.length === 0 && this.starting === 0 && this.queue.length === 0) this.onDrained?.();
  }

  private async finishClose(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.onDrained = resolve;
      this.checkDrained();
    });
    this.phase = 'closed';
    if (this.reaper) clearTimeout(this.reaper);
    this.reaper = null;
    this.idleSince.length = 0;
    for (const instance of this.idle.splice(0)) this.retire(instance, 'stop', 'closed');
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
  }
}

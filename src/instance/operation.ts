// The operation in flight on an instance (start, initialize, invoke): what has arrived for it so far,
// its watch (deadline and memory limit), and the one settle() that ends it with its outcome. One
// object per instance, opened again for each operation: a warm request makes none of its own. It is
// also the request's scope for the context calls the host answers (RequestScope).
import type { RequestScope } from '../context.js';
import type { FaultMessage, InitializedMessage, ReadyMessage, ResultMessage } from '../protocol/index.js';
import { unwatchMemory, watchMemory, type Watch } from './memory-watch.js';
import type { EndReason, Outcome } from './outcomes.js';

const settledAlready = (): void => {};

export class Operation implements RequestScope {
  /** The id its answer carries: the request id, or 'ready' for the start. */
  id = '';
  requestId = '';
  /** performance.now() at which the request times out (moved out by a debugger's hold). */
  deadline = 0;
  timeoutSeconds = 0;
  /** Whether context calls may be answered (initialize, invoke; not the start). */
  private scoped = false;
  /** The answer message, once it has arrived. */
  message: ReadyMessage | FaultMessage | InitializedMessage | ResultMessage | null = null;
  payload: Buffer | null = null;
  /** The request's fenced log, once its fence has arrived. */
  log: string | null = null;
  /** Why the host ended the operation, when it did; it settles once the process is gone. */
  ended: EndReason | null = null;
  /** While a debugger holds the function: since when, and the time that was left before its deadline (debug-hold.ts). */
  held: { at: number; leftMs: number } | null = null;
  /** Set once the host has ended the operation: settles it if the process is slow to go. */
  private timer: NodeJS.Timeout | null = null;
  private settled = true;
  private resolve: (outcome: Outcome<never>) => void = settledAlready;

  constructor(readonly watch: Watch) {}

  // Open it for an operation and start watching: `watch` already holds its deadline and limit;
  // `timeoutSeconds` null for the start (no context calls).
  open(id: string, timeoutSeconds: number | null, settle: (outcome: Outcome<never>) => void): void {
    this.id = id;
    this.requestId = id;
    this.deadline = this.watch.deadline;
    this.scoped = timeoutSeconds !== null;
    this.timeoutSeconds = timeoutSeconds ?? 0;
    this.message = null;
    this.payload = null;
    this.log = null;
    this.ended = null;
    this.held = null;
    this.timer = null;
    this.settled = false;
    this.resolve = settle;
    watchMemory(this.watch);
  }

  /** The request's scope for context calls, or null (the start). */
  get scope(): RequestScope | null {
    return this.scoped ? this : null;
  }

  // The host ends it: stop watching, and settle after `graceMs` at the latest.
  end(reason: EndReason, graceMs: number, onGrace: () => void): void {
    this.ended = reason;
    unwatchMemory(this.watch);
    this.timer = setTimeout(onGrace, graceMs);
  }

  // Resolve with the outcome, exactly once; later calls do nothing.
  settle(outcome: Outcome<unknown>): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    unwatchMemory(this.watch);
    const resolve = this.resolve;
    this.resolve = settledAlready;
    // The outcome holds what it needs: an idle instance keeps no result body alive.
    this.message = null;
    this.payload = null;
    this.log = null;
    resolve(outcome as Outcome<never>);
  }
}

// The operation in flight on an instance (start, initialize, invoke): what has arrived for it so far,
// its watch (deadline and memory limit), and the one settle() that ends it with its outcome.
import type { RequestScope } from '../context.js';
import type { FaultMessage, InitializedMessage, ReadyMessage, ResultMessage } from '../protocol/index.js';
import { unwatchMemory, watchMemory, type Watch } from './memory-watch.js';
import type { EndReason, Outcome } from './outcomes.js';

export class Operation {
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
  private settled = false;

  // Starts watching: `watch` already holds this operation's deadline and limit.
  constructor(
    readonly id: string,
    readonly scope: RequestScope | null,
    readonly watch: Watch,
    private readonly resolve: (outcome: Outcome<never>) => void,
  ) {
    watchMemory(watch);
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
    this.resolve(outcome as Outcome<never>);
  }
}

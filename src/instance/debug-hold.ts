// While a debugger holds the function (--debug-port: a client attached, a breakpoint active), its
// timeout waits: the deadline moves out of reach, and comes back with the time that was left once
// the debugger lets go. The memory limit still holds. getRemainingTimeInMilliSeconds() is not
// affected: it keeps counting from the request's start.
import type { Operation } from './operation.js';

// Suspend the operation's deadline (a second hold changes nothing).
export function holdTimeout(p: Operation): void {
  if (p.heldMs !== null || p.ended) return;
  p.heldMs = Math.max(0, p.watch.deadline - performance.now());
  p.watch.deadline = Infinity;
}

// Restore the deadline with what was left when it was held.
export function releaseTimeout(p: Operation): void {
  if (p.heldMs === null || p.ended) return;
  p.watch.deadline = performance.now() + p.heldMs;
  p.heldMs = null;
}

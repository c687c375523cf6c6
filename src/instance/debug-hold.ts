// While a debugger holds the function (--debug-port: a client attached, a breakpoint active), its
// timeout waits: the timer stops, and restarts with the time that was left once the debugger lets
// go. getRemainingTimeInMilliSeconds() is not affected: it keeps counting from the request's start.
import type { Pending } from './outcomes.js';

// Stop the operation's timer (a second hold changes nothing).
export function holdTimeout(p: Pending): void {
  if (p.heldMs !== null || p.verdict) return;
  clearTimeout(p.timer);
  p.heldMs = Math.max(0, p.timeoutAt - performance.now());
}

// Restart the timer with what was left when it was held.
export function releaseTimeout(p: Pending, onTimeout: () => void): void {
  if (p.heldMs === null || p.verdict) return;
  p.timeoutAt = performance.now() + p.heldMs;
  p.timer = setTimeout(onTimeout, p.heldMs);
  p.heldMs = null;
}

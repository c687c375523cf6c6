// While a debugger holds the function (--debug-port: a client attached, a breakpoint active), its
// timeout waits: the deadline moves out of reach, and comes back with the time that was left once
// the debugger lets go. The memory limit still holds. The context's deadline moves out by the time
// held, here (scope.deadline) and in the bootstrap (Runner.debug_notice), so
// getRemainingTimeInMilliSeconds() does not count the time a developer spent at a breakpoint.
// A message that comes while no operation runs holds nothing, then or later.
import type { DebugMessage } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { InstanceOptions } from './options.js';

// Suspend the operation's deadline (a second hold changes nothing).
function holdTimeout(p: Operation): void {
  if (p.held !== null || p.ended) return;
  const now = performance.now();
  p.held = { at: now, leftMs: Math.max(0, p.watch.deadline - now) };
  p.watch.deadline = Infinity;
}

// Restore the deadline with what was left when it was held; the context's deadline moves out by
// the time held.
function releaseTimeout(p: Operation): void {
  if (p.held === null || p.ended) return;
  const now = performance.now();
  if (p.scope) p.scope.deadline += now - p.held.at;
  p.watch.deadline = now + p.held.leftMs;
  p.held = null;
}

// A debugger holds the function or lets it go (only ever sent with --debug-port): move the
// operation's deadline, and tell the caller. With no operation `p` (a thread the function started
// reached a breakpoint between requests) there is nothing to hold, and nothing is held later on its
// account: the caller is only told, so that it can say where to attach.
export function onDebugMessage(p: Operation | null, message: DebugMessage, onDebug: InstanceOptions['onDebug']): void {
  if (p === null) return onDebug?.(message, 'outside');
  if (message.state === 'release') releaseTimeout(p);
  else holdTimeout(p);
  onDebug?.(message, p.scope ? { request: p.scope.requestId } : 'load');
}

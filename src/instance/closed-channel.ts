// The protocol channel closed: normal when the interpreter exits (its exit settles what is
// pending), a crash when it lives on without it. Only an interpreter seen asleep (sleeping or
// stopped) after a grace lives on: one still running is on its way out, or descheduled on a loaded
// machine, and gets another grace (a fixed grace alone misreported slow exits). A request's timeout
// still bounds the wait; PIPE_CLOSED_GRACES bounds it without one.
import { processState } from '../platform/index.js';
import { PIPE_CLOSED_GRACE_MS, PIPE_CLOSED_GRACES } from './lifecycle.js';

// Call `livesOn` once the interpreter `pid` is seen living on without its channel, unless `over()`
// (it exited, or is being stopped) first.
export function afterChannelClosed(pid: number, over: () => boolean, livesOn: () => void, graces = 0): void {
  setTimeout(() => {
    if (over()) return;
    if (graces < PIPE_CLOSED_GRACES && !asleep(pid)) return afterChannelClosed(pid, over, livesOn, graces + 1);
    livesOn();
  }, PIPE_CLOSED_GRACE_MS).unref();
}

// Whether a process waits on something (sleeping or stopped) rather than running, exiting or gone.
// Without /proc (macOS) every process counts as asleep: the grace alone decides.
function asleep(pid: number): boolean {
  const state = processState(pid);
  if (state === null) return processState(process.pid) === null;
  return state === 'S' || state === 'T' || state === 't';
}

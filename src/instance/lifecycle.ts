// The lifecycle of one instance as an explicit state machine, and the named timeouts that bound
// every step (as vitest's pools and tinypool do: START_TIMEOUT, STOP_TIMEOUT...).
//
//   starting ──ready──> idle <──done── busy          any state ──process exited──> stopped
//      │                 │ └─initialize─> initializing ──done──> idle
//      │                 └──invoke──────> busy
//      └── fault / timeout / crash / oom ──> stopping ──exit──> stopped
//
// `starting` spawns the interpreter and loads the handler; `initializing` runs the initializer;
// `busy` runs one request. A failed step (timeout, crash, out of memory, protocol error) or a
// retirement moves to `stopping`, which kills the whole process group; `stopped` is final.

export type InstanceState = 'starting' | 'initializing' | 'idle' | 'busy' | 'stopping' | 'stopped';

const NEXT: Record<InstanceState, readonly InstanceState[]> = {
  starting: ['idle', 'stopping', 'stopped'],
  initializing: ['idle', 'stopping', 'stopped'],
  idle: ['initializing', 'busy', 'stopping', 'stopped'],
  busy: ['idle', 'stopping', 'stopped'],
  stopping: ['stopped'],
  stopped: [],
};

// Whether the lifecycle allows moving from `from` to `to`.
export function canMove(from: InstanceState, to: InstanceState): boolean {
  return NEXT[from].includes(to);
}

// The state after a move the lifecycle allows; a move it does not allow is a bug in the host, and throws.
export function checkMove(from: InstanceState, to: InstanceState): InstanceState {
  if (from !== to && !canMove(from, to)) throw new Error(`illegal instance lifecycle move ${from} -> ${to}`);
  return to;
}

/** Spawn + import + handshake; past this the start counts as timed out (status init-error). */
export const START_TIMEOUT_MS = 30_000;
/** Teardown ladder: after the shutdown message, then after SIGTERM, how long before the next rung. */
export const STOP_GRACE_MS = 500;
/** After the interpreter exits, how long its pipes may take to drain before the answer is settled. */
export const EXIT_DRAIN_MS = 250;
/** After the host kills a group (timeout, oom...), how long to wait for the exit before settling anyway. */
export const KILL_SETTLE_MS = 1_000;
/** The protocol pipe closed but the interpreter lives on: how long before it counts as a crash, as
 * long as it sleeps (waits on something); one still running (on its way out, or descheduled on a
 * loaded machine) or already exited is given another grace, and its exit settles the request. */
export const PIPE_CLOSED_GRACE_MS = 250;
/** At most this many graces for an interpreter that keeps running without its channel (10 s). */
export const PIPE_CLOSED_GRACES = 40;

// The host's half of lingering (bootstrap/fgrun_linger.py is the interpreter's; docs/performance.md,
// "Linger"). While an invoke is the only operation running in the host (the frame's `linger`) and
// the instance's last handler was quick, the event loop is kept from sleeping until the answer comes,
// for up to LINGER_MS: each turn is a setImmediate, so libuv polls with a zero timeout instead of
// blocking. The answer then finds Node's CPU running, and neither side pays the wake-up of a halted
// CPU (on this project's CI machine, ~a quarter of each side's CPU per request). Other events are
// served as usual meanwhile: the loop turns, it is not blocked.
import { performance } from 'node:perf_hooks';
import { LINGER_BUSY_US, LINGER_RECOVER_US, LINGER_WINDOW_US } from '../contract/messages.js';
import { soleWorker } from './memory-watch.js';
import type { MappedChannel } from './mapped-channel.js';

/** The longest the loop stays awake for one answer, ms: the interpreter's own window (the contract's). */
export const LINGER_MS = LINGER_WINDOW_US / 1000;
/** The longest the loop stays awake for an answer it had to wake the bootstrap for, ms (the contract's). */
export const RECOVER_MS = LINGER_RECOVER_US / 1000;
/** Two invokes less than this apart (ms) are a caller that keeps the instance busy (the contract's). */
export const BUSY_MS = LINGER_BUSY_US / 1000;
/** A handler that ran under this (its durationMs) lets the next answer be waited for awake. */
export const QUICK_MS = 0.05;

const clock = (): number => performance.now();

// Keep the event loop turning until `waiting()` is false or the clock passes `until`
// (performance.now() ms). `schedule` and `now` are setImmediate and the clock but in tests. With a
// mapped channel, each turn also looks for the answer there, and a window that passes without it
// ends with the host saying it sleeps (and a last look: mapped-channel.ts). `recover`: how long it
// may stay awake instead when the invoke found the bootstrap asleep (the channel's `sleepy`).
export function stayAwake(waiting: () => boolean, until: number, schedule: (turn: () => void) => unknown = setImmediate, now: () => number = clock, map: MappedChannel | null = null, recover = until): void {
  const turn = (): void => {
    if (!waiting() || (map !== null && map.poll())) return;
    if (now() < (map !== null && map.sleepy ? recover : until)) schedule(turn);
    else map?.sleep();
  };
  schedule(turn);
}

/** One instance's side of lingering: what it knows of its caller's pace. */
export class Pace {
  /** Whether the last invoke's handler was quick: the next answer is waited for awake. */
  private quick = false;
  /** Whether the instance has had an invoke: its first never lingers (nothing is known of the pace
   * yet, and a one-shot invoke never asks soleWorker(), whose first call reads the CPU budget). */
  private invoked = false;
  /** Invokes begun: a linger keeps turning only for the invoke that started it. */
  private invokes = 0;
  /** When the last invoke began (performance.now() ms). */
  private lastAt = -Infinity;

  /** The instance's mapped channel, once its bootstrap maps it: what lingers goes through it. */
  map: MappedChannel | null = null;

  /** `answerDue`: whether the instance's operation still waits for its answer; `schedule`, `now` and
   * `sole` are setImmediate, the clock and soleWorker but in tests. */
  constructor(
    private readonly answerDue: () => boolean,
    private readonly schedule: (turn: () => void) => unknown = (turn) => setImmediate(turn),
    private readonly now: () => number = clock,
    private readonly sole: () => boolean = soleWorker,
  ) {}

  // An invoke frame goes now (`now`: performance.now() ms): whether it may linger (the frame's
  // `linger`). When it may and the last handler was quick, the loop stays awake for the answer
  // (and says so in the mapped channel first); otherwise it sleeps on the socket.
  invoking(now: number): boolean {
    const linger = this.invoked && this.sole();
    this.invoked = true;
    const map = this.map;
    const invoke = ++this.invokes;
    const busy = now - this.lastAt < BUSY_MS;
    this.lastAt = now;
    if (linger && this.quick) {
      map?.wake();
      // Bound to this invoke: a linger still turning when the next invoke begins (its answer came
      // through the socket, and the caller's next request came before the linger's next turn) stops
      // at that turn, and never ends by saying in the mapped channel that the host sleeps, in the
      // middle of the next invoke's own linger (whose result would then take the socket).
      // An invoke that has to wake a sleeping bootstrap (the channel says so once it is sent) waits
      // longer for its answer while the caller keeps the instance busy (the contract's LINGER_RECOVER_US).
      stayAwake(() => this.invokes === invoke && this.answerDue(), now + LINGER_MS, this.schedule, this.now, map, now + (busy ? RECOVER_MS : LINGER_MS));
    } else {
      map?.sleep(false);
    }
    return linger;
  }

  // A result came: its handler ran `durationMs`.
  answered(durationMs: number): void {
    this.quick = durationMs < QUICK_MS;
  }
}

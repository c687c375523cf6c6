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
import type { Placement } from '../platform/index.js';

/** The longest the loop stays awake for one answer, ms: the interpreter's own window (the contract's). */
export const LINGER_MS = LINGER_WINDOW_US / 1000;
/** The longest the loop stays awake for an answer it had to wake the bootstrap for, ms (the contract's). */
export const RECOVER_MS = LINGER_RECOVER_US / 1000;
/** Two invokes less than this apart (ms) are a caller that keeps the instance busy (the contract's). */
export const BUSY_MS = LINGER_BUSY_US / 1000;
/** Once windows have passed while the interpreter waited for the host's own CPU (no other free) for
 * SHARED_CPU_LASTING_MS, how long (ms) the instance's invokes do not linger: both sides then block,
 * and hand the CPU to each other. Doubled (up to SHARED_CPU_MAX_MS) each time the windows go on
 * finding them so right after the pause, or begin to again within that long of its end. */
export const SHARED_CPU_MS = 2;
export const SHARED_CPU_MAX_MS = 64;
/** How long (ms) such windows must keep passing, each within SHARED_CPU_AGAIN_MS of the last and
 * none finding otherwise between, before the instance pauses: one, or a few within a millisecond or
 * three, are a task that came and went (a V8 worker woken by a scavenge, a kworker, a short process),
 * which spinning rides out better than a pause; a process that holds the other CPU lasts. While the
 * two share a CPU, a request takes about a scheduler slice, so they come ~0.7-1.5 ms apart. */
export const SHARED_CPU_LASTING_MS = 4;
export const SHARED_CPU_AGAIN_MS = 3;
/** A handler that ran under this (its durationMs) lets the next answer be waited for awake. */
export const QUICK_MS = 0.05;

const clock = (): number => performance.now();

// Keeping the event loop turning for an answer, one linger at a time. An instance's Pace keeps one
// for all its invokes and starts it again for each: one turn function, made once, and fields set in
// place, where a closure per invoke (and its context, with `until` and `recover` boxed) was ~300
// bytes of garbage per warm request; the young generation's scavenges that garbage brings on are
// the round trip's slowest moments (docs/performance.md, "Issue 22, eleventh pass").
export class Linger {
  /** Until when (performance.now() ms) the loop stays awake, and instead when the invoke found the
   * bootstrap asleep (the channel's `sleepy`). Numbers from the start: stored in place, not boxed anew. */
  private until = -Infinity;
  private recover = -Infinity;
  private map: MappedChannel | null = null;
  /** Off once stop() was called: a turn still queued then does nothing. */
  private on = false;
  /** A turn is queued: a linger started meanwhile is served by it, not by a second chain of turns. */
  private queued = false;

  // One turn: done when the answer came (here, or in the mapped channel), queued again while the
  // window lasts, and at its end the host says in the channel that it sleeps (with a last look).
  // Nothing is changed after a call out (poll, sleep): an answer delivered there may begin the next
  // invoke, and its linger, at once. Two looks in the channel a turn (a pread each, ~0.7 µs apart):
  // each turn leaves an Immediate and Node's bookkeeping of it to the young generation, and two
  // looks take ~2 turns a request fewer on 2.7 (6.9 -> 4.9), the scavenges 9-13% fewer, the
  // round trip unchanged (docs/performance.md, "Issue 22, twelfth pass"). More looks a turn hold
  // the event loop for nothing gained (tenth pass).
  private readonly turn = (): void => {
    this.queued = false;
    if (!this.on) return;
    const map = this.map;
    if (!this.waiting() || (map !== null && (map.poll() || map.poll()))) return;
    if (this.now() < (map !== null && map.sleepy ? this.recover : this.until)) {
      this.queued = true;
      this.schedule(this.turn);
    } else {
      map?.sleep();
      this.expired?.();
    }
  };

  /** `waiting`: whether the answer is still due; `schedule` and `now` are setImmediate and the clock
   * but in tests; `expired`, if any, is told when a window passes without the answer. */
  constructor(
    private readonly waiting: () => boolean,
    private readonly schedule: (turn: () => void) => unknown = (turn) => setImmediate(turn),
    private readonly now: () => number = clock,
    private readonly expired: (() => void) | null = null,
  ) {}

  // Keep the event loop turning until `waiting()` is false or the clock passes `from` + `window` ms
  // (+ `recover` when the channel says the invoke found the bootstrap asleep; the sums are made here,
  // where they are stored in place, not boxed to be passed). With a mapped channel, each turn also
  // looks for the answer there, and a window that passes without it ends with the host saying it
  // sleeps (and a last look: mapped-channel.ts). Replaces what an earlier start() set: a turn of it
  // still queued goes on as this linger's first.
  start(map: MappedChannel | null, from: number, window: number, recover = window): void {
    this.until = from + window;
    this.recover = from + recover;
    this.map = map;
    this.on = true;
    if (this.queued) return;
    this.queued = true;
    this.schedule(this.turn);
  }

  // No longer waiting: a turn still queued ends there, without a look or a word in the channel.
  stop(): void {
    this.on = false;
  }
}

// One linger of its own, started at once: awake until `until` (`recover`), as Linger's start() says.
export function stayAwake(waiting: () => boolean, until: number, schedule?: (turn: () => void) => unknown, now?: () => number, map: MappedChannel | null = null, recover = until): void {
  new Linger(waiting, schedule, now).start(map, 0, until, recover);
}

/** One instance's side of lingering: what it knows of its caller's pace. */
export class Pace {
  /** Whether the last invoke's handler was quick: the next answer is waited for awake. */
  private quick = false;
  /** Whether the instance has had an invoke: its first never lingers (nothing is known of the pace
   * yet, and a one-shot invoke never asks soleWorker(), whose first call reads the CPU budget). */
  private invoked = false;
  /** When the last invoke began (performance.now() ms). */
  private lastAt = -Infinity;

  /** The instance's mapped channel, once its bootstrap maps it: what lingers goes through it. */
  map: MappedChannel | null = null;

  /** The one linger of all this instance's invokes, started again for each that lingers. */
  private readonly linger: Linger;
  /** Where the interpreter runs, once spawned (instance.ts): looked at when a window passes. */
  placement: Pick<Placement, 'together'> | null = null;
  /** Until when (performance.now() ms) invokes do not linger: the interpreter shared the host's CPU. */
  private sharedUntil = -Infinity;
  /** How long the last such pause was (ms). */
  private sharedMs = SHARED_CPU_MS;
  /** The run of windows that passed with the interpreter waiting for the host's CPU: when its first
   * passed, and its last (performance.now() ms; the end of the pause it began, while that lasts,
   * and -Infinity once a window found otherwise). */
  private togetherSince = -Infinity;
  private togetherAt = -Infinity;
  /** Pauses taken because the interpreter kept waiting for the host's CPU (tests, diagnostics). */
  shared = 0;

  /** `answerDue`: whether the instance's operation still waits for its answer; `schedule`, `now` and
   * `sole` are setImmediate, the clock and soleWorker but in tests. */
  constructor(
    answerDue: () => boolean,
    schedule?: (turn: () => void) => unknown,
    now?: () => number,
    private readonly sole: () => boolean = soleWorker,
  ) {
    this.linger = new Linger(answerDue, schedule, now, () => {
      // A window passed: was the interpreter kept from running by the host's own spin, on the host's
      // CPU, with no CPU free to move it to (another process holds the others)? Spinning then only
      // delays it: in-process, with one busy process beside, 135-180 µs a request and as much CPU,
      // against 21-27 when both block and hand the CPU over. So once that has lasted, both block for
      // SHARED_CPU_MS (longer when it keeps happening), then try again. With a CPU free the
      // scheduler soon moves one of them, and spinning keeps its lead; a task that takes the other
      // CPU for a moment is ridden out (docs/performance.md, "Issue 22, eleventh pass" and "twelfth").
      if (this.placement?.together() !== true) {
        this.togetherAt = -Infinity;
        return;
      }
      const at = (now ?? clock)();
      if (at - this.togetherAt > SHARED_CPU_AGAIN_MS) this.togetherSince = at;
      this.togetherAt = at;
      if (at - this.togetherSince < SHARED_CPU_LASTING_MS) return;
      this.shared++;
      // Doubled when the run began before the last pause's end (it went on through it) or soon after.
      this.sharedMs = this.togetherSince - this.sharedUntil < this.sharedMs ? Math.min(this.sharedMs * 2, SHARED_CPU_MAX_MS) : SHARED_CPU_MS;
      this.sharedUntil = at + this.sharedMs;
      // The run goes on through the pause: a window that finds them so right after it pauses again.
      this.togetherAt = this.sharedUntil;
    });
  }

  // An invoke frame goes now (`now`: performance.now() ms): whether it may linger (the frame's
  // `linger`). When it may and the last handler was quick, the loop stays awake for the answer
  // (and says so in the mapped channel first); otherwise it sleeps on the socket.
  invoking(now: number): boolean {
    const linger = this.invoked && now >= this.sharedUntil && this.sole();
    this.invoked = true;
    const map = this.map;
    const busy = now - this.lastAt < BUSY_MS;
    this.lastAt = now;
    if (linger && this.quick) {
      map?.wake();
      // Bound to this invoke: a linger still turning when the next invoke begins (its answer came
      // through the socket, and the caller's next request came before the linger's next turn) is
      // replaced there by the next invoke's (or stopped), and never ends by saying in the mapped
      // channel that the host sleeps, in the middle of the next invoke's own linger (whose result
      // would then take the socket): the one linger holds the latest invoke's window only.
      // An invoke that has to wake a sleeping bootstrap (the channel says so once it is sent) waits
      // longer for its answer while the caller keeps the instance busy (the contract's LINGER_RECOVER_US).
      this.linger.start(map, now, LINGER_MS, busy ? RECOVER_MS : LINGER_MS);
    } else {
      this.linger.stop();
      map?.sleep(false);
    }
    return linger;
  }

  // A result came: its handler ran `durationMs`.
  answered(durationMs: number): void {
    this.quick = durationMs < QUICK_MS;
  }
}

// One warm Python process serving one request at a time, driven through the lifecycle in
// lifecycle.ts. Every operation (start, initialize, invoke) ends in exactly one outcome: done,
// timeout, oom, crash or protocol error. Anything but done kills the whole process group and
// settles once the interpreter has exited and its pipes have drained, so the answer carries all of
// the log the function wrote before it died.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { ProtocolError } from '../errors.js';
import {
  encodeInvoke, encodeMessage,
  type CallMessage, type FaultMessage, type InitializedMessage, type PythonMessage, type ReadyMessage, type ResultMessage,
} from '../protocol/index.js';
import { Operation } from './operation.js';
import { kept, unexpected, type Outcome, type EndReason } from './outcomes.js';
import { stopProcess } from './teardown.js';
import { canMove, checkMove, KILL_SETTLE_MS, START_TIMEOUT_MS, type InstanceState } from './lifecycle.js';
import type { LogCollector } from './log-collector.js';
import { openChannels } from './channels.js';
import { StdinWriter } from './stdin-writer.js';
import { instanceWatch, type Watch } from './memory-watch.js';
import { Pace } from './linger.js';
import { Placement } from '../platform/index.js';
import { afterDrain, cleanUpAfterExit, killProcess, setRef, spawnInstance, type PythonProcess } from './process.js';
import { onDebugMessage } from './debug-hold.js';
import { afterChannelClosed } from './closed-channel.js';
import { contextReply, initFrame, type InstanceOptions } from './options.js';
import { BELL, MappedChannel } from './mapped-channel.js';
import { PipelinedRequest, type FirstRequest } from './first-request.js';

export { STOP_GRACE_MS, type InstanceState } from './lifecycle.js';

export type { Outcome } from './outcomes.js';
export type { DebugDuring, InstanceOptions } from './options.js';
export type { FirstRequest } from './first-request.js';

export class Instance {
  private current: InstanceState = 'starting';
  /** Exact interpreter version, known once the instance is ready. */
  python: string | null = null;
  /** Whether the initializer has run (successfully) on this instance. */
  initialized = false;
  readonly pid: number;
  private readonly proc: PythonProcess;
  private readonly logs: LogCollector;
  /** The memory limit and deadline watch, reused by each operation (one at a time). */
  private readonly watch: Watch;
  private pending: Operation | null = null;
  /** The one operation object, opened again for each operation (pending while it runs). */
  private readonly operation: Operation;
  private readonly fence: string;
  private readonly exited: Promise<void>;
  private hasExited = false;
  private readonly stdin: StdinWriter;
  /** The done outcome, filled for each operation that succeeds and emptied once it is settled. */
  private readonly done: Outcome<unknown> & { kind: 'done' } = { kind: 'done', message: null, payload: null, log: '' };
  /** Live log output of the current request, if the caller streams it. */
  private outputListener: ((chunk: Buffer) => void) | null = null;
  /** The caller's pace: whether an invoke may linger, and the loop stay awake for its answer. */
  private readonly pace = new Pace(() => this.pending !== null && this.pending.message === null);
  private readonly placement: Placement;
  /** The request whose invoke went right behind init (start(first)), until its caller's run() claims it. */
  private first: PipelinedRequest | null = null;

  constructor(readonly options: InstanceOptions) {
    this.fence = randomBytes(12).toString('hex');
    this.proc = spawnInstance(options);
    // Idle, the instance does not keep the host alive; while it works, the watch ticker does.
    setRef(this.proc, false);
    this.pid = this.proc.pid;
    // Where the interpreter runs, for the linger to see when it waits for the host's own CPU.
    this.placement = new Placement(this.pid);
    this.pace.placement = this.placement;
    this.stdin = new StdinWriter(this.proc.stdin);
    this.watch = instanceWatch(this.pid, this.proc.cgroup?.procsPath ?? null, options.config.memorySize, (reason) => this.end(reason));
    this.operation = new Operation(this.watch);
    const channels = openChannels(this.proc, options.protocol ?? null, this.fence, {
      onFrame: (message, payload, lent) => this.onFrame(message, payload, lent),
      onProtocolError: (e) => this.onProtocolError(e),
      onProtocolEnd: () => this.onProtocolEnd(),
      onFence: (id, log) => this.onFence(id, log),
      onOutput: (chunk) => this.onOutput(chunk),
      onExit: (code, signal) => this.onExit(code, signal),
    });
    this.logs = channels.logs;
    this.exited = channels.exited;
  }

  /** Where the instance is in its lifecycle. */
  get state(): InstanceState {
    return this.current;
  }

  /** Resolves once the interpreter has exited. */
  get exit(): Promise<void> {
    return this.exited;
  }

  // The handshake with the interpreter the constructor spawned: load the handler (and the
  // initializer) and wait for ready or a load fault. `first`: the request the instance starts for,
  // whose invoke goes right behind init (first-request.ts); its caller's run() then claims it.
  start(first: FirstRequest | null = null): Promise<Outcome<ReadyMessage | FaultMessage>> {
    const outcome = new Promise<Outcome<ReadyMessage | FaultMessage>>((resolve) =>
      this.begin('starting', 'ready', null, performance.now() + (this.options.startTimeoutMs ?? START_TIMEOUT_MS), kept(resolve)));
    this.stdin.write(initFrame(this.options, this.fence, this.proc.containment, this.proc.map));
    if (first !== null) {
      this.first = new PipelinedRequest(first.id);
      this.stdin.write(encodeInvoke(first.id, first.event, this.options.config.timeout * 1000, false));
    }
    return outcome;
  }

  // Run the initializer under its own timeout.
  initialize(requestId: string): Promise<Outcome<InitializedMessage>> {
    const timeoutMs = this.options.config.initializerTimeout * 1000;
    const deadline = performance.now() + timeoutMs;
    const outcome = new Promise<Outcome<InitializedMessage>>((resolve) => this.begin('initializing', requestId, this.options.config.initializerTimeout, deadline, kept(resolve)));
    this.stdin.write(encodeMessage({ type: 'initialize', id: requestId, timeoutMs }));
    return outcome;
  }

  // Run the handler on an event already encoded as JSON (UTF-8 bytes, or the text).
  invoke(requestId: string, event: Buffer | string, onOutput?: (chunk: Buffer) => void): Promise<Outcome<ResultMessage>> {
    return new Promise((resolve) => this.run(requestId, event, onOutput, kept(resolve), performance.now()));
  }

  // invoke() for the warm path: `settle` gets the outcome from the frame handler, with no promise
  // of the instance's own in between; `now` is the caller's performance.now() at the request's start.
  // A done outcome is the instance's one record, emptied once `settle` returns: read it (and its
  // payload, which may be a view of the read buffer) before that.
  run(requestId: string, event: Buffer | string, onOutput: ((chunk: Buffer) => void) | undefined, settle: (outcome: Outcome<ResultMessage>) => void, now: number): void {
    const first = this.first;
    if (first !== null && first.id === requestId) {
      // Sent behind init, and running since the start completed: its output so far, then live.
      this.first = null;
      if (first.begun) {
        if (this.pending?.id === requestId) this.outputListener = onOutput ?? null;
        return first.claim(settle, onOutput);
      }
    }
    const { timeout } = this.options.config;
    const deadline = now + timeout * 1000;
    if (!this.begin('busy', requestId, timeout, deadline, settle)) return;
    this.outputListener = onOutput ?? null;
    const linger = this.pace.invoking(now);
    const map = this.pace.map;
    // A lingering invoke goes through the mapped channel when it fits, and nothing waits before it on stdin.
    if (linger && map !== null && !this.stdin.backpressured && map.send(requestId, event, timeout * 1000)) return;
    this.stdin.write(encodeInvoke(requestId, event, timeout * 1000, linger));
  }

  // End the current operation as a crash with `reason` (e.g. close() cancelling it) and kill the group.
  abort(reason: string): void {
    if (this.pending) this.end({ kind: 'crash', exitCode: null, signal: null, reason });
    else this.kill();
  }

  // Stop an idle instance politely, climbing the teardown ladder (teardown.ts) as needed.
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.move('stopping');
    setRef(this.proc, true);
    await stopProcess(this.proc, this.exited);
  }

  // Kill the instance's processes now (retirement, close without drain).
  kill(): void {
    if (this.hasExited) return;
    this.move('stopping');
    killProcess(this.proc);
  }

  // Only the moves lifecycle.ts allows; anything else throws (a bug, never a user's doing).
  private move(to: InstanceState): void {
    this.current = checkMove(this.current, to);
  }

  // Start an operation that `settle` ends (`timeoutSeconds` its phase's timeout, null for the start);
  // false (settled at once, as a crash) when the instance cannot take it.
  private begin<M>(state: InstanceState, id: string, timeoutSeconds: number | null, deadline: number, settle: (outcome: Outcome<M>) => void): boolean {
    // idle -> busy, every warm request's move, is allowed without a lookup of the lifecycle's table.
    if (this.pending || (this.current !== state && !(this.current === 'idle' && state === 'busy') && !canMove(this.current, state))) {
      const reason = this.pending ? 'the instance is already working on another request' : `the instance is ${this.current}`;
      settle({ kind: 'crash', exitCode: this.proc.child.exitCode, signal: this.proc.child.signalCode, log: '', reason });
      return false;
    }
    // The move checkMove() allows, checked just above (one lookup of the lifecycle per request).
    this.current = state;
    this.open(id, timeoutSeconds, deadline, settle);
    return true;
  }

  private open<M>(id: string, timeoutSeconds: number | null, deadline: number, settle: (outcome: Outcome<M>) => void): void {
    // The shared ticker keeps the deadline and the memory limit, and the event loop alive meanwhile.
    const watch = this.watch;
    watch.peakKb = 0;
    watch.deadline = deadline;
    const op = this.operation;
    op.open(id, timeoutSeconds, settle as (outcome: Outcome<never>) => void);
    this.pending = op;
  }

  private finish(outcome: Outcome<unknown>): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.outputListener = null;
    if (outcome.kind === 'done' && !this.hasExited && this.current !== 'stopping') {
      // busy -> idle (the warm path's move) without a lookup; any other through the lifecycle's check.
      if (this.current === 'busy') this.current = 'idle';
      else this.move('idle');
    } else if (!this.hasExited) {
      this.kill();
    }
    p.settle(outcome);
  }

  // The host ends the operation: remember why, kill the group, settle once it has exited.
  private end(reason: EndReason): void {
    const p = this.pending;
    if (!p || p.ended) return;
    p.end(reason, KILL_SETTLE_MS, () => this.settleAfterExit());
    this.kill();
    if (this.hasExited) this.settleAfterExit();
  }

  // Settle the pending operation after the process is gone (or the grace timer fired).
  private settleAfterExit(code: number | null = null, signal: string | null = null): void {
    const p = this.pending;
    if (!p) return;
    // Output after the request's fence (the runtime's dying words) belongs to a failed request too.
    const whole = () => (p.log ?? '') + this.logs.take();
    if (p.ended) return this.finish({ ...p.ended, log: whole() } as Outcome<unknown>);
    if (p.message && this.complete(p, p.log ?? this.logs.take())) return;
    this.finish({ kind: 'crash', exitCode: code, signal, log: whole() });
  }

  // A whole answer (message and fenced log) is in: done, or oom when the request's peak went over.
  private complete(p: Operation, log: string): boolean {
    const message = p.message!;
    if ('maxRssKb' in message) {
      message.maxRssKb = Math.max(message.maxRssKb, p.watch.peakKb);
      if (message.maxRssKb > p.watch.limitKb) {
        p.log = log;
        this.end({ kind: 'oom', peakKb: message.maxRssKb, limitMb: this.options.config.memorySize });
        return true;
      }
    }
    if (message.type === 'result') this.pace.answered(message.durationMs);
    const done = this.done;
    done.message = message;
    done.payload = p.payload;
    done.log = log;
    this.finish(done);
    // Settled: the caller has read it. An idle instance keeps no result body alive.
    done.message = null;
    done.payload = null;
    done.log = '';
    if (message.type === 'ready' && this.first !== null) this.beginFirst(this.first);
    return true;
  }

  // The first request's operation, begun as the start completes (the interpreter may be running it
  // already, or be done with it): what came for it meanwhile is replayed in order. When the start
  // completed from the process's exit, the request ran and took the process with it: it ends as the
  // exit's crash (or done, when its whole answer came before).
  private beginFirst(first: PipelinedRequest): void {
    first.begun = true;
    const now = performance.now();
    const { timeout } = this.options.config;
    const settle = (outcome: Outcome<ResultMessage>) => first.settled(outcome);
    const exited = this.hasExited;
    if (exited) this.open(first.id, timeout, now + timeout * 1000, settle);
    else if (!this.begin('busy', first.id, timeout, now + timeout * 1000, settle)) return;
    this.pace.invoking(now);
    for (const { message, payload } of first.held.splice(0)) this.onFrame(message, payload, false);
    if (first.log !== null) this.onFence(first.id, first.log);
    if (exited) this.settleAfterExit(this.proc.child.exitCode, this.proc.child.signalCode);
  }

  private maybeComplete(): void {
    const p = this.pending;
    if (p && !p.ended && p.message && p.log !== null) this.complete(p, p.log);
  }

  // `lent`: the payload is valid only during this call (a done outcome is settled within it; what
  // still waits, for its log's fence, keeps a copy).
  private onFrame(message: PythonMessage, payload: Buffer | null, lent: boolean): void {
    const first = this.first;
    if (first !== null && !first.begun && (message.type === 'call' || (message.type === 'result' && message.id === first.id))) return first.hold(message, payload, lent);
    if (message.type === 'call') return this.answer(message);
    if (message.type === 'debug') return onDebugMessage(this.pending, message, this.options.onDebug);
    if (message.type === 'bell') {
      this.pace.map?.poll();
      return;
    }
    const p = this.pending;
    const id = message.type === 'ready' || message.type === 'fault' ? 'ready' : message.id;
    if (!p || p.id !== id || p.message) return this.onProtocolError(unexpected(message.type));
    if (message.type === 'ready') {
      this.python = message.python;
      if (message.mapped === true) this.attachMap();
    }
    p.message = message;
    p.payload = payload;
    // No fence follows: every log byte the request wrote was read before this frame (same process,
    // read in order), so the collector already holds its whole log.
    if (message.type === 'result' && message.fenced === false && p.log === null) p.log = this.logs.take(true);
    this.maybeComplete();
    if (lent && payload !== null && p.payload === payload) p.payload = Buffer.from(payload);
  }

  // The bootstrap maps the channel offered in init: results it publishes there come as messages
  // read from the file's binary head, each body a view of a reused buffer (lent to onFrame).
  private attachMap(): void {
    const offer = this.proc.map;
    if (offer === null || this.pace.map !== null) return;
    this.pace.map = new MappedChannel(offer.fd, (message, body) => this.onFrame(message, body, true), () => this.stdin.write(BELL),
      (why) => this.onProtocolError(new ProtocolError(`the mapped channel holds ${why}`)));
  }

  // Live log output, for a caller that streams it (the first request's is held until it is claimed).
  private onOutput(chunk: Buffer): void {
    const held = this.first?.output;
    if (held) held.push(chunk);
    else this.outputListener?.(chunk);
  }

  private answer(call: CallMessage): void {
    const scope = this.pending?.scope;
    if (!scope) return this.onProtocolError(unexpected('call'));
    this.stdin.write(contextReply(this.options.config, scope, call));
  }

  private onFence(id: string, log: string): void {
    const first = this.first;
    if (first !== null && !first.begun) {
      if (first.id === id) return void (first.log = log);
      // The start's log is complete: what follows is the first request's.
      if (id === 'ready') first.output = [];
    }
    const p = this.pending;
    if (p && p.id === id && p.log === null) {
      p.log = log;
      this.maybeComplete();
    }
  }

  private onProtocolError(error: ProtocolError): void {
    if (this.pending) this.end({ kind: 'protocol', error });
    else this.kill();
  }

  // The protocol channel closed: the exit settles what is pending, unless it lives on without it.
  private onProtocolEnd(): void {
    const over = () => this.hasExited || this.current === 'stopping';
    if (over()) return;
    afterChannelClosed(this.pid, over, () => {
      if (this.pending) this.end({ kind: 'crash', exitCode: null, signal: null, reason: 'the runtime process closed its protocol channel' });
      else this.kill();
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.hasExited = true;
    this.current = 'stopped';
    this.pace.map?.detach();
    this.pace.placement = null;
    this.placement.close();
    cleanUpAfterExit(this.proc);
    this.watch.probe.close();
    if (!this.pending) return;
    // Let the pipes drain: a result (or log line) written just before the exit still counts.
    afterDrain(this.proc, () => this.settleAfterExit(code, signal));
  }

  /** The invokes and results that went through the mapped channel (tests, diagnostics); null: none is mapped. */
  get mapped(): { requests: number; results: number } | null {
    const map = this.pace.map;
    return map === null ? null : { requests: map.sent, results: map.taken };
  }

  /** Whether a frame is waiting for the stdin pipe to drain (tests). */
  get backpressured(): boolean {
    return this.stdin.backpressured;
  }
}

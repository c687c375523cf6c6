// One warm Python process serving one request at a time.
// Lifecycle: starting -> idle <-> busy -> stopping -> stopped. Every operation (start, initialize,
// invoke) ends in exactly one outcome: done, timeout, crash or protocol error; a timeout, crash or
// protocol error kills the whole process group and leaves the instance stopped.
import { randomBytes } from 'node:crypto';
import { answerContextCall, UnknownContextMethodError, type RequestScope } from '../context/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { ProtocolError } from '../errors/index.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import {
  encodeInvokeBytes, encodeMessage, FrameReader, PROTOCOL_VERSION,
  type CallMessage, type FaultMessage, type Frame, type InitializedMessage, type ReadyMessage, type ResultMessage,
} from '../protocol/index.js';
import { buildEnvironment } from './environment.js';
import { LogCollector } from './log-collector.js';
import { killGroup, readPeakKb, spawnPython, type PythonProcess } from './process.js';
import { sharedLogDir } from './paths.js';

export type InstanceState = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped';

/** How long spawn + import + handshake may take before the start counts as timed out. */
export const START_TIMEOUT_MS = 30_000;
/** After a polite shutdown, how long before SIGTERM, and after SIGTERM, before SIGKILL. */
export const STOP_GRACE_MS = 500;
/** After the interpreter exits, how long to wait for its pipes to drain. */
export const EXIT_DRAIN_MS = 250;

export type Outcome<M> =
  | { kind: 'done'; message: M; payload: Buffer | null; log: string }
  | { kind: 'timeout'; log: string; peakKb: number }
  | { kind: 'crash'; exitCode: number | null; signal: string | null; log: string }
  | { kind: 'protocol'; error: ProtocolError; log: string };

type Pending = {
  id: string;
  scope: RequestScope | null;
  message: ReadyMessage | FaultMessage | InitializedMessage | ResultMessage | null;
  payload: Buffer | null;
  log: string | null;
  timer: NodeJS.Timeout;
  resolve: (outcome: Outcome<never>) => void;
};

export interface InstanceOptions {
  config: ResolvedConfig;
  runtime: RuntimeInfo;
  startTimeoutMs?: number;
}

export class Instance {
  state: InstanceState = 'starting';
  /** Exact interpreter version, known once the instance is ready. */
  python: string | null = null;
  /** Whether the initializer has run (successfully) on this instance. */
  initialized = false;
  readonly pid: number;
  private readonly proc: PythonProcess;
  private readonly reader: FrameReader;
  private readonly logs: LogCollector;
  private pending: Pending | null = null;
  private readonly fence: string;
  private exited: Promise<void>;
  /** Live log output of the current request, if the caller streams it. */
  private outputListener: ((chunk: Buffer) => void) | null = null;

  constructor(readonly options: InstanceOptions) {
    const fence = randomBytes(12).toString('hex');
    const env = buildEnvironment(options.config, options.runtime.path, sharedLogDir());
    this.proc = spawnPython(options.runtime.path, options.config.code, env);
    this.pid = this.proc.pid;
    this.reader = new FrameReader((f) => this.onFrame(f), (e) => this.onProtocolError(e));
    this.logs = new LogCollector(fence, (id, log) => this.onFence(id, log));
    this.logs.onOutput = (chunk) => this.outputListener?.(chunk);
    this.proc.stdout.on('data', (chunk: Buffer) => this.reader.push(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => this.logs.push(chunk));
    // python-shell's unpiped stderr is paused: start it flowing into the collector.
    this.proc.stderr.resume();
    this.exited = new Promise((resolve) => {
      this.proc.child.once('exit', (code, signal) => { this.onExit(code, signal); resolve(); });
      this.proc.child.once('error', () => { this.onExit(null, null); resolve(); });
    });
    this.fence = fence;
  }

  // Spawn and handshake: load the handler (and initializer) and wait for ready or a load fault.
  start(): Promise<Outcome<ReadyMessage | FaultMessage>> {
    const { config } = this.options;
    const outcome = this.begin<ReadyMessage | FaultMessage>('ready', null, this.options.startTimeoutMs ?? START_TIMEOUT_MS);
    this.write(encodeMessage({
      type: 'init', protocol: PROTOCOL_VERSION, handler: config.handler, initializer: config.initializer ?? null,
      codeRoot: config.code, paths: config.dependencies, fence: this.fence,
    }));
    return outcome;
  }

  // Run the initializer under its own timeout.
  initialize(requestId: string): Promise<Outcome<InitializedMessage>> {
    const timeoutMs = this.options.config.initializerTimeout * 1000;
    const scope: RequestScope = { requestId, deadline: performance.now() + timeoutMs, timeoutSeconds: this.options.config.initializerTimeout };
    const outcome = this.begin<InitializedMessage>(requestId, scope, timeoutMs);
    this.write(encodeMessage({ type: 'initialize', id: requestId }));
    return outcome;
  }

  // Run the handler on an event already encoded as UTF-8 JSON.
  invoke(requestId: string, event: Buffer, onOutput?: (chunk: Buffer) => void): Promise<Outcome<ResultMessage>> {
    const timeoutMs = this.options.config.timeout * 1000;
    const scope: RequestScope = { requestId, deadline: performance.now() + timeoutMs, timeoutSeconds: this.options.config.timeout };
    this.outputListener = onOutput ?? null;
    const outcome = this.begin<ResultMessage>(requestId, scope, timeoutMs);
    this.write(encodeInvokeBytes(requestId, event));
    return outcome;
  }

  // Teardown ladder: shutdown message and stdin end, SIGTERM, then SIGKILL to the whole group.
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.write(encodeMessage({ type: 'shutdown' }));
    this.proc.stdin.end();
    const timer = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
    if (await Promise.race([this.exited.then(() => true), timer(STOP_GRACE_MS).then(() => false)])) {
      killGroup(this.pid, 'SIGKILL');
      return;
    }
    killGroup(this.pid, 'SIGTERM');
    if (await Promise.race([this.exited.then(() => true), timer(STOP_GRACE_MS).then(() => false)])) {
      killGroup(this.pid, 'SIGKILL');
      return;
    }
    killGroup(this.pid, 'SIGKILL');
    await this.exited;
  }

  // Kill the process group now (timeouts, crashes, close without drain).
  kill(): void {
    if (this.state !== 'stopped') this.state = 'stopping';
    killGroup(this.pid, 'SIGKILL');
  }

  /** Resolves once the interpreter has exited. */
  get exit(): Promise<void> {
    return this.exited;
  }

  private begin<M>(id: string, scope: RequestScope | null, timeoutMs: number): Promise<Outcome<M>> {
    if (this.state === 'stopped' || this.state === 'stopping') {
      return Promise.resolve({ kind: 'crash', exitCode: this.proc.child.exitCode, signal: this.proc.child.signalCode, log: '' });
    }
    if (id !== 'ready') this.state = 'busy';
    return new Promise<Outcome<M>>((resolve) => {
      const timer = setTimeout(() => this.onTimeout(), timeoutMs);
      this.pending = { id, scope, message: null, payload: null, log: null, timer, resolve: resolve as (o: Outcome<never>) => void };
    });
  }

  private finish(outcome: Outcome<unknown>): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.outputListener = null;
    clearTimeout(pending.timer);
    if (outcome.kind === 'done') {
      if (this.state === 'busy' || this.state === 'starting') this.state = 'idle';
    } else {
      this.kill();
    }
    pending.resolve(outcome as Outcome<never>);
  }

  private maybeComplete(): void {
    const p = this.pending;
    if (p && p.message && p.log !== null) this.finish({ kind: 'done', message: p.message, payload: p.payload, log: p.log });
  }

  private onFrame({ message, payload }: Frame): void {
    if (message.type === 'call') return this.answer(message);
    const p = this.pending;
    const id = message.type === 'ready' || message.type === 'fault' ? 'ready' : message.id;
    if (!p || p.id !== id || p.message) return this.onProtocolError(unexpected(message.type));
    if (message.type === 'ready') this.python = message.python;
    p.message = message;
    p.payload = payload;
    this.maybeComplete();
  }

  private answer(call: CallMessage): void {
    const scope = this.pending?.scope;
    if (!scope) return this.onProtocolError(unexpected('call'));
    let reply: string;
    try {
      reply = encodeMessage({ type: 'reply', seq: call.seq, value: answerContextCall(this.options.config, scope, call.method, call.args) });
    } catch (error) {
      if (!(error instanceof UnknownContextMethodError)) throw error;
      reply = encodeMessage({ type: 'reply', seq: call.seq, error: error.message });
    }
    this.write(reply);
  }

  private onFence(id: string, log: string): void {
    const p = this.pending;
    if (p && p.id === id) {
      p.log = log;
      this.maybeComplete();
    }
  }

  private onTimeout(): void {
    this.finish({ kind: 'timeout', log: this.logs.take(), peakKb: readPeakKb(this.pid) });
  }

  private onProtocolError(error: ProtocolError): void {
    this.finish({ kind: 'protocol', error, log: this.logs.take() });
    this.kill();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'stopped';
    killGroup(this.pid, 'SIGKILL');
    if (!this.pending) return;
    // Let the pipes drain: a result written just before the exit still counts.
    const settle = () => {
      const p = this.pending;
      if (!p) return;
      if (p.message) return this.finish({ kind: 'done', message: p.message, payload: p.payload, log: p.log ?? this.logs.take() });
      this.finish({ kind: 'crash', exitCode: code, signal, log: this.logs.take() });
    };
    const drained = new Promise<void>((r) => this.proc.shell.once('close', () => r()));
    void Promise.race([drained, new Promise<void>((r) => setTimeout(r, EXIT_DRAIN_MS).unref())]).then(settle);
  }

  private write(data: string | Buffer): void {
    if (!this.proc.stdin.writable) return;
    this.proc.stdin.write(data);
  }
}

function unexpected(type: string): ProtocolError {
  return new ProtocolError(`unexpected ${type} message from the bootstrap`);
}

// One instance of an HTTP function: its own web server (started from the `bootstrap` file by the
// relay), serving one request at a time, with the lifecycle of an event function's instance
// (instance/lifecycle.ts): starting -> idle <-> busy -> stopping -> stopped. Each operation ends in
// exactly one Outcome (instance/outcomes.ts), the same ones an event function's instance gives, so
// the pool, the handle and the result path serve both function types unchanged:
//   start   done once 127.0.0.1:8000 accepts a connection; crash when the bootstrap exits first
//           (its status and last output in the reason); timeout past the initializer timeout.
//   invoke  the event as an HTTP request through the relay's Unix socket; done with the APIG result;
//           timeout, oom and crash as for event functions (the instance is then killed).
// The log: the server's output, streamed live and fenced by the relay (fenced-log.ts), so every line
// written before the response's last byte is the request's.
import { Agent, request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { ResolvedConfig } from '../config/index.js';
import { checkMove, type InstanceState, type Outcome } from '../instance/index.js';
import { buildEnvironment } from '../instance/environment.js';
import { unwatchMemory, watchMemory, type Watch } from '../instance/memory-watch.js';
import { workDir } from '../instance/work-dir.js';
import { sharedLogDir } from '../instance/paths.js';
import type { EndReason } from '../instance/outcomes.js';
import { KILL_SETTLE_MS, STOP_GRACE_MS } from '../instance/lifecycle.js';
import { readPeakKb, RssProbe } from '../platform/index.js';
import type { ResultMessage } from '../protocol/index.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import type { SandboxLayout } from '../sandbox/index.js';
import { apigResult, cffHeaders, MAX_RESPONSE_BYTES, serverRequest } from './apig-request.js';
import { killServer, spawnServer, type ServerProcess } from './server-process.js';
import { FencedLog } from './fenced-log.js';
import { exitReason } from './exit-reason.js';
import { machineryKb, ServerRssProbe } from './server-memory.js';
import { bodyHeaders, bufferResponse, exchangeFor, sendBody, streamResponse } from './exchange.js';

/** What `start` resolves to when the server listens. */
export interface Listening {
  type: 'listening';
}

export interface HttpInstanceOptions {
  config: ResolvedConfig;
  runtime: RuntimeInfo;
  /** The bootstrap's command line with the local interpreter in it. */
  command: string;
  /** bwrap and its flags for the instance's namespaces, or [] to run on the host. */
  wrapper: string[];
  /** slirp4netns for the namespace's outbound network, or null. */
  network: string | null;
  /** The instance's --sandbox layout (its wrapper is `wrapper`), or null. */
  sandbox: SandboxLayout | null;
}

interface Pending {
  id: string;
  resolve: (outcome: Outcome<never>) => void;
  ended: EndReason | null;
  request: ClientRequest | null;
  timer: NodeJS.Timeout | null;
}

export class HttpInstance {
  private current: InstanceState = 'starting';
  python: string | null = null;
  initialized = true;
  readonly pid: number;
  private readonly proc: ServerProcess;
  private readonly log: FencedLog;
  private readonly watch: Watch;
  private readonly agent: Agent;
  private pending: Pending | null = null;
  private outputListener: ((chunk: Buffer) => void) | null = null;
  private exitStatus: number | null = null;
  private closed = false;
  private readonly exited: Promise<void>;

  constructor(readonly options: HttpInstanceOptions) {
    const { config, runtime } = options;
    const fence = randomBytes(12).toString('hex');
    const root = workDir(config.code, config.name);
    const box = options.sandbox;
    const env = buildEnvironment(config, runtime.path, box?.logDir ?? sharedLogDir(), box?.codeRoot ?? root.codeRoot, box?.installRoot);
    env.RUNTIME_HANDLER = 'bootstrap';
    // Dependency packages are importable by the server, after its own code (docs/http-functions.md).
    const deps = box?.paths ?? config.dependencies;
    if (deps.length > 0) env.PYTHONPATH = deps.join(':');
    const inside = box ? { installRoot: box.installRoot, socketsDir: box.sharedAt[0]! } : undefined;
    this.proc = spawnServer({ pythonPath: runtime.path, command: options.command, cwd: root.cwd, env, fence, wrapper: options.wrapper, network: options.network, ...(inside ? { inside } : {}) });
    this.pid = this.proc.pid;
    this.python = runtime.version;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.log = new FencedLog(fence, (tag) => this.proc.control.write(`flush ${tag}\n`));
    this.log.onOutput = (chunk) => this.outputListener?.(chunk);
    this.proc.log.on('data', (chunk: Buffer) => this.log.push(chunk));
    let events = '';
    this.proc.events.on('data', (chunk: Buffer) => {
      events += chunk.toString('latin1');
      for (let nl = events.indexOf('\n'); nl >= 0; nl = events.indexOf('\n')) {
        this.onEvent(events.slice(0, nl));
        events = events.slice(nl + 1);
      }
    });
    this.watch = {
      probe: new RssProbe(this.pid, this.proc.cgroup?.procsPath ?? null), limitKb: config.memorySize * 1024, peakKb: 0, deadline: Infinity, since: 0,
      onOver: (kb) => this.end({ kind: 'oom', peakKb: Math.max(kb, this.watch.peakKb), limitMb: config.memorySize }),
      onDeadline: () => this.end({ kind: 'timeout', peakKb: Math.max(readPeakKb(this.pid), this.watch.peakKb) }),
    };
    this.exited = new Promise((resolve) => {
      // 'close': the process has exited and its pipes have ended, so the log is whole.
      this.proc.child.once('close', () => {
        this.onExit();
        resolve();
      });
    });
    this.unref();
    this.proc.network?.ready.catch((error: Error) => this.end({ kind: 'crash', exitCode: null, signal: null, reason: `the instance's outbound network could not be set up: ${error.message}` }));
  }

  get state(): InstanceState {
    return this.current;
  }

  get exit(): Promise<void> {
    return this.exited;
  }

  // Wait until the server accepts connections on 127.0.0.1:8000, within the initializer timeout.
  start(): Promise<Outcome<Listening>> {
    return this.begin<Listening>('starting', 'start', this.options.config.initializerTimeout * 1000);
  }

  // The handle's entry (as instance/Instance's): run the request and settle with its outcome.
  run(requestId: string, event: Buffer | string, onOutput: ((chunk: Buffer) => void) | undefined, settle: (outcome: Outcome<ResultMessage>) => void): void {
    void this.invoke(requestId, typeof event === 'string' ? Buffer.from(event, 'utf8') : event, onOutput).then(settle);
  }

  // Send the event to the server as an HTTP request; the result is the APIG response.
  invoke(requestId: string, event: Buffer, onOutput?: (chunk: Buffer) => void): Promise<Outcome<ResultMessage>> {
    const outcome = this.begin<ResultMessage>('busy', requestId, this.options.config.timeout * 1000);
    if (!this.pending) return outcome;
    this.outputListener = onOutput ?? null;
    const t0 = performance.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.toString('utf8'));
    } catch {
      parsed = event.toString('utf8');
    }
    const req = serverRequest(parsed, cffHeaders(this.options.config, requestId));
    const pending = this.pending;
    // Through the gateway, streamed (exchange.ts); else the event's body, and the response buffered.
    const exchange = exchangeFor(requestId);
    const client = request({
      socketPath: this.proc.socketPath, agent: this.agent, method: req.method, path: req.target,
      headers: { ...req.headers, ...(exchange ? bodyHeaders(exchange) : { 'content-length': String(req.body.length) }), host: '127.0.0.1:8000' },
    }, (res) => {
      res.on('error', () => {});
      void (exchange ? streamResponse(exchange, res) : bufferResponse(res)).then(({ size, body }) => {
        if (this.pending !== pending || pending.ended) return;
        const durationMs = performance.now() - t0;
        const maxRssKb = Math.max(this.watch.peakKb, this.watch.probe.readKb());
        // A peak over the limit between two samples still counts, as for event functions.
        if (maxRssKb > this.watch.limitKb) return this.end({ kind: 'oom', peakKb: maxRssKb, limitMb: this.options.config.memorySize });
        if (size > MAX_RESPONSE_BYTES) {
          const error = { code: 'result-too-large' as const, type: 'ResultTooLarge', message: `${size} bytes, the limit is ${MAX_RESPONSE_BYTES}`, stackTrace: [] };
          return this.settleWithLog({ type: 'result', id: requestId, ok: false, error, durationMs, maxRssKb }, null, null);
        }
        const result = Buffer.from(JSON.stringify(apigResult(res.statusCode ?? 502, res.rawHeaders, body)), 'utf8');
        this.settleWithLog({ type: 'result', id: requestId, ok: true, kind: 'json', durationMs, maxRssKb }, result, null);
      });
    });
    pending.request = client;
    client.on('socket', (socket) => this.log.track(socket));
    client.on('error', (error) => {
      if (this.pending !== pending || pending.ended) return;
      // A server that died: the relay passes on its last output and exits by itself (killed at once,
      // that output would be lost); one that lives on is killed after the grace.
      this.end({ kind: 'crash', exitCode: null, signal: null, reason: `the server closed the connection without a response (${(error as NodeJS.ErrnoException).code ?? error.message})` }, KILL_SETTLE_MS);
    });
    if (exchange) sendBody(exchange, client);
    else client.end(req.body);
    return outcome;
  }

  abort(reason: string): void {
    if (this.pending) this.end({ kind: 'crash', exitCode: null, signal: null, reason });
    else this.kill();
  }

  // Stop an idle instance: SIGTERM to the server (through the relay's group), SIGKILL after a grace.
  async stop(): Promise<void> {
    if (this.closed) return;
    this.move('stopping');
    // Keep the host alive until the instance is gone (idle, its handles are unref'd).
    this.proc.child.ref();
    (this.proc.log as unknown as { ref?: () => void }).ref?.();
    this.proc.control.end();
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref())]);
    if (!gone) killServer(this.proc);
    await this.exited;
  }

  kill(): void {
    if (this.closed) return;
    if (this.current !== 'stopping') this.move('stopping');
    killServer(this.proc);
  }

  private move(to: InstanceState): void {
    this.current = checkMove(this.current, to);
  }

  private unref(): void {
    for (const handle of [this.proc.child, this.proc.log, this.proc.events, this.proc.control] as Array<{ unref?: () => void }>) handle.unref?.();
  }

  private begin<M>(state: InstanceState, id: string, timeoutMs: number): Promise<Outcome<M>> {
    if (this.pending || this.closed || (this.current !== state && this.current !== 'idle')) {
      const reason = this.pending ? 'the instance is already working on another request' : `the instance is ${this.current}`;
      return Promise.resolve({ kind: 'crash', exitCode: this.exitStatus, signal: null, log: '', reason });
    }
    this.move(state);
    return new Promise<Outcome<M>>((resolve) => {
      this.pending = { id, resolve: resolve as (o: Outcome<never>) => void, ended: null, request: null, timer: null };
      this.watch.peakKb = 0;
      this.watch.deadline = performance.now() + timeoutMs;
      watchMemory(this.watch);
    });
  }

  // Settle once the log is whole: after the relay's fence `tag` (a start), or after a response.
  private settleWithLog(message: ResultMessage, payload: Buffer | null, tag: string | null): void {
    const done = (log: string) => this.settle({ kind: 'done', message, payload, log });
    if (tag !== null) this.log.afterFence(tag, done);
    else this.log.afterResponse(done);
  }

  private onEvent(line: string): void {
    if (line === 'ready') {
      const p = this.pending;
      if (!p || p.id !== 'start' || p.ended) return;
      // A fresh probe lists the instance's processes now that the server runs (the first one saw
      // only bwrap), and leaves fgrun's own out of the count (server-memory.ts).
      this.watch.probe.close();
      this.watch.probe = new ServerRssProbe(this.pid, this.proc.cgroup?.procsPath ?? null, machineryKb(this.pid));
      this.settleWithLog({ type: 'listening' } as never, null, 'start');
      return;
    }
    if (line === 'netns') this.proc.network?.begin();
    if (line.startsWith('exit ')) this.exitStatus = Number(line.slice(5));
  }

  // The host ends the operation: remember why, kill the instance (after `graceMs`, in which it may
  // exit on its own), settle once it has exited.
  private end(reason: EndReason, graceMs = 0): void {
    const p = this.pending;
    if (!p || p.ended) return;
    p.ended = reason;
    unwatchMemory(this.watch);
    p.request?.destroy();
    const kill = () => {
      p.timer = setTimeout(() => this.settleEnded(), KILL_SETTLE_MS);
      this.kill();
    };
    if (graceMs > 0) p.timer = setTimeout(kill, graceMs);
    else kill();
    if (this.closed) this.settleEnded();
  }

  private settleEnded(): void {
    const p = this.pending;
    if (!p?.ended) return;
    this.settle({ ...p.ended, log: this.log.takeAll() } as Outcome<never>);
  }

  private settle(outcome: Outcome<unknown>): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.log.cancel();
    this.outputListener = null;
    if (p.timer) clearTimeout(p.timer);
    unwatchMemory(this.watch);
    if (outcome.kind === 'done' && !this.closed && this.current !== 'stopping') this.move('idle');
    else if (!this.closed) this.kill();
    p.resolve(outcome as Outcome<never>);
  }

  private onExit(): void {
    this.closed = true;
    this.current = 'stopped';
    this.agent.destroy();
    this.watch.probe.close();
    const p = this.pending;
    if (!p) return;
    if (p.ended) return this.settleEnded();
    const log = this.log.takeAll();
    const status = this.exitStatus;
    this.settle({ kind: 'crash', exitCode: status, signal: null, log, reason: exitReason(p.id === 'start', status, log) });
  }
}

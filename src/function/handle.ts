// createFunction(): the one core that the library, the CLI and the server all call.
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { resolveConfig, type FunctionConfigInput, type ResolvedConfig } from '../config/index.js';
import { functionFromFile, type ConfigOverrides } from '../config/merge.js';
import { prepareCode } from '../package/index.js';
import { ClosedError, ConfigError } from '../errors.js';
import { registerSecret } from '../log.js';
import { sharedLogDir, type Outcome } from '../instance/index.js';
import { assertSupportedPlatform, primeCgroupJoin } from '../platform/index.js';
import { Pool, type Acquired, type CloseMode, type PoolStats } from '../pool/index.js';
import { startLine, type Invocation } from '../result/index.js';
import type { ResultMessage } from '../protocol/index.js';
import { resolveRuntime, type RuntimeInfo } from '../runtimes/index.js';
import { findBuild } from '../build/index.js';
import { functionLayer } from '../bundled/index.js';
import { buildInvocation, successInvocation, type InvocationFacts } from './build-invocation.js';
import { encodeEvent } from './event.js';
import { answerFor } from './answer.js';
import { warmUp, type ColdRequest, type FunctionInstance, type InstanceExtras, type WarmUp } from './warm-up.js';
import { debugLine } from './debug-line.js';
import { wallDate } from './clock.js';
import { newRequestId } from './request-id.js';
import { classifyFunction } from '../http-function/kind.js';
import { checkSandboxFields, sandboxFor } from '../sandbox/index.js';

export interface InvokeOptions {
  /** Request id to use (a fresh UUID by default). */
  requestId?: string;
  /**
   * Receives the request's log live, as it is written: the Start line, the function's output, the
   * Finish line (with a cold start's output before them), the same text as the Invocation's log.
   * `part` says which: 'frame' for the Start and Finish lines, 'output' for what the function wrote.
   */
  onLog?: (text: string, part: LogPart) => void;
}

/** Which part of a request's log a chunk is: FunctionGraph's Start/Finish line, or the function's output. */
export type LogPart = 'frame' | 'output';

export interface CloseOptions {
  /**
   * 'drain': refuse new requests, answer every accepted one (queued ones too), then stop all
   * instances. 'cancel': queued requests reject with ClosedError, running ones are killed and
   * answered with status `crash`. Either way every Python process has exited when close() resolves.
   * @default 'drain'
   */
  mode?: CloseMode;
}

export interface FunctionHandle {
  readonly config: ResolvedConfig;
  readonly runtime: RuntimeInfo;
  invoke(event?: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** Instances and requests right now, and totals since the handle was created. */
  stats(): PoolStats;
  /** Kill one idle instance (the least recently used) and wait for it to exit; false when none is idle. */
  retireIdle(): Promise<boolean>;
  /** Stop the function's instances (see CloseOptions); later invokes throw ClosedError. */
  close(options?: CloseOptions): Promise<void>;
}

export interface CreateOptions {
  /** Where to look for interpreters (FGRUN_PYTHON_X_Y, PATH, PYENV_ROOT). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Instances that may run at once. @default the config's maxInstances (10) */
  maxInstances?: number;
  /**
   * Receives one-line notices about the function's setup, e.g. a requirements.txt changed since its
   * `fgrun build` (docs/build.md). @default a line on process.stderr
   */
  onNotice?: (line: string) => void;
  /**
   * Serve a debugger on 127.0.0.1:debugPort: debugpy when the function can import it, else pdb for
   * breakpoint() / pdb.set_trace() (docs/debugging.md). One instance at most, so one debuggee.
   * Where to attach is said through onNotice.
   */
  debugPort?: number;
  /**
   * The handle serves one request or a few and is closed (the CLI's `invoke`, a matrix): its
   * instances skip the setup that only many warm requests pay back (the protocol socket pair,
   * docs/protocol.md), ~5-7 ms of each cold start. @default false
   */
  shortLived?: boolean;
}

/** A function of a config file (fgrun.json / fgrun.yaml), with fields over the file's. */
export interface ConfigFileSource {
  configFile: string;
  /** Which function of a file that holds several (its func_name). */
  function?: string;
  /** Fields that win over the file's (user variables merge name by name). */
  overrides?: ConfigOverrides;
}

// Check the platform, read the source (a config, or a config file's function), unpack .zip code and
// dependency packages, validate, find the runtime's interpreter, check the log folder, and return a
// handle (instances start lazily).
export async function createFunction(source: FunctionConfigInput | ConfigFileSource, options: CreateOptions = {}): Promise<FunctionHandle> {
  assertSupportedPlatform();
  // An instance's cgroup join follows in ~10-20 ms on an invoke: its kernel wait passes meanwhile.
  primeCgroupJoin();
  const { debugPort } = options;
  if (debugPort !== undefined && !(Number.isInteger(debugPort) && debugPort >= 1 && debugPort <= 65535)) {
    throw new ConfigError(`debugPort must be a port number from 1 to 65535, got ${debugPort}`, { field: 'debugPort' });
  }
  const notice = options.onNotice ?? ((line: string) => process.stderr.write(line + '\n'));
  const kind = classifyFunction(await prepareCode('configFile' in source ? await functionFromFile(source.configFile, source.function, source.overrides) : source));
  const input = kind.input;
  if (kind.notice) notice(kind.notice);
  const maxInstances = debugPort !== undefined ? 1 : options.maxInstances;
  const config = resolveConfig(maxInstances === undefined ? input : { ...input, maxInstances });
  const env = options.env ?? process.env;
  const runtime = await resolveRuntime(config.runtime, { env, pythonPath: config.pythonPath });
  sharedLogDir();
  checkSandboxFields(config, env);
  const build = await findBuild(config.code, runtime, env);
  if (build.notice) notice(build.notice);
  const layer = await functionLayer(runtime, env, config.bundledLibraries);
  // The function's own code, its dependencies, its build, then the bundled layer (as in the cloud's
  // image), for both function types: an HTTP function's server imports them too.
  const dependencies = [...config.dependencies, ...(build.site ? [build.site] : []), ...(layer.site ? [layer.site] : [])];
  const built = dependencies.length === config.dependencies.length ? config : { ...config, dependencies };
  if (built.type === 'http') {
    const { startHttp } = await import('../http-function/index.js');
    const http = startHttp(built, runtime, { notice, env, debugPort });
    return new Handle(http.config, runtime, http.start, http.release);
  }
  const shortLived = options.shortLived === true;
  const extras: InstanceExtras = debugPort === undefined ? { importHints: layer.importHints, shortLived } : {
    importHints: layer.importHints,
    shortLived,
    debugPort,
    onDebug: (message, during) => {
      const line = debugLine(message, during);
      if (line) notice(line);
    },
  };
  if (built.sandbox) extras.sandbox = sandboxFor(built, runtime.path, env);
  return new Handle(built, runtime, (request, signal) => warmUp(built, runtime, request, signal, extras));
}

// The caller's log sink, unable to break the host (the log is in the Invocation anyway), and the
// Finish line for it, after a line break when the function's output did not end with one.
class LogStream {
  private endsLine = true;

  constructor(private readonly sink: (text: string, part: LogPart) => void) {}

  write(text: string, part: LogPart = 'output'): void {
    if (text.length === 0) return;
    this.endsLine = text.endsWith('\n');
    try {
      this.sink(text, part);
    } catch {
      // ignored on purpose
    }
  }

  // The Invocation's last line, which its log ends with.
  finish(invocation: Invocation): Invocation {
    const log = invocation.log;
    const finish = log.slice(log.lastIndexOf('\n', log.length - 2) + 1);
    if (!this.endsLine) this.write('\n');
    this.write(finish, 'frame');
    return invocation;
  }
}

/** The options of an invoke without any (no object per request). */
const NO_OPTIONS: InvokeOptions = Object.freeze({});

class Handle implements FunctionHandle {
  private readonly pool: Pool<FunctionInstance, WarmUp, ColdRequest>;
  private closed = false;

  // `start` warms up an instance (warm-up.ts, or an HTTP function's); `onClose` runs after close().
  constructor(readonly config: ResolvedConfig, readonly runtime: RuntimeInfo, start: (request: ColdRequest, signal: AbortSignal) => Promise<WarmUp>, private readonly onClose?: () => void) {
    for (const secret of Object.values(config.credentials)) registerSecret(secret);
    this.pool = new Pool<FunctionInstance, WarmUp, ColdRequest>({
      name: config.name,
      maxInstances: config.maxInstances,
      idleTimeoutMs: config.idleTimeout * 1000,
      start,
    });
  }

  invoke(event?: unknown, options: InvokeOptions = NO_OPTIONS): Promise<Invocation> {
    if (this.closed) return Promise.reject(new ClosedError());
    let payload: string;
    try {
      payload = encodeEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const requestId = options.requestId ?? newRequestId();
    const idle = options.onLog ? null : this.pool.acquireIdle();
    if (idle === null) return options.onLog ? this.invokeCold(payload, requestId, options) : this.invokeQueued(payload, requestId);
    // The warm path: one promise, resolved from the instance's frame handler; one clock read.
    return new Promise((resolve) => {
      const t0 = performance.now();
      idle.run(requestId, payload, undefined, (outcome) => resolve(this.answered(idle, requestId, t0, t0, null, null, outcome)), t0);
    });
  }

  // The Invocation of an instance's outcome (`startedAt` the request's start, `t0` the handler's);
  // the instance goes back to the pool.
  private answered(instance: FunctionInstance, requestId: string, startedAt: number, t0: number, warm: WarmUp | null, stream: LogStream | null, outcome: Outcome<ResultMessage>): Invocation {
    const done = outcome.kind === 'done' ? outcome.message : null;
    // A failure reads the clock again; a success ends at its start plus the duration Python measured.
    const endedAt = done ? t0 + done.durationMs : performance.now();
    this.pool.release(instance, endedAt);
    const python = warm?.ok ? warm.python : (instance.python ?? this.runtime.version);
    // Fields spelled out: `{ ...facts, more }` costs ~2.5 us in V8 and keeps garbage alive (docs/performance.md).
    // A success is built from the result as it came (no Answer); a failure goes through answerFor.
    const success = done?.ok === true;
    const facts: InvocationFacts = {
      requestId, config: this.config, runtime: this.runtime.runtime, startedAt, endedAt, python, cold: warm?.ok ? warm.cold : null,
      durationMs: done ? done.durationMs : endedAt - t0,
      maxRssKb: done ? done.maxRssKb : outcome.kind === 'timeout' || outcome.kind === 'oom' ? outcome.peakKb : 0,
      functionLog: outcome.log,
      body: success && outcome.kind === 'done' && outcome.payload ? outcome.payload.toString('utf8') : '',
    };
    const invocation = success ? successInvocation(facts, done!.kind ?? 'none') : buildInvocation(facts, answerFor(outcome, this.config.timeout));
    return stream ? stream.finish(invocation) : invocation;
  }

  // A request without a log stream that found no instance idle: it waits in the pool's queue and is
  // written in the release() of the request before it (Pool.acquireThen: with 2 instances and 8
  // callers, the instance works on it while the host builds the answer before it), or starts one.
  private invokeQueued(payload: string, requestId: string): Promise<Invocation> {
    const startedAt = performance.now();
    return new Promise((resolve, reject) => this.pool.acquireThen({ id: requestId, event: payload }, (got) => {
      if (got instanceof Promise) return resolve(this.invokeCold(payload, requestId, NO_OPTIONS, startedAt, got));
      const t0 = performance.now();
      got.run(requestId, payload, undefined, (outcome: Outcome<ResultMessage>) => resolve(this.answered(got, requestId, startedAt, t0, null, null, outcome)), t0);
    }, reject));
  }

  // A request that starts an instance (`acquiring` when the pool already gave it the slot), waits
  // for one, or streams its log.
  private async invokeCold(payload: string, requestId: string, options: InvokeOptions, startedAt = performance.now(), acquiring?: Promise<Acquired<FunctionInstance, WarmUp>>): Promise<Invocation> {
    const stream = options.onLog ? new LogStream(options.onLog) : null;
    const idle = acquiring ? null : this.pool.acquireIdle();
    const acquired = idle ? { instance: idle, warmUp: null } : await (acquiring ?? this.pool.acquire({ id: requestId, event: payload }));
    if (acquired.instance === null) {
      const w = acquired.warmUp as Extract<WarmUp, { ok: false }>;
      stream?.write(startLine(requestId, this.config.version, wallDate(startedAt)), 'frame');
      stream?.write(w.log);
      const failed = buildInvocation({
        requestId, config: this.config, runtime: this.runtime.runtime, startedAt, endedAt: performance.now(), python: w.python,
        cold: { initDurationMs: w.durationMs, preamble: '' }, durationMs: 0, maxRssKb: w.peakKb, functionLog: w.log,
      }, w.answer);
      return stream ? stream.finish(failed) : failed;
    }
    const { instance, warmUp: warm } = acquired;
    const cold = warm && warm.ok ? warm.cold : null;
    if (stream) {
      if (cold?.preamble) stream.write(cold.preamble);
      stream.write(startLine(requestId, this.config.version, wallDate(startedAt)), 'frame');
    }
    const decoder = stream ? new StringDecoder('utf8') : null;
    const onOutput = decoder ? (chunk: Buffer) => stream!.write(decoder.write(chunk)) : undefined;
    const t0 = performance.now();
    return new Promise((resolve) => instance.run(requestId, payload, onOutput, (outcome) => resolve(this.answered(instance, requestId, startedAt, t0, warm, stream, outcome)), t0));
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  retireIdle(): Promise<boolean> {
    return this.pool.retireIdle();
  }

  async close(options: CloseOptions = {}): Promise<void> {
    this.closed = true;
    await this.pool.close(options.mode ?? 'drain');
    this.onClose?.();
  }
}

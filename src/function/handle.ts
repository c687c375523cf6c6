// createFunction(): the one core that the library, the CLI and the server all call.
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { resolveConfig, type FunctionConfigInput, type ResolvedConfig } from '../config/index.js';
import { ClosedError } from '../errors/index.js';
import { Pool } from '../pool/index.js';
import type { Invocation } from '../result/index.js';
import { resolveRuntime, type RuntimeInfo } from '../runtimes/index.js';
import { buildInvocation } from './build-invocation.js';
import { encodeEvent } from './errors.js';
import { answerFor } from './outcome.js';
import { warmUp, type WarmUp } from './warm-up.js';

export interface InvokeOptions {
  /** Request id to use (a fresh UUID by default). */
  requestId?: string;
  /** Receives the function's log output live, as it is written. */
  onLog?: (text: string) => void;
}

export interface FunctionHandle {
  readonly config: ResolvedConfig;
  readonly runtime: RuntimeInfo;
  invoke(event?: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** Stops idle instances now and busy ones when their request ends; later invokes throw. */
  close(): Promise<void>;
}

export interface CreateOptions {
  /** Where to look for interpreters (FGRUN_PYTHON_X_Y, PATH, PYENV_ROOT). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Instances that may run at once. @default 1 */
  maxInstances?: number;
}

// Validate the config, find the runtime's interpreter, and return a handle (instances start lazily).
export async function createFunction(input: FunctionConfigInput, options: CreateOptions = {}): Promise<FunctionHandle> {
  const config = resolveConfig(input);
  const runtime = await resolveRuntime(config.runtime, { env: options.env ?? process.env, pythonPath: config.pythonPath });
  return new Handle(config, runtime, options.maxInstances ?? 1);
}

class Handle implements FunctionHandle {
  private readonly pool: Pool<WarmUp>;
  private closed = false;

  constructor(readonly config: ResolvedConfig, readonly runtime: RuntimeInfo, maxInstances: number) {
    this.pool = new Pool<WarmUp>(maxInstances, (id) => warmUp(config, runtime, id));
  }

  async invoke(event?: unknown, options: InvokeOptions = {}): Promise<Invocation> {
    if (this.closed) throw new ClosedError();
    const payload = encodeEvent(event);
    const requestId = options.requestId ?? randomUUID();
    const startedAt = new Date();
    const facts = { requestId, config: this.config, runtime: this.runtime.runtime, startedAt };
    const acquired = await this.pool.acquire(requestId);
    if ('failed' in acquired) {
      const w = acquired.failed as Extract<WarmUp, { ok: false }>;
      options.onLog?.(w.log);
      return buildInvocation({ ...facts, python: w.python, cold: { initDurationMs: w.durationMs, preamble: '' }, durationMs: 0, maxRssKb: 0, functionLog: w.log }, w.answer);
    }
    const { instance, warmUp: warm } = acquired.lease;
    const cold = warm && warm.ok ? warm.cold : null;
    if (cold?.preamble) options.onLog?.(cold.preamble);
    const decoder = options.onLog ? new StringDecoder('utf8') : null;
    const onOutput = decoder ? (chunk: Buffer) => options.onLog!(decoder.write(chunk)) : undefined;
    const t0 = performance.now();
    const outcome = await instance.invoke(requestId, payload, onOutput);
    const elapsed = performance.now() - t0;
    this.pool.release(instance);
    const python = warm?.ok ? warm.python : (instance.python ?? this.runtime.version);
    const answer = answerFor(outcome, this.config.timeout);
    const done = outcome.kind === 'done' ? outcome.message : null;
    return buildInvocation({
      ...facts, python, cold,
      durationMs: done ? done.durationMs : elapsed,
      maxRssKb: done ? done.maxRssKb : outcome.kind === 'timeout' ? outcome.peakKb : 0,
      functionLog: outcome.log,
    }, answer);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }
}

// Starting an instance for a request: spawn, load the handler, run the initializer once.
// A failure at any stage becomes the request's answer (entry exception, init error, crash, oom).
// An initializer that fails (raises, times out, crashes, runs out of memory) abandons its instance
// and a fresh one tries again, INIT_ATTEMPTS in all, as FunctionGraph does; the last failure answers.
import { Instance, protocolPair, type FirstRequest, type InstanceOptions, type Outcome } from '../instance/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { SpawnError } from '../errors.js';
import { preparePythonSchemas } from '../contract/messages.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import type { HttpInstance } from '../http-function/http-instance.js';
import type { ColdStart } from './build-invocation.js';
import { answerFor, describeExit, errorAnswer, type Answer } from './answer.js';

/** Initializer attempts per request, each on a fresh instance (FunctionGraph: three). */
const INIT_ATTEMPTS = 3;

/** An event function's instance, or an HTTP function's (http-function/). */
export type FunctionInstance = Instance | HttpInstance;

export type WarmUp =
  | { ok: true; instance: FunctionInstance; cold: ColdStart; python: string; attempts: number }
  | { ok: false; instance: null; answer: Answer; log: string; durationMs: number; python: string; peakKb: number; attempts: number };

type Attempt =
  | { ok: true; instance: Instance; preamble: string; python: string }
  | { ok: false; answer: Answer; log: string; python: string; peakKb: number; retry: boolean };

/** The request an instance starts for: its id, and its event (JSON text) for the invoke that may go
 * right behind init. */
export interface ColdRequest {
  id: string;
  event: string;
}

/** Instance options beyond the config and runtime (the debugger's), and whether the handle is short-lived. */
export type InstanceExtras = Pick<InstanceOptions, 'debugPort' | 'onDebug' | 'sandbox' | 'importHints'> & { shortLived?: boolean };

// Warm up an instance, retrying a failed initializer on fresh instances; `signal` aborts it (close).
// The request's invoke goes right behind init when nothing must come between them: no initializer
// (its failure must leave the handler unrun, and a fresh instance tries again) and no debugger (it
// holds the function at breakpoints while the host waits). The instance then answers it from
// `ready` on (Instance.start), and the interpreter reads it without waiting for the host's next turn.
export async function warmUp(config: ResolvedConfig, runtime: RuntimeInfo, request: ColdRequest, signal?: AbortSignal, extras: InstanceExtras = {}): Promise<WarmUp> {
  const t0 = performance.now();
  const first = !config.initializer && extras.debugPort === undefined ? { id: request.id, event: request.event } : null;
  let log = '';
  for (let attempt = 1; ; attempt++) {
    const result = await warmUpOnce(config, runtime, request.id, first, signal, extras);
    if (result.ok) {
      const cold = { initDurationMs: performance.now() - t0, preamble: log + result.preamble };
      return { ok: true, instance: result.instance, cold, python: result.python, attempts: attempt };
    }
    log += result.log;
    if (!result.retry || attempt >= INIT_ATTEMPTS || signal?.aborted) {
      const { answer, python, peakKb } = result;
      return { ok: false, instance: null, answer, log, durationMs: performance.now() - t0, python, peakKb, attempts: attempt };
    }
  }
}

/** A protocol pair made ahead for the process's next instance start (null: none made yet). */
let spare: ReturnType<typeof protocolPair> | null = null;

// A pair for this instance: the one made ahead if there is one (so that the pair's folder, listen,
// connect and accept, ~1.5-2 ms of event-loop turns, are not before this spawn), else a new one.
function takePair(): ReturnType<typeof protocolPair> {
  const pair = spare ?? protocolPair();
  spare = null;
  return pair;
}

// Make the next instance start's pair now, while this one's interpreter starts: unref'd, so an
// unused one never keeps the host alive (the instance that takes it refs its reader while it works).
function makeSpare(): void {
  if (spare !== null) return;
  spare = protocolPair().then((pair) => {
    pair?.reader.unref();
    pair?.child.unref();
    return pair;
  });
}

async function warmUpOnce(config: ResolvedConfig, runtime: RuntimeInfo, requestId: string, first: FirstRequest | null, signal: AbortSignal | undefined, extras: InstanceExtras): Promise<Attempt> {
  let instance: Instance;
  const { shortLived, ...options } = extras;
  // A short-lived handle's instances read a stdout pipe: the pair pays back only over many requests.
  const protocol = shortLived ? null : await takePair();
  try {
    instance = new Instance({ config, runtime, ...options, protocol });
  } catch (error) {
    protocol?.reader.destroy();
    protocol?.child.destroy();
    // No process at all (EMFILE...): this request's answer is a crash; the host carries on.
    if (!(error instanceof SpawnError)) throw error;
    return { ok: false, answer: errorAnswer('crash', 'crash', 'RuntimeExited', error.message), log: '', python: runtime.version, peakKb: 0, retry: false };
  }
  if (protocol !== null) makeSpare();
  const onAbort = () => instance.abort('the function handle was closed (cancel) while the instance was starting');
  signal?.addEventListener('abort', onAbort);
  try {
    return await stages(instance, config, runtime, requestId, first);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function stages(instance: Instance, config: ResolvedConfig, runtime: RuntimeInfo, requestId: string, first: FirstRequest | null): Promise<Attempt> {
  const fail = (answer: Answer, log: string, retry = false, python = runtime.version, peakKb = 0): Attempt => {
    instance.kill();
    return { ok: false, answer, log, python, peakKb, retry };
  };
  const starting = instance.start(first);
  // The interpreter starts now: the protocol's schemas are built meanwhile, not when `ready` comes.
  preparePythonSchemas();
  const started = await starting;
  if (started.kind !== 'done') return fail(startFailure(started, instance), started.log, false, runtime.version, peakOf(started));
  const ready = started.message;
  if (ready.type === 'fault') {
    const e = ready.error;
    if (ready.target === 'initializer') return fail(errorAnswer('init-error', 'initialization', e.type, e.message, e.stackTrace), started.log);
    return fail(errorAnswer('error', 'entry', e.type, e.message, e.stackTrace), started.log);
  }
  let preamble = started.log;
  if (config.initializer) {
    const init = await instance.initialize(requestId);
    preamble += init.log;
    if (init.kind !== 'done') return fail(initFailure(init, config), preamble, init.kind !== 'protocol', ready.python, peakOf(init));
    if (!init.message.ok) {
      const e = init.message.error!;
      return fail(errorAnswer('init-error', 'initialization', e.type, e.message, e.stackTrace), preamble, true, ready.python, init.message.maxRssKb);
    }
  }
  instance.initialized = true;
  return { ok: true, instance, preamble, python: ready.python };
}

function peakOf(outcome: Outcome<unknown>): number {
  return outcome.kind === 'timeout' || outcome.kind === 'oom' ? outcome.peakKb : 0;
}

// The answer when the interpreter could not load the function.
function startFailure(outcome: Exclude<Outcome<unknown>, { kind: 'done' }>, instance: Instance): Answer {
  switch (outcome.kind) {
    case 'timeout':
      return errorAnswer('init-error', 'init-timeout', 'InitializationTimeout', `the interpreter did not load the handler within ${instance.options.startTimeoutMs ?? 30000}ms`);
    case 'crash':
      return errorAnswer('crash', 'crash', 'RuntimeExited', `${outcome.reason ?? describeExit(outcome.exitCode, outcome.signal)} while loading the function`);
    default:
      return answerFor(outcome, 0);
  }
}

// The answer when the initializer did not finish.
function initFailure(outcome: Exclude<Outcome<unknown>, { kind: 'done' }>, config: ResolvedConfig): Answer {
  switch (outcome.kind) {
    case 'timeout':
      return errorAnswer('init-error', 'init-timeout', 'InitializerTimeout', `the initializer did not finish within its timeout of ${config.initializerTimeout}s`);
    case 'crash':
      return errorAnswer('crash', 'crash', 'RuntimeExited', `${outcome.reason ?? describeExit(outcome.exitCode, outcome.signal)} in the initializer`);
    default:
      return answerFor(outcome, 0);
  }
}

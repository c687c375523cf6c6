// Starting an instance for a request: spawn, load the handler, run the initializer once.
// A failure at any stage becomes the request's answer (entry exception, init error, crash).
import { Instance } from '../instance/index.js';
import type { ResolvedConfig } from '../config/index.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import { failure, type Answer, type ColdStart } from './build-invocation.js';
import { describeExit } from './outcome.js';

export type WarmUp =
  | { ok: true; instance: Instance; cold: ColdStart; python: string }
  | { ok: false; answer: Answer; log: string; durationMs: number; python: string };

export async function warmUp(config: ResolvedConfig, runtime: RuntimeInfo, requestId: string): Promise<WarmUp> {
  const t0 = performance.now();
  const instance = new Instance({ config, runtime });
  const fail = (answer: Answer, log: string, python = runtime.version): WarmUp => {
    instance.kill();
    return { ok: false, answer, log, durationMs: performance.now() - t0, python };
  };
  const started = await instance.start();
  if (started.kind === 'timeout') return fail(failure('init-error', 'init-timeout', 'InitializationTimeout', `the interpreter did not load the handler within ${instance.options.startTimeoutMs ?? 30000}ms`), started.log);
  if (started.kind === 'crash') return fail(failure('crash', 'crash', 'RuntimeExited', `${describeExit(started.exitCode, started.signal)} while loading the function`), started.log);
  if (started.kind === 'protocol') return fail(failure('crash', 'crash', 'ProtocolError', started.error.message), started.log);
  const ready = started.message;
  if (ready.type === 'fault') {
    const e = ready.error;
    if (ready.target === 'initializer') return fail(failure('init-error', 'initialization', e.type, e.message, e.stackTrace), started.log);
    return fail(failure('error', 'entry', e.type, e.message, e.stackTrace), started.log);
  }
  let preamble = started.log;
  if (config.initializer) {
    const init = await instance.initialize(requestId);
    preamble += init.log;
    if (init.kind === 'timeout') return fail(failure('init-error', 'init-timeout', 'InitializerTimeout', `the initializer did not finish within its timeout of ${config.initializerTimeout}s`), preamble, ready.python);
    if (init.kind === 'crash') return fail(failure('crash', 'crash', 'RuntimeExited', `${describeExit(init.exitCode, init.signal)} in the initializer`), preamble, ready.python);
    if (init.kind === 'protocol') return fail(failure('crash', 'crash', 'ProtocolError', init.error.message), preamble, ready.python);
    if (!init.message.ok) {
      const e = init.message.error!;
      return fail(failure('init-error', 'initialization', e.type, e.message, e.stackTrace), preamble, ready.python);
    }
  }
  instance.initialized = true;
  return { ok: true, instance, cold: { initDurationMs: performance.now() - t0, preamble }, python: ready.python };
}

// Starting an HTTP function's instance for a request: spawn the server and wait until it listens.
// A failure becomes the request's answer, as an initialization error (docs/http-functions.md).
import { connect } from 'node:net';
import type { ResolvedConfig } from '../config/index.js';
import { SpawnError } from '../errors.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import { answerFor, errorAnswer, type Answer } from '../function/answer.js';
import type { WarmUp } from '../function/warm-up.js';
import { HttpInstance } from './http-instance.js';
import type { Isolation } from './isolation.js';
import type { SandboxLayout } from '../sandbox/index.js';

// Whether something already accepts connections on 127.0.0.1:8000 on the host.
function portTaken(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 8000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function warmUpHttp(config: ResolvedConfig, runtime: RuntimeInfo, isolation: Isolation, command: string, signal?: AbortSignal, sandbox: SandboxLayout | null = null): Promise<WarmUp> {
  const t0 = performance.now();
  const failed = (answer: Answer, log = '', peakKb = 0): WarmUp => ({ ok: false, instance: null, answer, log, durationMs: performance.now() - t0, python: runtime.version, peakKb, attempts: 1 });
  if (isolation.wrapper.length === 0 && (await portTaken())) {
    return failed(errorAnswer('init-error', 'initialization', 'PortInUse', 'another process already listens on 127.0.0.1:8000, and without network namespaces the HTTP function must use the host\'s port 8000: stop that process (fgrun serve listens on 8000 by default: give it --port 8900), or install bubblewrap so that each instance gets its own port 8000 (docs/http-functions.md)'));
  }
  let instance: HttpInstance;
  try {
    instance = new HttpInstance({ config, runtime, command, wrapper: isolation.wrapper, network: isolation.network, sandbox });
  } catch (error) {
    if (!(error instanceof SpawnError)) throw error;
    return failed(errorAnswer('crash', 'crash', 'RuntimeExited', error.message));
  }
  const onAbort = () => instance.abort('the function handle was closed (cancel) while the instance was starting');
  signal?.addEventListener('abort', onAbort);
  try {
    const started = await instance.start();
    if (started.kind === 'done') return { ok: true, instance, cold: { initDurationMs: performance.now() - t0, preamble: started.log }, python: runtime.version, attempts: 1 };
    instance.kill();
    const peakKb = started.kind === 'timeout' || started.kind === 'oom' ? started.peakKb : 0;
    switch (started.kind) {
      case 'crash':
        return failed(errorAnswer('init-error', 'initialization', 'BootstrapExited', started.reason ?? 'the bootstrap exited'), started.log);
      case 'timeout':
        return failed(errorAnswer('init-error', 'init-timeout', 'InitializationTimeout', `the server did not listen on 127.0.0.1:8000 within the initializer timeout of ${config.initializerTimeout}s (--initializer-timeout)`), started.log, peakKb);
      default:
        return failed(answerFor(started as never, 0), started.log, peakKb);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

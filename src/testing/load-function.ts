// loadFunction(): a function for a test suite, loaded once (on first use) and reused warm by every
// test, closed by close() or closeAllFunctions(). Code may be a folder or a .zip.
import { createFunction, type FunctionHandle, type InvokeOptions } from '../function/index.js';
import type { FunctionConfigInput } from '../config/index.js';
import { logTail, type Invocation } from '../result/index.js';
import type { RuntimeId } from '../runtimes/index.js';
import type { TestRuntime } from './runtimes.js';

export interface LoadOptions {
  /** The runtime to run on (an id or an entry of functionRuntimes()). @default the config's, else the newest found */
  runtime?: RuntimeId | TestRuntime;
  /** Instances that may run at once. @default 1 */
  maxInstances?: number;
  /** Where to look for interpreters. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface TestFunction {
  /** Run one request; the Invocation holds status, result, body, error, summary and log. */
  invoke(event?: unknown, options?: InvokeOptions): Promise<Invocation>;
  /** The handler's return value; rejects with InvocationFailedError (status, error body, log) otherwise. */
  result(event?: unknown): Promise<unknown>;
  /** The underlying handle (created on first use). */
  handle(): Promise<FunctionHandle>;
  /** Stop the function's instances; later calls load it again. */
  close(): Promise<void>;
}

// A request that did not succeed, with what the function reported.
export class InvocationFailedError extends Error {
  constructor(readonly invocation: Invocation) {
    const e = invocation.error;
    super(`the function ended with status '${invocation.status}'${e ? `: ${e.errorType}: ${e.errorMessage}` : ''}\n--- log (last 4 KB) ---\n${logTail(invocation.log)}`);
    this.name = 'InvocationFailedError';
  }
}

const live = new Set<TestFunction>();

// A function from a config (or a code folder / .zip path), loaded lazily.
export function loadFunction(config: FunctionConfigInput | string, options: LoadOptions = {}): TestFunction {
  const input: FunctionConfigInput = typeof config === 'string' ? { code: config } : { ...config };
  if (options.runtime !== undefined) input.runtime = typeof options.runtime === 'string' ? options.runtime : options.runtime.runtime;
  let loading: Promise<FunctionHandle> | null = null;
  const fn: TestFunction = {
    handle() {
      live.add(fn);
      loading ??= createFunction(input, { maxInstances: options.maxInstances, env: options.env });
      return loading;
    },
    async invoke(event, invokeOptions) {
      return (await fn.handle()).invoke(event, invokeOptions);
    },
    async result(event) {
      const invocation = await fn.invoke(event);
      if (invocation.status !== 'success') throw new InvocationFailedError(invocation);
      return invocation.result;
    },
    async close() {
      live.delete(fn);
      const current = loading;
      loading = null;
      if (current) await (await current.catch(() => null))?.close();
    },
  };
  return fn;
}

// Close every function loadFunction() loaded that is still open (for a global teardown).
export async function closeAllFunctions(): Promise<void> {
  await Promise.all([...live].map((fn) => fn.close()));
}

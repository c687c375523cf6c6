// What the benchmarks call: the bench fixture functions through the public library API, and events.
import { fileURLToPath } from 'node:url';
import { createFunction, liveProcessGroups, type FunctionHandle, type RuntimeInfo } from './fgrun.js';

export type BenchFunction = 'bench-echo' | 'bench-context' | 'bench-logs' | 'bench-work';

/** fixtures/functions/, from bench/ or dist-bench/ alike. */
export const FUNCTIONS = fileURLToPath(new URL('../fixtures/functions/', import.meta.url));

// createFunction() for one of the bench fixtures on one runtime.
export function benchFunction(name: BenchFunction, runtime: RuntimeInfo, maxInstances = 1): Promise<FunctionHandle> {
  return createFunction({ code: FUNCTIONS + name, runtime: runtime.runtime, pythonPath: runtime.path, timeout: 60 }, { maxInstances });
}

// A warm function and the pids of its instance (started by a first call).
export async function warmFunction(name: BenchFunction, runtime: RuntimeInfo, first: unknown): Promise<{ fn: FunctionHandle; pids: number[] }> {
  const before = new Set(liveProcessGroups());
  const fn = await benchFunction(name, runtime);
  await invokeOk(fn, first);
  return { fn, pids: liveProcessGroups().filter((pid) => !before.has(pid)) };
}

// Invoke and insist on success: a benchmark of failing calls would measure the wrong thing.
export async function invokeOk(fn: FunctionHandle, event: unknown): Promise<string> {
  const invocation = await fn.invoke(event);
  if (invocation.status !== 'success') throw new Error(`${fn.config.name} on ${fn.runtime.runtime} answered ${invocation.status}: ${invocation.body}`);
  return invocation.body;
}

const pads = new Map<number, string>();

// The bench event, {hello, i, pad}, padded so its JSON is about `bytes` long (never more).
export function benchEvent(i: number, bytes = 0): { hello: string; i: number; pad: string } {
  let pad = pads.get(bytes);
  if (pad === undefined) {
    pad = bytes > 64 ? 'x'.repeat(bytes - 64) : '';
    pads.set(bytes, pad);
  }
  return { hello: 'world', i, pad };
}

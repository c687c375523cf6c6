// Discovery of every supported runtime at once (library callers, `fgrun runtimes`, `fgrun matrix`).

import { createCallContext } from './context.js';
import { findRuntime } from './find-runtime.js';
import { RUNTIME_IDS } from './ids.js';
import type { DiscoverOptions, RuntimeInfo, RuntimeReport } from './types.js';

// One report per supported runtime, oldest -> newest; the runtimes are probed in parallel.
// options.pythonPath is ignored here: an explicit interpreter belongs to one runtime (see resolveRuntime).
export async function inspectRuntimes(options: DiscoverOptions = {}): Promise<RuntimeReport[]> {
  const context = createCallContext(options);
  try {
    return await Promise.all(RUNTIME_IDS.map((runtime) => findRuntime(runtime, context.env, context.probe)));
  } finally {
    await context.flush();
  }
}

// Every supported runtime that has an interpreter here, oldest -> newest.
export async function discoverRuntimes(options: DiscoverOptions = {}): Promise<RuntimeInfo[]> {
  const reports = await inspectRuntimes(options);
  return reports.flatMap((report) => (report.found === null ? [] : [report.found]));
}

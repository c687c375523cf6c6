// The runtimes a test suite runs a function on: those found here, optionally narrowed by the
// suite or by FGRUN_TEST_RUNTIMES ("Python3.9,Python3.12"), and the ones missing with why.
import { inspectRuntimes, normalizeRuntimeId, type RuntimeId, type RuntimeReport } from '../runtimes/index.js';

export interface TestRuntime {
  runtime: RuntimeId;
  /** Exact interpreter version, e.g. "3.12.1". */
  version: string;
  /** The interpreter. */
  path: string;
  /** "Python3.12 (3.12.1)", for test titles. */
  name: string;
}

export interface TestRuntimeOptions {
  /** Only these runtimes (any letter case). @default FGRUN_TEST_RUNTIMES, else every runtime */
  only?: readonly string[];
  /** Where to look for interpreters. @default process.env */
  env?: NodeJS.ProcessEnv;
}

// The runtimes found on this machine, oldest first: `describe.each(await functionRuntimes())`.
export async function functionRuntimes(options: TestRuntimeOptions = {}): Promise<TestRuntime[]> {
  return (await selected(options)).flatMap((r) => (r.found ? [{ runtime: r.runtime, version: r.found.version, path: r.found.path, name: `${r.runtime} (${r.found.version})` }] : []));
}

// The selected runtimes that are not here, with the reason (to report them as skipped).
export async function missingRuntimes(options: TestRuntimeOptions = {}): Promise<Array<{ runtime: RuntimeId; reason: string }>> {
  return (await selected(options)).flatMap((r) => (r.found ? [] : [{ runtime: r.runtime, reason: r.reason ?? 'no interpreter found' }]));
}

// The reports of the runtimes `only` (or FGRUN_TEST_RUNTIMES) selects.
async function selected(options: TestRuntimeOptions): Promise<RuntimeReport[]> {
  const env = options.env ?? process.env;
  const only = options.only ?? env.FGRUN_TEST_RUNTIMES?.split(',').map((s) => s.trim()).filter(Boolean);
  const wanted = only?.map((id) => {
    const runtime = normalizeRuntimeId(id);
    if (runtime === null) throw new Error(`fgrun/testing: '${id}' is not a FunctionGraph Python runtime (Python2.7, Python3.6, Python3.9, Python3.10, Python3.12)`);
    return runtime;
  });
  const reports = await inspectRuntimes({ env });
  return wanted ? reports.filter((r) => wanted.includes(r.runtime)) : reports;
}

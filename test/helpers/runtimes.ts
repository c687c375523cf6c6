// Integration tests run once per supported runtime found; a missing one is reported as skipped
// with its reason (never silently passed).
import { describe, it } from 'vitest';
import { inspectRuntimes, type RuntimeInfo, type RuntimeId } from '../../src/runtimes/index.js';

const reports = await inspectRuntimes();

export const runtimesFound: RuntimeInfo[] = reports.flatMap((r) => (r.found ? [r.found] : []));

/** The newest runtime found (the default runtime). */
export const newestRuntime: RuntimeInfo | undefined = runtimesFound[runtimesFound.length - 1];

// describe(name) once per supported runtime; describe.skip with the reason for each one missing.
// `concurrent` runs the runtimes' tests at the same time (for tests that mostly wait).
export function describeEachRuntime(name: string, body: (runtime: RuntimeInfo) => void, only?: readonly RuntimeId[], options: { concurrent?: boolean } = {}): void {
  const run = options.concurrent ? describe.concurrent : describe;
  for (const report of reports) {
    if (only && !only.includes(report.runtime)) continue;
    if (report.found) {
      const found = report.found;
      run(`${name} [${report.runtime} ${found.version}]`, () => body(found));
    } else {
      describe.skip(`${name} [${report.runtime}] skipped: ${report.reason ?? 'not found'}`, () => {
        it('needs the runtime', () => {});
      });
    }
  }
}

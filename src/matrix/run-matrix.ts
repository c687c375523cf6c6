// runMatrix(): one function on several runtimes, each with every event, runtimes in parallel
// (bounded by the machine's cores), then every outcome compared with the newest runtime's.
import { availableParallelism } from 'node:os';
import { resolveConfig, type FunctionConfigInput } from '../config/index.js';
import { ConfigError, RuntimeError, isFgrunError } from '../errors.js';
import { createFunction } from '../function/index.js';
import { prepareCode } from '../package/index.js';
import { inspectRuntimes, RUNTIME_IDS, type RuntimeId, type RuntimeInfo } from '../runtimes/index.js';
import type { Invocation } from '../result/index.js';
import { mapBounded } from './bounded.js';
import { outcomeText, sameOutcome } from './compare.js';
import { unifiedDiff } from './diff.js';
import type { MatrixDifference, MatrixEvent, MatrixOptions, MatrixReport, MatrixRow } from './types.js';

/** The event a matrix runs when it is given none. */
export const DEFAULT_MATRIX_EVENT: MatrixEvent = Object.freeze({ name: '{}', event: {} });

// Run `config` on each selected runtime with each event and compare the outcomes.
export async function runMatrix(input: FunctionConfigInput, events: readonly MatrixEvent[] = [DEFAULT_MATRIX_EVENT], options: MatrixOptions = {}): Promise<MatrixReport> {
  const t0 = performance.now();
  if (input.pythonPath !== undefined) {
    throw new ConfigError(`pythonPath (--python) names one interpreter, but a matrix runs several runtimes; point fgrun at each with FGRUN_PYTHON_X_Y instead (see fgrun runtimes)`, { field: 'pythonPath' });
  }
  const config = await prepareCode(input);
  // Configuration problems are the same on every runtime: report them once, before anything runs.
  const { name } = resolveConfig(config);
  const list = events.length > 0 ? events : [DEFAULT_MATRIX_EVENT];
  const wanted = options.runtimes === undefined || options.runtimes === 'all' ? RUNTIME_IDS : options.runtimes;
  const reports = (await inspectRuntimes({ env: options.env })).filter((r) => wanted.includes(r.runtime));
  if (!reports.some((r) => r.found)) {
    const why = reports.map((r) => `${r.runtime}: ${r.reason ?? 'not found'}`).join('; ');
    throw new RuntimeError('FGRUN_RUNTIME_NOT_FOUND', `none of the selected runtimes has an interpreter here (${why}); run fgrun runtimes to see where fgrun looked`, { details: { runtimes: [...wanted] } });
  }
  const limit = Math.max(1, options.concurrency ?? availableParallelism());
  const perRuntime = await mapBounded(reports, limit, async (report) => {
    if (!report.found) {
      const reason = report.reason ?? 'no interpreter found';
      options.onProgress?.({ type: 'skipped', runtime: report.runtime, reason });
      return list.map((e) => skippedRow(report.runtime, e.name, reason));
    }
    options.onProgress?.({ type: 'start', runtime: report.runtime, python: report.found.version });
    return runOne(config, report.found, list, options);
  });
  return compare(name, perRuntime.flat(), list, performance.now() - t0);
}

// Every event, in order, on one warm function of one runtime.
async function runOne(config: FunctionConfigInput, runtime: RuntimeInfo, events: readonly MatrixEvent[], options: MatrixOptions): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  let handle;
  try {
    handle = await createFunction({ ...config, runtime: runtime.runtime }, { env: options.env });
  } catch (error) {
    return events.map((e) => failedRow(runtime, e.name, error));
  }
  try {
    for (const { name, event } of events) {
      let row: MatrixRow;
      try {
        row = toRow(runtime.runtime, name, await handle.invoke(event));
      } catch (error) {
        row = failedRow(runtime, name, error);
      }
      rows.push(row);
      options.onProgress?.({ type: 'row', row });
    }
  } finally {
    await handle.close();
  }
  return rows;
}

// A row from an Invocation.
function toRow(runtime: RuntimeId, event: string, invocation: Invocation): MatrixRow {
  return {
    runtime, python: invocation.python, event, status: invocation.status, result: invocation.result,
    body: invocation.body, error: invocation.error, summary: invocation.summary, agrees: null, reason: null, log: invocation.log,
  };
}

// The row of a runtime that has no interpreter here.
function skippedRow(runtime: RuntimeId, event: string, reason: string): MatrixRow {
  return { runtime, python: null, event, status: 'skipped', result: null, body: null, error: null, summary: null, agrees: null, reason, log: '' };
}

// The host could not run the request at all (an event too large, a handle that would not start).
function failedRow(runtime: RuntimeInfo, event: string, error: unknown): MatrixRow {
  const errorType = isFgrunError(error) ? error.code : (error as Error)?.name ?? 'Error';
  const body = { errorMessage: (error as Error)?.message ?? String(error), errorType, stackTrace: [] as string[] };
  return { runtime: runtime.runtime, python: runtime.version, event, status: 'crash', result: body, body: JSON.stringify(body), error: body, summary: null, agrees: null, reason: null, log: '' };
}

// Mark each row against the reference runtime (the newest that ran) and collect the diffs.
function compare(name: string, rows: MatrixRow[], events: readonly MatrixEvent[], durationMs: number): MatrixReport {
  const ran = rows.filter((r) => r.status !== 'skipped');
  const reference = ran.length ? ran[ran.length - 1]!.runtime : null;
  const differences: MatrixDifference[] = [];
  for (const { name: event } of events) {
    const base = rows.find((r) => r.runtime === reference && r.event === event);
    for (const row of rows.filter((r) => r.event === event && r.status !== 'skipped')) {
      if (!base || row === base) {
        row.agrees = true;
        continue;
      }
      row.agrees = sameOutcome(row, base);
      if (!row.agrees) {
        const diff = unifiedDiff(outcomeText(base), outcomeText(row), `${base.runtime} (reference)`, row.runtime);
        differences.push({ event, runtime: row.runtime, reference: base.runtime, diff });
      }
    }
  }
  const skipped = [...new Set(rows.filter((r) => r.status === 'skipped').map((r) => r.runtime))];
  return {
    name, rows, reference, differences,
    failed: ran.filter((r) => r.status !== 'success').length,
    differing: ran.filter((r) => r.agrees === false).length,
    skipped, durationMs,
  };
}

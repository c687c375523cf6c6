// runMatrix(): one or more functions on several runtimes, each with every event, runtimes in
// parallel (bounded by the machine's cores), then every outcome compared with the newest runtime's.
import { resolveConfig, type FunctionConfigInput } from '../config/index.js';
import { ConfigError, RuntimeError, isFgrunError } from '../errors.js';
import { createFunction } from '../function/index.js';
import { prepareCode } from '../package/index.js';
import { cpuSlots } from '../platform/index.js';
import { inspectRuntimes, RUNTIME_IDS, type RuntimeId, type RuntimeInfo } from '../runtimes/index.js';
import type { Invocation } from '../result/index.js';
import { mapBounded } from './bounded.js';
import { compareRows } from './compare-rows.js';
import { parseIgnorePaths } from './ignore.js';
import { shardRange } from './shard.js';
import type { MatrixEvent, MatrixOptions, MatrixReport, MatrixRow, MatrixShardInfo } from './types.js';

/** The event a matrix runs when it is given none. */
export const DEFAULT_MATRIX_EVENT: MatrixEvent = Object.freeze({ name: '{}', event: {} });

/** What one function on one runtime runs: the events of its cells. */
interface Job {
  name: string;
  config: FunctionConfigInput;
  runtime: RuntimeId;
  events: MatrixEvent[];
}

// Run each function on each selected runtime with each event (or one --shard of those cells) and compare.
export async function runMatrix(input: FunctionConfigInput | readonly FunctionConfigInput[], events: readonly MatrixEvent[] = [DEFAULT_MATRIX_EVENT], options: MatrixOptions = {}): Promise<MatrixReport> {
  const t0 = performance.now();
  const inputs = Array.isArray(input) ? (input as readonly FunctionConfigInput[]) : [input as FunctionConfigInput];
  if (inputs.some((i) => i.pythonPath !== undefined)) {
    throw new ConfigError(`pythonPath (--python) names one interpreter, but a matrix runs several runtimes; point fgrun at each with FGRUN_PYTHON_X_Y instead (see fgrun runtimes)`, { field: 'pythonPath' });
  }
  const ignore = parseIgnorePaths(options.ignore ?? []);
  const functions: { name: string; config: FunctionConfigInput }[] = [];
  for (const each of inputs) {
    const config = await prepareCode(each);
    // Configuration problems are the same on every runtime: report them once, before anything runs.
    functions.push({ name: resolveConfig(config).name, config });
  }
  const list = events.length > 0 ? [...events] : [DEFAULT_MATRIX_EVENT];
  const wanted = options.runtimes === undefined || options.runtimes === 'all' ? RUNTIME_IDS : RUNTIME_IDS.filter((id) => options.runtimes!.includes(id));
  const reports = (await inspectRuntimes({ env: options.env })).filter((r) => wanted.includes(r.runtime));
  if (!reports.some((r) => r.found)) {
    const why = reports.map((r) => `${r.runtime}: ${r.reason ?? 'not found'}`).join('; ');
    throw new RuntimeError('FGRUN_RUNTIME_NOT_FOUND', `none of the selected runtimes has an interpreter here (${why}); run fgrun runtimes to see where fgrun looked`, { details: { runtimes: [...wanted] } });
  }
  // The cells in order (function, runtime, event); a shard keeps one contiguous block of them.
  const cells = functions.length * reports.length * list.length;
  const shard: MatrixShardInfo | null = options.shard ? { ...options.shard, cells } : null;
  const { start, end } = shard ? shardRange(cells, shard) : { start: 0, end: cells };
  const jobs: (Job & { report: (typeof reports)[number] })[] = [];
  let cell = 0;
  for (const fn of functions) {
    for (const report of reports) {
      const mine: MatrixEvent[] = [];
      for (const event of list) {
        if (cell >= start && cell < end) mine.push(event);
        cell += 1;
      }
      if (mine.length) jobs.push({ ...fn, runtime: report.runtime, events: mine, report });
    }
  }
  const limit = Math.max(1, options.concurrency ?? cpuSlots());
  const perJob = await mapBounded(jobs, limit, async (job) => {
    if (!job.report.found) {
      const reason = job.report.reason ?? 'no interpreter found';
      options.onProgress?.({ type: 'skipped', function: job.name, runtime: job.runtime, reason });
      return job.events.map((e) => skippedRow(job.name, job.runtime, e.name, reason, shard));
    }
    options.onProgress?.({ type: 'start', function: job.name, runtime: job.runtime, python: job.report.found.version });
    return runOne(job, job.report.found, shard, options);
  });
  return compareRows(perJob.flat(), { functions: functions.map((f) => f.name), ignore, shard, durationMs: performance.now() - t0 });
}

// Every event of the job, in order, on one warm function of one runtime.
async function runOne(job: Job, runtime: RuntimeInfo, shard: MatrixShardInfo | null, options: MatrixOptions): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  let handle;
  try {
    handle = await createFunction({ ...job.config, runtime: runtime.runtime }, { env: options.env, shortLived: true });
  } catch (error) {
    return job.events.map((e) => failedRow(job.name, runtime, e.name, error, shard));
  }
  try {
    for (const { name, event } of job.events) {
      let row: MatrixRow;
      try {
        row = toRow(job.name, runtime.runtime, name, await handle.invoke(event), shard);
      } catch (error) {
        row = failedRow(job.name, runtime, name, error, shard);
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
function toRow(fn: string, runtime: RuntimeId, event: string, invocation: Invocation, shard: MatrixShardInfo | null): MatrixRow {
  return {
    function: fn, runtime, python: invocation.python, event, status: invocation.status, result: invocation.result,
    body: invocation.body, error: invocation.error, summary: invocation.summary, agrees: null, reason: null, log: invocation.log, shard,
  };
}

// The row of a runtime that has no interpreter here.
function skippedRow(fn: string, runtime: RuntimeId, event: string, reason: string, shard: MatrixShardInfo | null): MatrixRow {
  return { function: fn, runtime, python: null, event, status: 'skipped', result: null, body: null, error: null, summary: null, agrees: null, reason, log: '', shard };
}

// The host could not run the request at all (an event too large, a handle that would not start).
function failedRow(fn: string, runtime: RuntimeInfo, event: string, error: unknown, shard: MatrixShardInfo | null): MatrixRow {
  const errorType = isFgrunError(error) ? error.code : (error as Error)?.name ?? 'Error';
  const body = { errorMessage: (error as Error)?.message ?? String(error), errorType, stackTrace: [] as string[] };
  return { function: fn, runtime: runtime.runtime, python: runtime.version, event, status: 'crash', result: body, body: JSON.stringify(body), error: body, summary: null, agrees: null, reason: null, log: '', shard };
}

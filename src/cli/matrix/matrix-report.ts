// The matrix report as text: one table row per function, runtime and event, the diffs against the
// reference runtime, and a verdict line. Live progress lines and the --json rows too.
import { canonicalJson, type MatrixProgress, type MatrixReport, type MatrixRow } from '../../matrix/index.js';
import { table } from '../table.js';

/** How much of a result the table shows without --wide. */
const RESULT_WIDTH = 48;

export interface MatrixTextOptions {
  allowDiff?: boolean;
  requireAll?: boolean;
  /** Whole results in the table. */
  wide?: boolean;
}

// Table, diffs and verdict.
export function formatMatrix(report: MatrixReport, options: MatrixTextOptions = {}): string {
  const several = report.functions.length > 1;
  const vs = report.reference ? `VS ${report.reference}` : 'VS';
  const header = [...(several ? ['FUNCTION'] : []), 'RUNTIME', 'PYTHON', 'EVENT', 'STATUS', 'DURATION', 'MAX MEMORY', 'RESULT', vs];
  const rows = report.rows.map((row) => [
    ...(several ? [row.function] : []),
    row.runtime, row.python ?? '-', row.event, row.status,
    row.summary ? `${row.summary.durationMs.toFixed(3)} ms` : '-',
    row.summary ? `${row.summary.maxMemoryUsedMb.toFixed(1)} MB` : '-',
    resultCell(row, options.wide ?? false), verdict(row, report),
  ]);
  let out = table(header, rows);
  for (const d of report.differences) {
    out += `\n${several ? `${d.function}: ` : ''}${d.runtime} differs from ${d.reference} on event ${d.event}:\n`;
    out += d.diff.split('\n').filter(Boolean).map((line) => `  ${line}`).join('\n') + '\n';
  }
  out += '\n' + summary(report, options) + '\n';
  return out;
}

// One progress line for stderr.
export function progressLine(progress: MatrixProgress, withFunction = false): string {
  if (progress.type === 'start') return `  ${withFunction ? `${progress.function} ` : ''}${progress.runtime} (${progress.python}) started\n`;
  if (progress.type === 'skipped') return `  ${withFunction ? `${progress.function} ` : ''}${progress.runtime} skipped: ${progress.reason}\n`;
  const row = progress.row;
  const took = row.summary ? ` in ${row.summary.durationMs.toFixed(3)} ms` : '';
  return `  ${withFunction ? `${row.function} ` : ''}${row.runtime} (${row.python}) ${row.event}: ${row.status}${took}\n`;
}

// --json: every cell with what --merge needs to join shards (function, log, shard).
export function matrixJson(report: MatrixReport): string {
  const rows = report.rows.map(({ function: fn, runtime, python, event, status, result, body, error, summary, agrees, reason, log, shard }) =>
    ({ function: fn, runtime, python, event, status, result, body, error, summary, agrees, reason, log, shard }));
  return JSON.stringify(rows, null, 2) + '\n';
}

// The verdict line: OK, or what differs, failed and is missing; and what was skipped, in words.
function summary(report: MatrixReport, options: MatrixTextOptions = {}): string {
  const ran = new Set(report.rows.filter((r) => r.status !== 'skipped').map((r) => r.runtime));
  const differing = new Set(report.rows.filter((r) => r.agrees === false).map((r) => r.runtime));
  const missing = report.skipped.length;
  const failsOnMissing = Boolean(options.requireAll) && missing > 0;
  const runtimes = (n: number) => `${n} runtime${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (report.shard) {
    const { index, count, cells } = report.shard;
    const failed = report.failed ? `, ${report.failed} failed` : '';
    parts.push(`${report.failed || failsOnMissing ? 'FAILED' : 'OK'}: shard ${index}/${count} ran ${report.rows.length} of ${cells} cells${failed}; runtimes are compared when the shards are joined with --merge`);
  } else if (report.failed === 0 && !failsOnMissing && (differing.size === 0 || options.allowDiff)) {
    parts.push(differing.size === 0
      ? `OK: ${runtimes(ran.size)} agree with ${report.reference}`
      : `OK (--allow-diff): ${differing.size} of ${ran.size} runtimes differ from ${report.reference}: ${[...differing].join(', ')}`);
  } else {
    const why: string[] = [];
    if (differing.size && !options.allowDiff) why.push(`${differing.size} of ${ran.size} runtimes differ from ${report.reference} (${[...differing].join(', ')})`);
    if (report.failed) why.push(`${report.failed} request${report.failed === 1 ? '' : 's'} failed`);
    if (failsOnMissing) why.push(`${runtimes(missing)} missing with --require-all (${report.skipped.join(', ')})`);
    parts.push(`FAILED: ${why.join('; ')}`);
  }
  if (report.ignored.length) parts.push(`ignored: ${report.ignored.join(', ')}`);
  if (missing && !failsOnMissing) parts.push(`${runtimes(missing)} skipped, no interpreter found: ${report.skipped.join(', ')} (--require-all fails the run instead)`);
  return parts.join('; ') + '.';
}

// The result column: a one-line outcome, its start only unless `wide`. An error shows its type
// and its message without FunctionGraph's prefix; an APIG response its statusCode first.
function resultCell(row: MatrixRow, wide: boolean): string {
  let text: string;
  if (row.status === 'skipped') text = row.reason ?? 'not found';
  else if (row.status !== 'success') text = row.error ? `${row.error.errorType}: ${row.error.errorMessage.replace(/^function [a-z ]+exception, error: /, '')}` : row.status;
  else if (row.body === '') text = '(None)';
  else text = apigCell(row.result) ?? canonicalJson(row.result);
  text = text.replace(/\s+/g, ' ');
  return wide || text.length <= RESULT_WIDTH ? text : text.slice(0, RESULT_WIDTH - 1) + '…';
}

// `statusCode 200 {"ok":true}` for an APIG response ({statusCode, body, ...}), else null.
function apigCell(result: unknown): string | null {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return null;
  const { statusCode, body } = result as { statusCode?: unknown; body?: unknown };
  if (typeof statusCode !== 'number' || !('body' in result)) return null;
  return `statusCode ${statusCode} ${typeof body === 'string' ? body : canonicalJson(body)}`;
}

// The last column: reference, same, DIFFERS, or - when skipped or not compared (a shard).
function verdict(row: MatrixRow, report: MatrixReport): string {
  if (row.status === 'skipped' || row.agrees === null) return '-';
  if (row.runtime === report.reference) return 'reference';
  return row.agrees ? 'same' : 'DIFFERS';
}

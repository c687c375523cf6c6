// The matrix report as text: one table row per runtime and event, the diffs against the reference
// runtime, and a verdict line. Live progress lines too.
import { canonicalJson, type MatrixProgress, type MatrixReport, type MatrixRow } from '../matrix/index.js';
import { table } from './table.js';

/** How much of a result the table shows. */
const RESULT_WIDTH = 48;

export interface MatrixTextOptions {
  allowDiff?: boolean;
}

// Table, diffs and verdict.
export function formatMatrix(report: MatrixReport, options: MatrixTextOptions = {}): string {
  const vs = report.reference ? `VS ${report.reference}` : 'VS';
  const rows = report.rows.map((row) => [
    row.runtime, row.python ?? '-', row.event, row.status,
    row.summary ? `${row.summary.durationMs.toFixed(3)} ms` : '-',
    row.summary ? `${row.summary.maxMemoryUsedMb.toFixed(1)} MB` : '-',
    short(row), verdict(row, report),
  ]);
  let out = table(['RUNTIME', 'PYTHON', 'EVENT', 'STATUS', 'DURATION', 'MAX MEMORY', 'RESULT', vs], rows.map((r) => [...r.slice(0, 6), r[6]!, r[7]!]));
  for (const d of report.differences) {
    out += `\n${d.runtime} differs from ${d.reference} on event ${d.event}:\n`;
    out += d.diff.split('\n').filter(Boolean).map((line) => `  ${line}`).join('\n') + '\n';
  }
  out += '\n' + summary(report, options) + '\n';
  return out;
}

// One progress line for stderr.
export function progressLine(progress: MatrixProgress): string {
  if (progress.type === 'start') return `  ${progress.runtime} (${progress.python}) started\n`;
  if (progress.type === 'skipped') return `  ${progress.runtime} skipped: ${progress.reason}\n`;
  const row = progress.row;
  const took = row.summary ? ` in ${row.summary.durationMs.toFixed(3)} ms` : '';
  return `  ${row.runtime} (${row.python}) ${row.event}: ${row.status}${took}\n`;
}

// The verdict line: OK, or what differs and what failed.
function summary(report: MatrixReport, options: MatrixTextOptions = {}): string {
  const ran = new Set(report.rows.filter((r) => r.status !== 'skipped').map((r) => r.runtime));
  const differing = new Set(report.rows.filter((r) => r.agrees === false).map((r) => r.runtime));
  const parts: string[] = [];
  if (report.failed === 0 && (differing.size === 0 || options.allowDiff)) {
    parts.push(differing.size === 0
      ? `OK: ${ran.size} runtime${ran.size === 1 ? '' : 's'} agree with ${report.reference}`
      : `OK (--allow-diff): ${differing.size} of ${ran.size} runtimes differ from ${report.reference}: ${[...differing].join(', ')}`);
  } else {
    const why: string[] = [];
    if (differing.size) why.push(`${differing.size} of ${ran.size} runtimes differ from ${report.reference} (${[...differing].join(', ')})`);
    if (report.failed) why.push(`${report.failed} request${report.failed === 1 ? '' : 's'} failed`);
    parts.push(`FAILED: ${why.join('; ')}`);
  }
  if (report.skipped.length) parts.push(`skipped (not found): ${report.skipped.join(', ')}`);
  return parts.join('; ') + '.';
}

// The result column: a one-line, shortened outcome.
function short(row: MatrixRow): string {
  let text: string;
  if (row.status === 'skipped') text = row.reason ?? 'not found';
  else if (row.status !== 'success') text = row.error ? `${row.error.errorType}: ${row.error.errorMessage}` : row.status;
  else if (row.body === '') text = '(None)';
  else text = canonicalJson(row.result);
  text = text.replace(/\s+/g, ' ');
  return text.length > RESULT_WIDTH ? text.slice(0, RESULT_WIDTH - 1) + '…' : text;
}

// The last column: reference, same, DIFFERS, or - when skipped.
function verdict(row: MatrixRow, report: MatrixReport): string {
  if (row.status === 'skipped') return '-';
  if (row.runtime === report.reference) return 'reference';
  return row.agrees ? 'same' : 'DIFFERS';
}

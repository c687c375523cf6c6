// A matrix report as JUnit XML, the format CI systems read: one <testsuite> per runtime, one
// <testcase> per event. A failed request is an <error>, an outcome that differs from the reference
// runtime a <failure> (unless differences are allowed), a runtime not found <skipped>.
import type { MatrixReport, MatrixRow } from './types.js';

export interface JUnitOptions {
  /** Differences from the reference runtime are not failures. @default false */
  allowDiff?: boolean;
  /** A runtime with no interpreter is a <failure type="RuntimeMissing">, not <skipped>. @default false */
  requireAll?: boolean;
}

// The whole report as a JUnit XML document.
export function toJUnit(report: MatrixReport, options: JUnitOptions = {}): string {
  const runtimes = [...new Set(report.rows.map((r) => r.runtime))];
  const suites = runtimes.map((runtime) => suite(report, report.rows.filter((r) => r.runtime === runtime), options));
  const count = (what: (r: MatrixRow) => boolean) => report.rows.filter(what).length;
  const totals = {
    tests: report.rows.length,
    failures: count((r) => isFailure(r, options)),
    errors: count(isError),
    skipped: count((r) => isSkipped(r, options)),
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`fgrun matrix ${report.name}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

// One runtime's <testsuite>, with its counts and interpreter version.
function suite(report: MatrixReport, rows: MatrixRow[], options: JUnitOptions): string {
  const first = rows[0]!;
  const time = rows.reduce((sum, r) => sum + (r.summary?.durationMs ?? 0), 0);
  const head = `  <testsuite name="${attr(first.runtime)}" tests="${rows.length}" failures="${rows.filter((r) => isFailure(r, options)).length}" ` +
    `errors="${rows.filter(isError).length}" skipped="${rows.filter((r) => isSkipped(r, options)).length}" time="${seconds(time)}">`;
  const properties = first.python ? [`    <properties><property name="python" value="${attr(first.python)}"/></properties>`] : [];
  return [head, ...properties, ...rows.map((row) => testcase(report, row, options)), '  </testsuite>'].join('\n');
}

// One event's <testcase>: <error>, <failure>, <skipped> and the log as <system-out>.
function testcase(report: MatrixReport, row: MatrixRow, options: JUnitOptions): string {
  const open = `    <testcase name="${attr(row.event)}" classname="${attr(`${row.function}.${row.runtime}`)}" time="${seconds(row.summary?.durationMs ?? 0)}"`;
  const body: string[] = [];
  if (row.status === 'skipped' && options.requireAll) {
    body.push(`      <failure message="${attr(`${row.runtime} is required (--require-all): ${row.reason ?? 'runtime not found'}`)}" type="RuntimeMissing"/>`);
  } else if (row.status === 'skipped') {
    body.push(`      <skipped message="${attr(row.reason ?? 'runtime not found')}"/>`);
  } else if (isError(row)) {
    const e = row.error;
    const message = e ? `${e.errorType}: ${e.errorMessage}` : row.status;
    body.push(`      <error message="${attr(message)}" type="${attr(e?.errorType ?? row.status)}">${text([`status: ${row.status}`, message, ...(e?.stackTrace ?? [])].join('\n'))}</error>`);
  }
  const difference = report.differences.find((d) => d.function === row.function && d.runtime === row.runtime && d.event === row.event);
  if (difference && !isError(row)) {
    if (isFailure(row, options)) body.push(`      <failure message="${attr(`result differs from ${difference.reference}`)}" type="ResultDiffers">${text(difference.diff)}</failure>`);
  }
  const out = [difference && !isFailure(row, options) ? difference.diff : '', row.log].filter(Boolean).join('\n');
  if (out) body.push(`      <system-out>${text(out)}</system-out>`);
  return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
}

// A request that did not succeed (a skipped runtime is not an error).
function isError(row: MatrixRow): boolean {
  return row.status !== 'success' && row.status !== 'skipped';
}

// A successful request whose outcome differs from the reference, or a required runtime missing.
function isFailure(row: MatrixRow, options: JUnitOptions): boolean {
  if (row.status === 'skipped') return Boolean(options.requireAll);
  return !options.allowDiff && row.agrees === false && !isError(row);
}

// A runtime not found, when that does not fail the run.
function isSkipped(row: MatrixRow, options: JUnitOptions): boolean {
  return row.status === 'skipped' && !options.requireAll;
}

// JUnit times are seconds.
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// XML 1.0 cannot hold most control characters at all: drop them.
function clean(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

// Escape text for an XML attribute.
function attr(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

// Escape text for XML element content.
function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

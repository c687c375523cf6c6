// What "the same result" means across runtimes: equal status and equal value. JSON results are
// compared by value (key order ignored: Python 2.7 and 3.6 order dict keys differently), text
// results as text, failures by status, errorType and errorMessage (tracebacks differ by version).
import type { MatrixRow } from './types.js';

// The outcome as canonical text: what is compared, and what a diff shows.
export function outcomeText(row: MatrixRow): string {
  if (row.status === 'success') {
    if (row.body === '') return '(empty body: the handler returned None)';
    return canonicalJson(row.result, 2);
  }
  const lines = [`status: ${row.status}`];
  if (row.error) lines.push(`errorType: ${row.error.errorType}`, `errorMessage: ${row.error.errorMessage}`);
  return lines.join('\n');
}

// Whether two rows of one event have the same outcome.
export function sameOutcome(a: MatrixRow, b: MatrixRow): boolean {
  return a.status === b.status && outcomeText(a) === outcomeText(b);
}

// JSON with object keys sorted at every level; `indent` 0 gives one line.
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent) ?? 'undefined';
}

// A copy of `value` with every object's keys in sorted order.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

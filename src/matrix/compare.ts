// What "the same result" means across runtimes: equal status and equal value. JSON results are
// compared by value (key order ignored: Python 2.7 and 3.6 order dict keys differently), also JSON
// held in a string (an APIG response's `body` made by json.dumps), text results as text, failures by status, errorType and errorMessage (tracebacks differ by version).
// Fields named by --ignore are left out of both sides first.
import { parseJsonContainer, withoutIgnored, type IgnorePath } from './ignore.js';
import type { MatrixRow } from './types.js';

// The outcome as canonical text: what is compared, and what a diff shows.
export function outcomeText(row: MatrixRow, ignore: readonly IgnorePath[] = []): string {
  if (row.status === 'success') {
    if (row.body === '') return '(empty body: the handler returned None)';
    return canonicalJson(withoutIgnored(row.result, ignore), 2);
  }
  const lines = [`status: ${row.status}`];
  if (row.error) {
    const kept = withoutIgnored({ errorType: row.error.errorType, errorMessage: row.error.errorMessage }, ignore) as Record<string, string>;
    for (const key of ['errorType', 'errorMessage']) if (key in kept) lines.push(`${key}: ${kept[key]}`);
  }
  return lines.join('\n');
}

// Whether two rows of one event have the same outcome.
export function sameOutcome(a: MatrixRow, b: MatrixRow, ignore: readonly IgnorePath[] = []): boolean {
  return a.status === b.status && outcomeText(a, ignore) === outcomeText(b, ignore);
}

// JSON with object keys sorted at every level; `indent` 0 gives one line.
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent) ?? 'undefined';
}

// A copy of `value` with every object's keys in sorted order; a string holding a JSON object or array
// becomes that JSON's canonical text (so two bodies differing only in key order or spacing are equal).
function sortKeys(value: unknown): unknown {
  if (typeof value === 'string') {
    const inner = parseJsonContainer(value);
    return inner === undefined ? value : JSON.stringify(sortKeys(inner));
  }
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

// A unified line diff of two short texts (results are small): jsdiff finds the changed lines, this
// file prints them with three lines of context around each change, in the matrix report's format.
import { diffArrays } from 'diff';

const CONTEXT = 3;
/** Texts this short are shown whole. */
const WHOLE = 20;

type Op = { kind: ' ' | '-' | '+'; line: string };

// "--- from\n+++ to\n" then the changed lines; '' when the texts are equal.
export function unifiedDiff(fromText: string, toText: string, fromLabel: string, toLabel: string): string {
  if (fromText === toText) return '';
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, ...withContext(lineOps(fromText.split('\n'), toText.split('\n')))].join('\n') + '\n';
}

// The edit script, one op per line.
function lineOps(a: string[], b: string[]): Op[] {
  return diffArrays(a, b).flatMap((change) => {
    const kind = change.added ? '+' : change.removed ? '-' : ' ';
    return change.value.map((line) => ({ kind, line }));
  });
}

// Changed lines with CONTEXT unchanged lines around them; "..." where lines are left out.
// Short texts (up to WHOLE lines) are shown whole: the context then costs nothing.
function withContext(ops: Op[]): string[] {
  if (ops.length <= WHOLE) return ops.map((op) => `${op.kind} ${op.line}`);
  const keep = ops.map(() => false);
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    for (let k = Math.max(0, index - CONTEXT); k <= Math.min(ops.length - 1, index + CONTEXT); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped) out.push('...');
    skipped = false;
    out.push(`${op.kind} ${op.line}`);
  });
  if (skipped) out.push('...');
  return out;
}

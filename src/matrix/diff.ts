// A unified line diff of two short texts (results are small): longest common subsequence, with
// three lines of context around each change. Texts past MAX_LINES are shown whole, - then +.

/** Past this many lines on either side, the diff shows both texts whole. */
const MAX_LINES = 2000;
const CONTEXT = 3;
/** Texts this short are shown whole. */
const WHOLE = 20;

type Op = { kind: ' ' | '-' | '+'; line: string };

// "--- from\n+++ to\n" then the changed lines; '' when the texts are equal.
export function unifiedDiff(fromText: string, toText: string, fromLabel: string, toLabel: string): string {
  if (fromText === toText) return '';
  const a = fromText.split('\n');
  const b = toText.split('\n');
  const ops = a.length > MAX_LINES || b.length > MAX_LINES
    ? [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))]
    : lineOps(a, b);
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, ...withContext(ops)].join('\n') + '\n';
}

// Edit script from the LCS table.
function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
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

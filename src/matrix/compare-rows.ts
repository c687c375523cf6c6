// The comparison step of a matrix, shared by a run and by `--merge` of shards: mark each row
// against the reference runtime (the newest that ran) for its function and event, and collect diffs.
// A single shard compares nothing (its reference may not be the whole matrix's): the merge does.
import { RUNTIME_IDS, type RuntimeId } from '../runtimes/index.js';
import { outcomeText, sameOutcome } from './compare.js';
import { unifiedDiff } from './diff.js';
import type { IgnorePath } from './ignore.js';
import type { MatrixDifference, MatrixReport, MatrixRow, MatrixShardInfo } from './types.js';

export interface CompareMeta {
  functions: string[];
  ignore: readonly IgnorePath[];
  shard: MatrixShardInfo | null;
  durationMs: number;
}

// The report of `rows` (function, runtime oldest first, event order), with agreements and diffs.
export function compareRows(rows: MatrixRow[], meta: CompareMeta): MatrixReport {
  const ran = rows.filter((r) => r.status !== 'skipped');
  const reference = meta.shard || ran.length === 0 ? null : ran.reduce((newest, r) => (runtimeOrder(r.runtime) > runtimeOrder(newest.runtime) ? r : newest)).runtime;
  const differences: MatrixDifference[] = [];
  for (const row of rows) row.agrees = null;
  if (reference) {
    for (const row of ran) {
      const base = ran.find((r) => r.runtime === reference && r.function === row.function && r.event === row.event);
      if (!base || base === row) {
        row.agrees = base ? true : null;
        continue;
      }
      row.agrees = sameOutcome(row, base, meta.ignore);
      if (!row.agrees) {
        const diff = unifiedDiff(outcomeText(base, meta.ignore), outcomeText(row, meta.ignore), `${base.runtime} (reference)`, row.runtime);
        differences.push({ function: row.function, event: row.event, runtime: row.runtime, reference, diff });
      }
    }
  }
  return {
    name: meta.functions.join(', '),
    functions: meta.functions,
    rows, reference, differences,
    failed: ran.filter((r) => r.status !== 'success').length,
    differing: ran.filter((r) => r.agrees === false).length,
    skipped: [...new Set(rows.filter((r) => r.status === 'skipped').map((r) => r.runtime))],
    ignored: meta.ignore.map((p) => p.text),
    shard: meta.shard,
    durationMs: meta.durationMs,
  };
}

// RUNTIME_IDS is oldest first: Python3.10 is newer than Python3.9.
function runtimeOrder(runtime: RuntimeId): number {
  return RUNTIME_IDS.indexOf(runtime);
}

// `fgrun matrix --merge a.json b.json ...`: join the --json output of several --shard runs into one
// report, compared as if it had run in one place. Every file is checked (zod) and the shards must
// add up to the whole matrix: a missing shard or a cell given twice is a ConfigError, never a
// silently smaller report.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { RUNTIME_IDS, type RuntimeId } from '../runtimes/index.js';
import { compareRows } from './compare-rows.js';
import { parseIgnorePaths } from './ignore.js';
import { shardRange } from './shard.js';
import type { MatrixReport, MatrixRow } from './types.js';

const errorBody = z.object({ errorMessage: z.string(), errorType: z.string(), stackTrace: z.array(z.string()).optional() }).loose();
const shardInfo = z.object({ index: z.number().int().min(1), count: z.number().int().min(1), cells: z.number().int().min(0) });
const rowSchema = z.object({
  function: z.string(),
  runtime: z.enum(RUNTIME_IDS as unknown as [RuntimeId, ...RuntimeId[]]),
  python: z.string().nullable(),
  event: z.string(),
  status: z.enum(['success', 'error', 'timeout', 'crash', 'oom', 'init-error', 'skipped']),
  result: z.unknown(),
  body: z.string().nullable(),
  error: errorBody.nullable(),
  summary: z.object({ durationMs: z.number() }).loose().nullable(),
  agrees: z.boolean().nullable(),
  reason: z.string().nullable(),
  log: z.string(),
  shard: shardInfo.nullable(),
});
const fileSchema = z.array(rowSchema);

// The merged report of the shards' JSON files, with `ignore` paths added to those the shards used.
export function mergeShardFiles(files: readonly string[], ignore: readonly string[] = []): MatrixReport {
  if (files.length === 0) throw new ConfigError('--merge needs the JSON files of the shards: fgrun matrix --merge shard-1.json shard-2.json ...', { field: '--merge' });
  const rows: MatrixRow[] = [];
  for (const file of files) rows.push(...readRows(file));
  const shards = new Map<string, { index: number; count: number; cells: number }>();
  for (const row of rows) if (row.shard) shards.set(`${row.shard.index}/${row.shard.count}/${row.shard.cells}`, row.shard);
  checkWhole(rows, [...shards.values()]);
  const functions = [...new Set(rows.map((r) => r.function))];
  // Put rows back in a whole matrix's order: function (first seen), runtime (oldest first), then as given.
  rows.sort((a, b) => functions.indexOf(a.function) - functions.indexOf(b.function) || RUNTIME_IDS.indexOf(a.runtime) - RUNTIME_IDS.indexOf(b.runtime));
  const merged = rows.map((r) => ({ ...r, shard: null }));
  return compareRows(merged, { functions, ignore: parseIgnorePaths(ignore), shard: null, durationMs: Math.max(0, ...rows.map((r) => r.summary?.durationMs ?? 0)) });
}

// One file's rows, or a ConfigError naming the file and what is wrong.
function readRows(file: string): MatrixRow[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new ConfigError(`--merge ${file}: cannot read it as JSON (${why}); give the files that fgrun matrix --shard I/N --json wrote`, { field: '--merge', file, cause });
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`--merge ${file}: not the JSON of fgrun matrix --json (at ${issue.path.join('.') || 'the top'}: ${issue.message})`, { field: '--merge', file });
  }
  return parsed.data as MatrixRow[];
}

// The rows hold each cell once, and every shard of one split of the matrix.
function checkWhole(rows: MatrixRow[], shards: { index: number; count: number; cells: number }[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify([row.function, row.runtime, row.event]);
    if (seen.has(key)) throw new ConfigError(`--merge: ${row.function} on ${row.runtime} with event ${row.event} appears twice; each shard's file once, please`, { field: '--merge' });
    seen.add(key);
  }
  if (shards.length === 0) return;
  const splits = new Set(shards.map((s) => `${s.count}/${s.cells}`));
  if (splits.size > 1) throw new ConfigError(`--merge: the files come from different splits (${[...splits].map((s) => `--shard I/${s.split('/')[0]}`).join(', ')}); merge the shards of one run`, { field: '--merge' });
  const { count, cells } = shards[0]!;
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) {
    const { start, end } = shardRange(cells, { index, count });
    if (end > start && !shards.some((s) => s.index === index)) missing.push(index);
  }
  if (missing.length || rows.length !== cells) {
    const which = missing.length ? `shard ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` : `${rows.length} of ${cells} cells are here`;
    throw new ConfigError(`--merge: ${which}; pass the JSON file of every shard`, { field: '--merge' });
  }
}

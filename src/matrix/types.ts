// The shapes of a matrix run: one function, several runtimes, one or more events.
import type { RuntimeId } from '../runtimes/index.js';
import type { ErrorBody, InvocationStatus, InvocationSummary } from '../result/index.js';
import type { MatrixShard } from './shard.js';

export interface MatrixEvent {
  /** How reports name the event (a file name, "apig", ...). */
  name: string;
  event: unknown;
}

export type MatrixStatus = InvocationStatus | 'skipped';

/** One event on one runtime (one cell of the matrix). */
export interface MatrixRow {
  /** The function's name (a matrix over a config file may hold several). */
  function: string;
  runtime: RuntimeId;
  /** Exact interpreter version, null when the runtime was skipped. */
  python: string | null;
  event: string;
  status: MatrixStatus;
  /** The handler's result (parsed JSON, text, or the error body); null when skipped. */
  result: unknown;
  /** The response body, null when skipped. */
  body: string | null;
  error: ErrorBody | null;
  summary: InvocationSummary | null;
  /** Whether the outcome equals the reference runtime's; true for the reference, null when skipped. */
  agrees: boolean | null;
  /** Why the runtime was skipped, else null. */
  reason: string | null;
  /** The request's log (empty when skipped). */
  log: string;
  /** Which share of the matrix ran this cell, with --shard; null otherwise. */
  shard: MatrixShardInfo | null;
}

/** A shard's place in the whole matrix: what `--merge` checks for completeness. */
export interface MatrixShardInfo {
  index: number;
  count: number;
  /** Cells (function x runtime x event) of the whole, unsharded matrix. */
  cells: number;
}

export interface MatrixDifference {
  function: string;
  event: string;
  runtime: RuntimeId;
  reference: RuntimeId;
  /** A unified line diff, reference (-) against this runtime (+). */
  diff: string;
}

export interface MatrixReport {
  /** The function's name (several: joined with ", "). */
  name: string;
  /** Every function of the matrix, in order. */
  functions: string[];
  /** Function by function, runtime by runtime (oldest first), each with every event in order. */
  rows: MatrixRow[];
  /** The newest runtime that ran: what the others are compared with. */
  reference: RuntimeId | null;
  differences: MatrixDifference[];
  /** Rows that did not succeed (skipped ones excluded). */
  failed: number;
  /** Rows whose outcome differs from the reference. */
  differing: number;
  /** Runtimes skipped because no interpreter was found. */
  skipped: RuntimeId[];
  /** The --ignore paths left out of every comparison. */
  ignored: string[];
  /** The share this report holds, with --shard; null for a whole matrix. */
  shard: MatrixShardInfo | null;
  /** Wall time of the whole run, ms. */
  durationMs: number;
}

export type MatrixProgress =
  | { type: 'start'; function: string; runtime: RuntimeId; python: string }
  | { type: 'row'; row: MatrixRow }
  | { type: 'skipped'; function: string; runtime: RuntimeId; reason: string };

export interface MatrixOptions {
  /** The runtimes to run on. @default 'all' */
  runtimes?: readonly RuntimeId[] | 'all';
  /** Runtimes run at once. @default the machine's cores (os.availableParallelism()) */
  concurrency?: number;
  /** Where to look for interpreters. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Live progress, as each runtime starts and each event finishes. */
  onProgress?: (progress: MatrixProgress) => void;
  /** Paths into the result left out of comparisons (`requestId`, `body.time`, `headers.date`). */
  ignore?: readonly string[];
  /** Run only this share of the cells (function x runtime x event). */
  shard?: MatrixShard;
}

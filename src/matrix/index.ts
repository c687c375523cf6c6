// One function, many runtimes: run, compare, report. Re-exports only.
export { runMatrix, DEFAULT_MATRIX_EVENT } from './run-matrix.js';
export { toJUnit, type JUnitOptions } from './junit.js';
export { parseRuntimeList } from './select-runtimes.js';
export { canonicalJson, sameOutcome } from './compare.js';
export { unifiedDiff } from './diff.js';
export { parseIgnorePaths, withoutIgnored, type IgnorePath } from './ignore.js';
export { parseShard, type MatrixShard } from './shard.js';
export { mergeShardFiles } from './merge.js';
export type { MatrixDifference, MatrixEvent, MatrixOptions, MatrixProgress, MatrixReport, MatrixRow, MatrixShardInfo, MatrixStatus } from './types.js';

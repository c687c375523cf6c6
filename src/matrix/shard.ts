// `--shard I/N`: a deterministic share of the matrix's cells (function x runtime x event, in that
// order), so a CI's own job matrix can fan one large matrix out over N jobs and `--merge` joins them.
// Shard I takes one contiguous block of the cells: a runtime's events stay together on one warm
// instance, and the blocks differ in size by at most one cell.
import { ConfigError } from '../errors.js';

export interface MatrixShard {
  /** 1-based. */
  index: number;
  count: number;
}

// "2/3" -> { index: 2, count: 3 }, or a ConfigError naming --shard.
export function parseShard(text: string): MatrixShard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigError(`--shard ${JSON.stringify(text)}: write I/N with 1 <= I <= N, e.g. --shard 1/3 in the first of three CI jobs`, { field: '--shard' });
  }
  return { index, count };
}

// The cells [start, end) of `total` that the shard runs.
export function shardRange(total: number, shard: MatrixShard): { start: number; end: number } {
  return {
    start: Math.floor(((shard.index - 1) * total) / shard.count),
    end: Math.floor((shard.index * total) / shard.count),
  };
}

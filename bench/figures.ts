// A figure is one measured value next to its baseline from the same run, their ratio, and the
// target it must meet (if any). The targets live here, in one place.
import { round } from './stats.js';

export type Unit = 'µs' | 'ms' | 'req/s' | 'MB' | 'calls' | 'blocks';

export interface Target {
  /** max-ratio: ratio <= limit; min-ratio: ratio >= limit; max-value: value <= limit (in the figure's unit). */
  kind: 'max-ratio' | 'min-ratio' | 'max-value';
  limit: number;
  text: string;
}

export interface Figure {
  id: string;
  label: string;
  unit: Unit;
  value: number;
  baseline: { label: string; value: number };
  /** value / baseline.value */
  ratio: number;
  target: Target | null;
  /** null when the figure has no target. */
  pass: boolean | null;
  /** How many calls (or runs) the value summarizes. */
  samples: number;
}

/** The targets (issue 22, and issue 12's and 6's that still apply), by the exact id of their figure. The
 * pinned placements' rows (ids ending in "@2cores", "@1core") are there to explain, not judged. */
export const TARGETS: Record<string, Target> = {
  'warm.cpu': { kind: 'max-ratio', limit: 1.3, text: '<= 1.3x' },
  'warm.p50': { kind: 'max-ratio', limit: 1.3, text: '<= 1.3x' },
  'warm.p99': { kind: 'max-ratio', limit: 2, text: '<= 2x' },
  'context.p50': { kind: 'max-ratio', limit: 1.3, text: '<= 1.3x' },
  'context.vs-warm': { kind: 'max-ratio', limit: 1.05, text: '<= 1.05x' },
  'warm.cpu.vs-peer': { kind: 'max-ratio', limit: 1, text: '< 1x' },
  'warm.p50.vs-peer': { kind: 'max-ratio', limit: 1, text: '< 1x' },
  'saturation': { kind: 'min-ratio', limit: 0.7, text: '>= 0.7x' },
  'cold.start': { kind: 'max-ratio', limit: 1.3, text: '<= 1.3x' },
  'cli.invoke': { kind: 'max-ratio', limit: 2, text: '<= 2x' },
  'cli.help': { kind: 'max-ratio', limit: 1.5, text: '<= 1.5x' },
  'payload.6mb.p50': { kind: 'max-ratio', limit: 2, text: '<= 2x' },
  'pool.2.rate': { kind: 'min-ratio', limit: 1.6, text: '>= 1.6x' },
  'memory.host': { kind: 'max-value', limit: 5, text: '<= 5 MB' },
};

// Whether a figure meets its target.
function meets(target: Target, value: number, ratio: number): boolean {
  switch (target.kind) {
    case 'max-ratio': return ratio <= target.limit;
    case 'min-ratio': return ratio >= target.limit;
    case 'max-value': return value <= target.limit;
  }
}

// Build a figure: ratio to the baseline, and pass/fail when a target applies to its id.
export function figure(id: string, label: string, unit: Unit, value: number, baseline: { label: string; value: number }, samples: number): Figure {
  const ratio = value / baseline.value;
  const target = TARGETS[id] ?? null;
  return {
    id, label, unit, samples,
    value: round(value),
    baseline: { label: baseline.label, value: round(baseline.value) },
    ratio: round(ratio),
    target,
    pass: target ? meets(target, value, ratio) : null,
  };
}

// The table printed on stdout: per runtime, every figure, its baseline, ratio, target and verdict.
import type { Figure } from './figures.js';
import type { BenchResult, RuntimeResult } from './run.js';

const HEADER = ['figure', 'value', 'baseline', 'ratio', 'target', 'result'];

function value(v: number, unit: string): string {
  return `${v} ${unit}`;
}

// One row of the table for a figure.
function row(f: Figure): string[] {
  return [
    f.label,
    value(f.value, f.unit),
    `${value(f.baseline.value, f.unit)} ${f.baseline.label}`,
    `${f.ratio}x`,
    f.target?.text ?? '-',
    f.pass === null ? '-' : f.pass ? 'PASS' : 'FAIL',
  ];
}

// Left-aligned text columns (numbers are right-aligned).
function columns(rows: string[][]): string {
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 1 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

export function runtimeTable(result: RuntimeResult): string {
  const pinned = result.placements.length ? result.placements.join(', ') : 'none (cannot pin here)';
  return `${result.runtime} (${result.version}, ${result.path}); headline unpinned, pinned rows: ${pinned}\n${columns([HEADER, ...result.figures.map(row)])}\n`;
}

export function formatReport(result: BenchResult): string {
  const m = result.machine;
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const lines = [
    `fgrun bench (${result.mode}) ${result.date}: ${m.cpus} x ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}`,
    `load average (1, 5, 15 min): ${load(m.load.start)} at the start, ${load(m.load.end)} at the end`,
    '',
  ];
  if (result.mode === 'smoke') lines.push('smoke mode: a few calls each; the figures prove the bench runs, they mean nothing.', '');
  for (const r of result.runtimes) lines.push(runtimeTable(r));
  for (const s of result.skipped) lines.push(`${s.runtime}: skipped (${s.reason})`);
  const t = result.targets;
  lines.push(`targets: ${t.passed}/${t.total} met${t.failed.length ? `; missed: ${t.failed.join(', ')}` : ''}`);
  return lines.join('\n') + '\n';
}

// `npm run bench` in its tiny --smoke mode, so CI proves the benchmark still runs end to end: the
// shape of the table and of the JSON, every figure with its baseline and ratio, every target judged.
// No assertion on time: on a shared 2-core machine the smoke figures mean nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUNTIMES, main, USAGE } from '../../src/bench/cli.js';
import { TARGETS } from '../../src/bench/figures.js';
import { latencyPlacements } from '../../src/bench/placement.js';
import type { BenchResult } from '../../src/bench/run.js';
import { inspectRuntimes } from '../../src/runtimes/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLACEMENTS = latencyPlacements();

/** Every figure a runtime reports, in the order the table prints them: warm invoke and context
 * call once per placement, payloads in the main one. */
const FIGURE_IDS = [
  ...PLACEMENTS.flatMap((p) => ['warm.p50', 'warm.p99', 'warm.p99.raw', 'warm.rate'].map((id) => id + p.suffix)),
  ...PLACEMENTS.flatMap((p) => ['context.p50', 'context.p99'].map((id) => id + p.suffix)),
  'payload.1kb.p50', 'payload.100kb.p50', 'payload.1mb.p50', 'payload.6mb.p50',
  'memory.host', 'memory.js',
  'cold.start',
  'pool.1.rate', 'pool.2.rate', 'pool.4.rate', 'pool.1.trivial', 'pool.2.trivial', 'pool.4.trivial',
  'logs.p50',
];
/** Figures with a target: the seven targets, warm invoke and context call once per placement. */
const JUDGED = Object.keys(TARGETS).length + (PLACEMENTS.length - 1) * 3;

// Run the bench CLI in-process and keep what it prints.
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

describe('npm run bench -- --smoke', () => {
  it('measures the default runtimes and writes the table and the JSON', async () => {
    const reports = (await inspectRuntimes()).filter((r) => DEFAULT_RUNTIMES.includes(r.runtime));
    const found = reports.filter((r) => r.found);
    const file = join(dir, 'smoke.json');
    const { code, out } = await run(['--smoke', '--out', file]);
    expect(code).toBe(found.length ? 0 : 1);

    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(result.format).toBe(1);
    expect(result.mode).toBe('smoke');
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.runtimes.map((r) => r.runtime)).toEqual(found.map((r) => r.runtime));
    expect(result.skipped.map((s) => s.runtime)).toEqual(reports.filter((r) => !r.found).map((r) => r.runtime));

    let judged = 0;
    for (const r of result.runtimes) {
      expect(r.placements).toEqual(PLACEMENTS.map((p) => p.label));
      expect(r.figures.map((f) => f.id)).toEqual(FIGURE_IDS);
      for (const f of r.figures) {
        expect(Number.isFinite(f.value), `${r.runtime} ${f.id} value`).toBe(true);
        expect(f.baseline.value, `${r.runtime} ${f.id} baseline`).toBeGreaterThan(0);
        expect(f.baseline.label.length).toBeGreaterThan(0);
        expect(Number.isFinite(f.ratio), `${r.runtime} ${f.id} ratio`).toBe(true);
        expect(f.samples).toBeGreaterThan(0);
        expect(f.target).toEqual(TARGETS[f.id.split('@')[0]!] ?? null);
        if (f.target) {
          expect(typeof f.pass).toBe('boolean');
          judged++;
        } else {
          expect(f.pass).toBeNull();
        }
      }
    }
    expect(result.targets.total).toBe(judged);
    expect(result.targets.total).toBe(found.length * JUDGED);
    expect(result.targets.passed + result.targets.failed.length).toBe(result.targets.total);

    expect(out).toContain('fgrun bench (smoke)');
    expect(out).toContain(`targets: ${result.targets.passed}/${result.targets.total} met`);
    expect(out).toContain(`results: ${file}`);
    const lines = out.split('\n');
    for (const r of result.runtimes) {
      const header = lines.indexOf(`${r.runtime} (${r.version}, ${r.path}); latency measured on: ${r.placements.join(', ')}`);
      expect(header).toBeGreaterThanOrEqual(0);
      const table = lines.slice(header + 1, header + 2 + r.figures.length);
      expect(table[0]).toMatch(/^figure +value +baseline +ratio +target +result$/);
      for (const f of r.figures) {
        const line = table.find((l) => l.startsWith(f.label + ' '));
        expect(line, f.label).toBeDefined();
        expect(line).toContain(`${f.value} ${f.unit}`);
        expect(line).toContain(`${f.baseline.value} ${f.unit} ${f.baseline.label}`);
        expect(line).toContain(`${f.ratio}x`);
        expect(line!.trimEnd().endsWith(f.pass === null ? '-' : f.pass ? 'PASS' : 'FAIL')).toBe(true);
      }
    }
  });

  it('rejects unknown runtimes and conflicting flags with usage (exit 2)', async () => {
    const unknown = await run(['--smoke', '--runtime', 'Python9.9']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--runtime Python9.9: not a supported runtime; use one of Python2.7, Python3.6, Python3.9, Python3.10, Python3.12');
    const both = await run(['--all', '--runtime', 'Python3.12']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('--all and --runtime cannot be combined');
    const flag = await run(['--fast']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain(USAGE);
    const help = await run(['--help']);
    expect(help).toEqual({ code: 0, out: USAGE, err: '' });
  });
});

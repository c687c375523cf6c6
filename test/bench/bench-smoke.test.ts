// `npm run bench` in its tiny --smoke mode, so CI proves the benchmark still runs end to end: the
// shape of the table and of the JSON, every figure with its baseline and ratio, every target judged.
// No assertion on time: on a shared 2-core machine the smoke figures mean nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUNTIMES, main, USAGE } from '../../bench/cli.js';
import { TARGETS } from '../../bench/figures.js';
import { pinnedPlacements } from '../../bench/placement.js';
import { SMOKE_PLAN } from '../../bench/plan.js';
import { peerMissing } from '../../bench/peer.js';
import type { BenchResult } from '../../bench/run.js';
import { inspectRuntimes } from '../../src/runtimes/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PINNED = pinnedPlacements();

/** Every figure a runtime reports, in the order the table prints them: the unpinned headline, the
 * pinned rows per placement, then the other suites at the smoke plan's sizes. */
const FIGURE_IDS = [
  'warm.cpu', 'warm.cpu.node', 'warm.cpu.node.main', 'warm.cpu.node.other', 'warm.cpu.python', 'warm.syscalls.node', 'warm.syscalls.python',
  'raw.same-core', 'raw.aa.cpu', 'raw.aa.p50', 'warm.same-core', 'warm.p50', 'warm.p99', 'warm.rate', 'context.p50', 'context.vs-warm', 'context.p99',
  ...PINNED.flatMap((p) => ['warm.p50', 'warm.p99', 'warm.rate'].map((id) => id + p.suffix)),
  ...PINNED.flatMap((p) => ['context.p50', 'context.p99'].map((id) => id + p.suffix)),
  'saturation',
  ...SMOKE_PLAN.payloads.map((p) => `payload.${p.id}.p50`),
  'memory.host', 'memory.js',
  'cold.start',
  'cli.help', 'cli.invoke',
  ...SMOKE_PLAN.poolSizes.map((n) => `pool.${n}.rate`), ...SMOKE_PLAN.poolSizes.map((n) => `pool.${n}.trivial`),
  'logs.p50',
  'http.p50', 'http.p99',
  'sandbox.cold', 'sandbox.warm.p50',
];
/** The figures among them with a target. */
const JUDGED = FIGURE_IDS.filter((id) => id in TARGETS).length;

// Run the bench CLI in-process and keep what it prints.
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

describe('npm run bench -- --smoke', () => {
  it('measures the first default runtime found and writes the table and the JSON', async () => {
    const reports = (await inspectRuntimes()).filter((r) => DEFAULT_RUNTIMES.includes(r.runtime));
    const found = reports.filter((r) => r.found).slice(0, 1);
    const file = join(dir, 'smoke.json');
    const { code, out } = await run(['--smoke', '--out', file]);
    expect(code).toBe(found.length ? 0 : 1);

    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(result.format).toBe(2);
    expect(result.machine.load.start).toHaveLength(3);
    expect(result.machine.load.end).toHaveLength(3);
    expect(result.mode).toBe('smoke');
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.runtimes.map((r) => r.runtime)).toEqual(found.map((r) => r.runtime));

    let judged = 0;
    for (const r of result.runtimes) {
      expect(r.placements).toEqual(PINNED.map((p) => p.label));
      expect(r.figures.map((f) => f.id)).toEqual(FIGURE_IDS);
      for (const f of r.figures) {
        expect(Number.isFinite(f.value), `${r.runtime} ${f.id} value`).toBe(true);
        expect(f.baseline.value, `${r.runtime} ${f.id} baseline`).toBeGreaterThan(0);
        expect(f.baseline.label.length).toBeGreaterThan(0);
        expect(Number.isFinite(f.ratio), `${r.runtime} ${f.id} ratio`).toBe(true);
        expect(f.samples).toBeGreaterThan(0);
        expect(f.target).toEqual(TARGETS[f.id] ?? null);
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
    expect(out).toMatch(/^load average \(1, 5, 15 min\): [\d.]+ [\d.]+ [\d.]+ at the start, [\d.]+ [\d.]+ [\d.]+ at the end$/m);
    expect(out).toContain(`targets: ${result.targets.passed}/${result.targets.total} met`);
    expect(out).toContain(`results: ${file}`);
    const lines = out.split('\n');
    for (const r of result.runtimes) {
      const header = lines.indexOf(`${r.runtime} (${r.version}, ${r.path}); headline unpinned, pinned rows: ${r.placements.length ? r.placements.join(', ') : 'none (cannot pin here)'}`);
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

  it.skipIf(peerMissing() === null)('--peer without serverless-offline installed names the install command (exit 2)', async () => {
    const { code, err } = await run(['--smoke', '--peer']);
    expect(code).toBe(2);
    expect(err).toBe('--peer: serverless-offline is not installed: npm i --no-save serverless-offline@14\n');
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

// Runtime roots (the cloud's `code/` layout): made on first use, and the roots of code folders that
// are gone swept away in the background (at most every ten minutes on a machine), never a young one
// (another host may be making it) and never one whose code folder still exists.
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orphanSweep, SWEEP_STAMP, workDir } from '../../src/instance/work-dir.js';
import { fixture, runtimeCodeRoot } from '../helpers/fixtures.js';

describe('working folders', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fgrun-roots-'));
  const roots = dirname(dirname(runtimeCodeRoot(fixture('echo'), 'x')));
  const made: string[] = [];
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  // A root named `name` whose code link points at `target`, last changed `ageMs` ago.
  function fakeRoot(name: string, target: string, ageMs: number): string {
    const dir = join(roots, `${name}-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    symlinkSync(target, join(dir, 'code'));
    const when = (Date.now() - ageMs) / 1000;
    utimesSync(dir, when, when);
    made.push(dir);
    return dir;
  }

  it('links code/ to the code folder and sweeps only old roots whose code folder is gone', async () => {
    const live = join(scratch, 'live');
    mkdirSync(live);
    const gone = fakeRoot('sweep-gone', join(scratch, 'missing'), 3_600_000);
    const young = fakeRoot('sweep-young', join(scratch, 'missing'), 0);
    const kept = fakeRoot('sweep-kept', live, 3_600_000);
    const code = join(scratch, 'fn');
    mkdirSync(code);
    // As if the last sweep, by any host, was over ten minutes ago.
    const stamp = join(roots, SWEEP_STAMP);
    writeFileSync(stamp, '');
    const old = (Date.now() - 3_600_000) / 1000;
    utimesSync(stamp, old, old);
    const root = workDir(code, 'sweeper');
    made.push(root.cwd);
    expect(root.codeRoot).toBe(runtimeCodeRoot(code, 'sweeper'));
    expect(root.cwd).toBe(dirname(root.codeRoot));
    expect(readlinkSync(root.codeRoot)).toBe(code);
    // Returned before the sweep ran: the sweep never holds up an instance's start.
    expect(existsSync(gone)).toBe(true);
    await orphanSweep();
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(root.codeRoot)).toBe(true);
    // The stamp was renewed (the next hosts skip the sweep) and is never taken for a root.
    expect(Date.now() - statSync(stamp).mtimeMs).toBeLessThan(600_000);
  });
});

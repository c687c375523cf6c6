// `fgrun runtimes`: every supported runtime with the interpreter found, or why there is none.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectRuntimes } from '../../src/runtimes/index.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { fgrun } from './fgrun-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-runtimes-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent('fgrun runtimes', () => {
  it('--json lists the five runtimes with the interpreter discovery found for each', async () => {
    const run = await fgrun(['runtimes', '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.runtime)).toEqual(['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12']);
    const expected = (await inspectRuntimes()).map((r) => (r.found
      ? { runtime: r.runtime, path: r.found.path, version: r.found.version, source: r.found.source }
      : { runtime: r.runtime, path: null, version: null, source: null, reason: r.reason }));
    expect(rows).toEqual(expected);
    for (const row of rows.filter((r) => r.path !== null)) {
      expect(row.version).toMatch(new RegExp(`^${String(row.runtime).slice('Python'.length).replace('.', '\\.')}\\.\\d+$`));
    }
    // This machine has all five (pyenv builds of 2.7.18, 3.6.15, 3.9.18, 3.10.13, 3.12.1).
    expect(rows.filter((r) => r.path !== null)).toHaveLength(runtimesFound.length);
  });

  it('shows a table, and the reason and the variable to set for a runtime not found', async () => {
    const root = join(tmp, 'pyenv');
    mkdirSync(join(root, 'versions'), { recursive: true });
    const newest = runtimesFound[runtimesFound.length - 1]!;
    symlinkSync(join(homedir(), '.pyenv', 'versions', newest.version), join(root, 'versions', newest.version));
    const env = { PATH: '/usr/bin:/bin', HOME: tmp, PYENV_ROOT: root, XDG_CACHE_HOME: join(tmp, 'cache') };
    const run = await fgrun(['runtimes'], { env });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUNTIME +VERSION +SOURCE +INTERPRETER$/);
    const missing = ['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12'].filter((id) => id !== newest.runtime);
    for (const id of missing) {
      const label = id.slice('Python'.length);
      expect(lines).toContain(`${id.padEnd(10)}  -        -       not found: no Python ${label} interpreter found (set FGRUN_PYTHON_${label.replace('.', '_')})`);
    }
    expect(lines.find((l) => l.startsWith(newest.runtime))).toMatch(new RegExp(`^${newest.runtime.replace('.', '\\.')} +${newest.version.replace(/\./g, '\\.')} +pyenv +/`));
    const none = await fgrun(['runtimes', '--json'], { env: { ...env, PYENV_ROOT: join(tmp, 'empty') } });
    expect(none.code).toBe(1);
    expect((JSON.parse(none.stdout) as Array<{ path: null }>).every((r) => r.path === null)).toBe(true);
  });
});

// CLI basics: --version, mistyped flags and commands, matrix --help, and --env-file through the
// real bin (Node 20 would take the flag for itself and exit 9 before fgrun ran).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as runMain } from '../matrix/fgrun-cli.js';
import { CLI, ROOT, fixture } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-cli-basics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('fgrun CLI basics (in-process)', () => {
  it('prints its version with --version and -V', async () => {
    expect(await runMain(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await runMain(['-V'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('answers a mistyped flag or command with "did you mean" and a pointer to --help, not the whole help', async () => {
    expect(await runMain(['invoke', '--evnt', '{}'])).toEqual({
      code: 2, stdout: '',
      stderr: "error: unknown option '--evnt'\n(Did you mean --event?)\n(run 'fgrun invoke --help' for usage)\n",
    });
    expect(await runMain(['serve', '--quite'])).toEqual({
      code: 2, stdout: '',
      stderr: "error: unknown option '--quite'\n(Did you mean --quiet?)\n(run 'fgrun serve --help' for usage)\n",
    });
    expect(await runMain(['invok'])).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'invok'\n(Did you mean invoke?)\n(run 'fgrun --help' for usage)\n" });
  });

  it.skipIf(!newestRuntime)(`keeps --version after a command as the function version${newestRuntime ? '' : ' (skipped: no Python runtime found)'}`, async () => {
    const inv = await runMain(['invoke', fixture('echo'), '--version', 'v7', '--json']);
    expect(inv.code).toBe(0);
    expect(JSON.parse(inv.stdout).log).toMatch(/Start invoke request '[0-9a-f-]{36}', version: v7\n/);
  });

  it('lists no flag in matrix --help that matrix refuses, and still explains the refusal', async () => {
    const help = await runMain(['matrix', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--runtimes <list>');
    expect(help.stdout).not.toMatch(/--runtime </);
    expect(help.stdout).not.toMatch(/--python </);
    expect(await runMain(['matrix', fixture('echo'), '--runtime', 'Python3.12'])).toEqual({
      code: 2, stdout: '', stderr: 'fgrun: --runtime picks one runtime; a matrix runs several: use --runtimes Python3.12\n',
    });
  });
});

// The bin as a shell runs it: executed directly, so its first line decides how Node starts.
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(CLI, args, { cwd: tmp, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('fgrun --env-file through the real bin', () => {
  it('reports a missing file itself, exit 2 (Node would exit 9)', async () => {
    expect(await bin(['invoke', fixture('echo'), '--env-file', 'missing.env'])).toEqual({
      code: 2, stdout: '', stderr: 'fgrun: --env-file missing.env: no such file; give a dotenv file of KEY=VALUE lines\n',
    });
    expect((await bin(['invoke', fixture('echo'), '--env-file=missing.env'])).code).toBe(2);
  });

  it.runIf(newestRuntime)('gives the file to the function, not to the host process', async () => {
    writeFileSync(join(tmp, 'fn.env'), 'FGRUN_TEST_COLOUR=teal\nFGRUN_PYTHON_3_12=/nowhere/python\n');
    const inv = await bin(['invoke', fixture('fault-env'), '--env-file', 'fn.env', '--json']);
    expect(inv.code).toBe(0);
    const env = JSON.parse(JSON.parse(inv.stdout).body) as Record<string, string>;
    expect(env.FGRUN_TEST_COLOUR).toBe('teal');
  });
});

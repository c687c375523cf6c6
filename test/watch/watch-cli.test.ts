// `fgrun invoke --watch` and `fgrun serve --watch` as real processes (bin/fgrun.cjs, built dist/):
// every way an editor saves reloads the function, one after the other, and the next run or request
// uses the new code; the start line says what is watched; Ctrl-C stops cleanly.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { SAVE_PATTERNS, source, until } from './save-patterns.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-watch-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Start the CLI and collect its output.
function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const wait = (done: () => boolean) => until(done, () => `stdout: ${out.stdout}\nstderr: ${out.stderr}`);
  return { child, out, exited, wait };
}

// A fresh code folder holding version 0.
function codeFolder(name: string): string {
  const code = join(tmp, name);
  mkdirSync(code);
  writeFileSync(join(code, 'index.py'), source(0));
  return code;
}

// The body each save should produce: index.py's version, or the sub-folder module's value.
function expected(step: number): { version: number; extra: number | null; count: number } {
  const last = SAVE_PATTERNS.length - 1;
  return step < last ? { version: step + 1, extra: null, count: 1 } : { version: step, extra: step + 1, count: 1 };
}

describe.runIf(newestRuntime)('fgrun invoke --watch', () => {
  it('runs again after every kind of save, and stops cleanly on Ctrl-C', { timeout: 300_000 }, async () => {
    const code = codeFolder('invoke-fn');
    const { child, out, exited, wait } = start(['invoke', code, '--watch']);
    try {
      await wait(() => out.stdout.includes('"version": 0'));
      expect(out.stderr.startsWith(`fgrun: watching 1 file under ${code} (Ctrl-C to stop)\n`)).toBe(true);
      let runs = 1;
      for (const [i, pattern] of SAVE_PATTERNS.entries()) {
        const file = pattern.save(code, i + 1);
        const body = JSON.stringify(expected(i)).replace(/,/g, ', ').replace(/:/g, ': ');
        // Each body on its own line: stdout is a pipe here, and --watch prints one body after another.
        await wait(() => out.stdout.endsWith(body + '\n'));
        runs++;
        expect(out.stderr).toContain(`\nfgrun: ${file} changed; running again with the new code\n`);
      }
      expect(out.stdout.match(/\{[^}]*\}\n/g)).toHaveLength(runs);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out.stderr.endsWith('fgrun: stopping\n')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe.runIf(newestRuntime)('fgrun serve --watch', () => {
  it('serves the new code after every kind of save', { timeout: 300_000 }, async () => {
    const code = codeFolder('serve-fn');
    const { child, out, exited, wait } = start(['serve', code, '--watch', '--port', '0', '--quiet']);
    try {
      await wait(() => out.stdout.includes('Press Ctrl-C to stop.'));
      expect(out.stderr).toBe('fgrun serve: serve-fn: watching 1 file under ' + code + '\n');
      const url = /invoke: {2}POST (\S+)/.exec(out.stdout)![1]!;
      const call = async () => (await (await fetch(url, { method: 'POST', body: '{}' })).json()) as unknown;
      expect(await call()).toEqual({ version: 0, extra: null, count: 1 });
      for (const [i, pattern] of SAVE_PATTERNS.entries()) {
        const reloads = out.stderr.split('reloaded after').length;
        pattern.save(code, i + 1);
        await wait(() => out.stderr.split('reloaded after').length > reloads);
        expect(await call()).toEqual(expected(i));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

// What a short command loads (docs/performance.md, "CLI start"): an event function's `fgrun invoke`
// never loads node:http (HTTP functions are imported on demand), listens on no socket (a one-shot
// command's instance reads a stdout pipe, so `cluster`, which Node loads at the first listen, stays
// out), never loads the config file's schema when it has no config file, and never takes stdin
// unless the event comes from it. Real processes: the
// bundle is what runs, and Node's own module list is the witness.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';

const scratch = mkdtempSync(join(tmpdir(), 'fgrun-start-modules-'));
const preload = join(scratch, 'modules.cjs');
// Node's built-in modules at exit, and a "stdin taken" line when the command asked for process.stdin.
writeFileSync(preload, [
  "let taken = false;",
  "const own = Object.getOwnPropertyDescriptor(process, 'stdin');",
  "Object.defineProperty(process, 'stdin', { ...own, get() { taken = true; return own.get.call(process); } });",
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.FGRUN_TEST_MODULES, process.moduleLoadList.concat(taken ? ['stdin taken'] : []).join('\\n')));",
].join('\n'));

// The command's exit code, stdout, the Node modules (built-in) it loaded, and whether it took stdin.
function modulesOf(args: string[], name: string, input = ''): Promise<{ code: number; stdout: string; modules: string[]; stdinTaken: boolean }> {
  const out = join(scratch, name);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-r', preload, CLI, ...args], { cwd: ROOT, env: { ...process.env, FGRUN_TEST_MODULES: out }, timeout: 60_000 }, (error, stdout) => {
      const lines = readFileSync(out, 'utf8').split('\n');
      const modules = lines.filter((line) => line.startsWith('NativeModule ')).map((line) => line.slice('NativeModule '.length));
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, modules, stdinTaken: lines.includes('stdin taken') });
    });
    child.stdin!.end(input);
  });
}

describe('modules a short command loads', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('--help loads neither http, cluster nor crypto', async () => {
    const run = await modulesOf(['--help'], 'help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('invoke');
    expect(run.modules).toContain('vm');
    expect(run.modules.filter((m) => ['http', 'cluster', 'crypto'].includes(m))).toEqual([]);
  });

  it.skipIf(!newestRuntime)('an event function\'s invoke loads neither http nor cluster, and answers', async () => {
    const run = await modulesOf(['invoke', join(ROOT, 'examples', 'hello'), '--runtime', newestRuntime!.runtime], 'invoke');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"message": "Hello, world!", "timeoutSeconds": 3}',
      isBase64Encoded: false,
    });
    expect(run.modules).toContain('child_process');
    expect(run.modules.filter((m) => ['http', 'cluster', '_http_server'].includes(m))).toEqual([]);
    // Without `--event -` it never makes Node's stdin stream (2-3 ms of a start).
    expect(run.stdinTaken).toBe(false);
  });

  it.skipIf(!newestRuntime)('`invoke --event -` takes stdin and reads the event from it', async () => {
    const run = await modulesOf(['invoke', join(ROOT, 'examples', 'hello'), '--runtime', newestRuntime!.runtime, '--event', '-'], 'invoke-stdin', '{"name": "stdin"}');
    expect(run.code).toBe(0);
    expect(run.stdinTaken).toBe(true);
    expect(JSON.parse((JSON.parse(run.stdout) as { body: string }).body)).toEqual({ message: 'Hello, stdin!', timeoutSeconds: 3 });
  });
});

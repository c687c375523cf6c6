// Watch mode: an edit retires the warm instances so the next request runs the new code; between
// edits instances stay warm. Real files, real fs.watch, real interpreters.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClosedError } from '../../src/errors.js';
import { createWatchedFunction, isIgnoredChange, type ReloadEvent } from '../../src/watch/index.js';
import { loadConfigFile } from '../../src/config/file.js';
import { CLI, fixture } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { makeZip } from '../package/make-zip.js';
import { removeUnpackedPackages } from '../../src/package/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-watch-'));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

// A handler that reports its code version and how many requests this instance served.
const source = (version: number) => `COUNT = [0]\n\n\ndef handler(event, context):\n    COUNT[0] += 1\n    return {"version": ${version}, "count": COUNT[0]}\n`;

// The next reload event (or failed reload), with a generous bound.
function nextReload(events: ReloadEvent[]): Promise<ReloadEvent> {
  const seen = events.length;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (events.length > seen) {
        clearInterval(poll);
        resolve(events[seen]!);
      } else if (Date.now() - started > 20_000) {
        clearInterval(poll);
        reject(new Error('no reload within 20 s'));
      }
    }, 20);
  });
}

describe('isIgnoredChange', () => {
  it('ignores what Python and editors write by themselves', () => {
    for (const path of ['__pycache__/index.cpython-312.pyc', 'lib/__pycache__', 'index.pyc', '.git/index', 'node_modules/x/y.js', '.index.py.swp', 'index.py~', '.#index.py', '4913']) {
      expect(isIgnoredChange(path)).toBe(true);
    }
    for (const path of ['index.py', 'src/app/main.py', 'data/config.json', 'deps.zip']) expect(isIgnoredChange(path)).toBe(false);
  });
});

describe.runIf(newestRuntime)('createWatchedFunction', () => {
  it('reloads on an edit: warm before it, new code on a new instance after it', async () => {
    const code = join(tmp, 'folder-fn');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), source(1));
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction({ code }, { debounceMs: 50, onReload: (e) => events.push(e) });
    try {
      expect(fn.watching).toEqual([code]);
      expect((await fn.invoke({})).result).toEqual({ version: 1, count: 1 });
      const warm = await fn.invoke({});
      expect(warm.result).toEqual({ version: 1, count: 2 });
      expect(warm.summary.coldStart).toBe(false);

      const reloaded = nextReload(events);
      writeFileSync(join(code, 'index.py'), source(2));
      expect(await reloaded).toEqual({ changed: [join(code, 'index.py')] });
      expect(fn.reloads).toBe(1);
      const fresh = await fn.invoke({});
      expect(fresh.result).toEqual({ version: 2, count: 1 });
      expect(fresh.summary.coldStart).toBe(true);
      expect((await fn.invoke({})).result).toEqual({ version: 2, count: 2 });
    } finally {
      await fn.close();
    }
    await expect(fn.invoke({})).rejects.toBeInstanceOf(ClosedError);
  });

  it('watches a zip and its dependencies; a broken zip keeps the previous code serving', async () => {
    const zip = join(tmp, 'fn.zip');
    await makeZip(zip, [{ name: 'index.py', content: source(1) }]);
    const dep = join(tmp, 'dep');
    cpSync(fixture('pkg-deps-lib'), dep, { recursive: true });
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction({ code: zip, dependencies: [dep] }, { debounceMs: 50, onReload: (e) => events.push(e) });
    try {
      expect((await fn.invoke({})).result).toEqual({ version: 1, count: 1 });

      let reloaded = nextReload(events);
      await makeZip(zip, [{ name: 'index.py', content: source(2) }]);
      expect((await reloaded).error).toBeUndefined();
      expect((await fn.invoke({})).result).toEqual({ version: 2, count: 1 });

      reloaded = nextReload(events);
      writeFileSync(join(dep, 'fgrun_demo_dep', 'extra.py'), 'X = 1\n');
      expect(await reloaded).toEqual({ changed: [join(dep, 'fgrun_demo_dep', 'extra.py')] });
      expect((await fn.invoke({})).result).toEqual({ version: 2, count: 1 });

      reloaded = nextReload(events);
      writeFileSync(zip, 'this is not a zip');
      const failed = await reloaded;
      expect((failed.error as Error).message).toMatch(/^code package .*fn\.zip \(code\) is not a readable zip/);
      expect(fn.reloads).toBe(2);
      expect((await fn.invoke({})).result).toEqual({ version: 2, count: 2 });
    } finally {
      await fn.close();
    }
  });
});

describe.runIf(newestRuntime)('createWatchedFunction over a config file', () => {
  it('reads the file again when it changes, and watches the code it names now', async () => {
    const dir = join(tmp, 'config-project');
    mkdirSync(dir);
    const file = join(dir, 'fgrun.json');
    const write = (colour: string, code: string) => writeFileSync(file, JSON.stringify({ code, dependencies: [fixture('pkg-deps-lib')], user_data: { COLOUR: colour } }));
    write('amber', fixture('pkg-deps'));
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction(async () => (await loadConfigFile(file, { unpack: false }))[0]!, { watch: [file], debounceMs: 50, onReload: (e) => events.push(e) });
    try {
      expect(((await fn.invoke({})).result as { colour: string }).colour).toBe('amber');
      const reloaded = nextReload(events);
      write('violet', fixture('pkg-deps'));
      expect(await reloaded).toEqual({ changed: [file] });
      expect(((await fn.invoke({})).result as { colour: string }).colour).toBe('violet');
      expect(fn.watching).toEqual([fixture('pkg-deps'), fixture('pkg-deps-lib'), file]);
    } finally {
      await fn.close();
    }
  });
});

describe.runIf(newestRuntime)('fgrun invoke --watch', () => {
  it('runs again with the new code after an edit, and stops cleanly on Ctrl-C', async () => {
    const code = join(tmp, 'cli-fn');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), source(1));
    const child = spawn(process.execPath, [CLI, 'invoke', code, '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const until = async (done: () => boolean) => {
      const started = Date.now();
      while (!done()) {
        if (Date.now() - started > 20_000) throw new Error(`timed out; stdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await until(() => stderr.includes('for changes (Ctrl-C to stop)'));
      expect(stdout).toBe('{"version": 1, "count": 1}');
      writeFileSync(join(code, 'index.py'), source(2));
      await until(() => stdout.includes('"version": 2'));
      expect(stdout).toBe('{"version": 1, "count": 1}{"version": 2, "count": 1}');
      expect(stderr).toContain(`\nfgrun: ${join(code, 'index.py')} changed; running again with the new code\n`);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr.endsWith('fgrun: stopping\n')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

// Watch mode: an edit retires the warm instances so the next request runs the new code; between
// edits instances stay warm. Real files, real file-system events, real interpreters.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClosedError } from '../../src/errors.js';
import { createWatchedFunction, type ReloadEvent } from '../../src/watch/index.js';
import { loadConfigFile } from '../../src/config/file.js';
import { fixture } from '../helpers/fixtures.js';
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

describe.runIf(newestRuntime)('createWatchedFunction', () => {
  it('reloads on an edit: warm before it, new code on a new instance after it', async () => {
    const code = join(tmp, 'folder-fn');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), source(1));
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction({ code }, { debounceMs: 50, onReload: (e) => events.push(e) });
    try {
      expect(fn.watching).toEqual([code]);
      expect(fn.watchedFiles()).toEqual([join(code, 'index.py')]);
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

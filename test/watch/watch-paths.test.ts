// watchPaths on real folders and files: every way an editor or tool saves is one reported change,
// including edits after a file was replaced, and what Python and editors write alone is ignored.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIgnoredChange, watchPaths } from '../../src/watch/index.js';
import { SAVE_PATTERNS, source, until } from './save-patterns.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-watch-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('isIgnoredChange', () => {
  it('ignores what Python and editors write by themselves', () => {
    for (const path of ['__pycache__/index.cpython-312.pyc', 'lib/__pycache__', 'index.pyc', '.git/index', 'node_modules/x/y.js', '.index.py.swp', 'index.py~', '.#index.py', '4913']) {
      expect(isIgnoredChange(path)).toBe(true);
    }
    for (const path of ['index.py', 'src/app/main.py', 'data/config.json', 'deps.zip']) expect(isIgnoredChange(path)).toBe(false);
  });
});

describe('watchPaths', () => {
  it('reports every save pattern in a folder, one after the other, and counts the files it watches', { timeout: 300_000 }, async () => {
    const dir = join(tmp, 'folder');
    mkdirSync(join(dir, '__pycache__'), { recursive: true });
    writeFileSync(join(dir, 'index.py'), source(0));
    writeFileSync(join(dir, 'util.py'), 'X = 1\n');
    writeFileSync(join(dir, '__pycache__', 'index.cpython-312.pyc'), 'compiled');
    const bursts: string[][] = [];
    const watcher = await watchPaths([dir], (changed) => bursts.push(changed), { debounceMs: 50 });
    try {
      expect(watcher.files()).toEqual([join(dir, 'index.py'), join(dir, 'util.py')]);
      for (const [i, pattern] of SAVE_PATTERNS.entries()) {
        const seen = bursts.length;
        const file = pattern.save(dir, i + 1);
        await until(() => bursts.slice(seen).some((b) => b.includes(file)), () => `${pattern.name}: no change reported for ${file}; bursts: ${JSON.stringify(bursts)}`);
      }
      expect(watcher.files()).toEqual([join(dir, 'index.py'), join(dir, 'sub', 'extra.py'), join(dir, 'util.py')]);

      // Python writing its cache reloads nothing.
      const seen = bursts.length;
      writeFileSync(join(dir, '__pycache__', 'util.cpython-312.pyc'), 'compiled');
      writeFileSync(join(dir, 'marker.py'), '');
      await until(() => bursts.length > seen, () => 'no change reported for marker.py');
      expect(bursts.slice(seen).flat()).toEqual([join(dir, 'marker.py')]);
    } finally {
      await watcher.close();
    }
  });

  it('follows a single file (a config file) through rename-over, edits after it, and delete+create; its neighbours are ignored', { timeout: 300_000 }, async () => {
    const dir = join(tmp, 'single');
    mkdirSync(dir);
    const file = join(dir, 'fgrun.json');
    writeFileSync(file, '{}');
    writeFileSync(join(dir, 'other.txt'), '');
    const bursts: string[][] = [];
    const watcher = await watchPaths([file], (changed) => bursts.push(changed), { debounceMs: 50 });
    const step = async (name: string, save: () => void) => {
      const seen = bursts.length;
      save();
      await until(() => bursts.length > seen, () => `${name}: no change reported; bursts: ${JSON.stringify(bursts)}`);
      expect(bursts.slice(seen).flat()).toEqual([file]);
    };
    try {
      expect(watcher.files()).toEqual([file]);
      await step('rename over', () => {
        writeFileSync(join(dir, 'fgrun.json.tmp'), '{"a":1}');
        writeFileSync(join(dir, 'other.txt'), 'neighbour');
        renameSync(join(dir, 'fgrun.json.tmp'), file);
      });
      await step('in place after a rename', () => writeFileSync(file, '{"a":2}'));
      await step('delete and create', () => {
        unlinkSync(file);
        writeFileSync(file, '{"a":3}');
      });
      await step('in place after re-creation', () => writeFileSync(file, '{"a":4}'));
    } finally {
      await watcher.close();
    }
  });
  it('a folder made and filled at once is one change, however often it is listed again; a later edit in it is another', { timeout: 300_000 }, async () => {
    const dir = join(tmp, 'filled');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.py'), source(0));
    const bursts: string[][] = [];
    const watcher = await watchPaths([dir], (changed) => bursts.push(changed), { debounceMs: 50 });
    try {
      // chokidar reports the new folder's files, and the folder is listed again 100, 500 and 2000 ms
      // after it appeared: unchanged since the burst that carried them, they start no other.
      mkdirSync(join(dir, 'pkg', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'pkg', '__init__.py'), '');
      writeFileSync(join(dir, 'pkg', 'deep', 'mod.py'), 'V = 1\n');
      writeFileSync(join(dir, 'pkg', 'deep', 'mod.pyc'), 'compiled');
      await until(() => bursts.flat().includes(join(dir, 'pkg', 'deep', 'mod.py')), () => `bursts: ${JSON.stringify(bursts)}`);
      // Past the last listing (2 s after the folders appeared), with a marker to wait on.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      writeFileSync(join(dir, 'marker.py'), '');
      await until(() => bursts.flat().includes(join(dir, 'marker.py')), () => `bursts: ${JSON.stringify(bursts)}`);
      const reported = bursts.flat();
      expect(reported.filter((p) => p === join(dir, 'pkg', '__init__.py'))).toHaveLength(1);
      expect(reported.filter((p) => p === join(dir, 'pkg', 'deep', 'mod.py'))).toHaveLength(1);
      expect(reported).not.toContain(join(dir, 'pkg', 'deep', 'mod.pyc'));
      expect(bursts[bursts.length - 1]).toEqual([join(dir, 'marker.py')]);
      // An edit of a file the listings saw is a change again.
      const seen = bursts.length;
      writeFileSync(join(dir, 'pkg', 'deep', 'mod.py'), 'V = 22\n');
      await until(() => bursts.length > seen, () => 'no change reported for mod.py');
      expect(bursts.slice(seen)).toEqual([[join(dir, 'pkg', 'deep', 'mod.py')]]);
    } finally {
      await watcher.close();
    }
  });
});

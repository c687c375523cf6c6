import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheFilePath, discoverRuntimes } from '../../src/runtimes/index.js';
import { buildFor, fakePyenvRoot, PYENV_ROOT, removeTempDirs, tempDir } from './pyenv-builds.js';

afterAll(removeTempDirs);

const py39 = buildFor('Python3.9');

// A fresh fake PYENV_ROOT whose only interpreter is a new symlink to the real 3.9 (so the in-memory cache,
// keyed by candidate path, has never seen it) and an environment with the given cache home.
function freshEnv(cacheHome: string): NodeJS.ProcessEnv {
  const root = fakePyenvRoot({ [`${py39!.version}/bin/python3.9`]: py39!.binary });
  return { PATH: '', PYENV_ROOT: root, XDG_CACHE_HOME: cacheHome };
}

// The one Python3.9 found under an environment, without system extras.
async function found39(env: NodeJS.ProcessEnv, cache = true) {
  const found = await discoverRuntimes({ env, cache });
  return found.find((info) => info.runtime === 'Python3.9');
}

// The cache file's JSON.
function readCache(file: string): { format: number; entries: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// Rewrites one field of the 3.9 entry in place.
function editEntry(file: string, field: string, value: unknown): void {
  const data = readCache(file);
  data.entries[py39!.real]![field] = value;
  writeFileSync(file, JSON.stringify(data));
}

describe('cacheFilePath', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache, else nowhere', () => {
    expect(cacheFilePath({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/fgrun/interpreters.json');
    expect(cacheFilePath({ HOME: '/h' })).toBe('/h/.cache/fgrun/interpreters.json');
    expect(cacheFilePath({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/fgrun/interpreters.json');
    expect(cacheFilePath({})).toBeNull();
  });
});

describe.skipIf(py39 === undefined)('the on-disk probe cache', { timeout: 30_000 }, () => {
  it('is written after a probe, keyed by realpath with mtime and size', async () => {
    const cacheHome = tempDir('cache');
    expect(await found39(freshEnv(cacheHome))).toEqual({ runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'pyenv' });
    const stats = statSync(py39!.real);
    const [major, minor, micro] = py39!.version.split('.').map(Number);
    expect(readCache(join(cacheHome, 'fgrun', 'interpreters.json'))).toEqual({
      format: 1,
      entries: { [py39!.real]: { mtimeMs: stats.mtimeMs, size: stats.size, path: py39!.real, major, minor, micro } },
    });
  });

  it('is reused by a later start without running the interpreter, and not rewritten', async () => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    await found39(freshEnv(cacheHome));
    // A micro version no real interpreter reports: only the cache can produce it.
    editEntry(file, 'micro', 999);
    const before = readFileSync(file, 'utf8');
    const mtimeBefore = statSync(file).mtimeMs;
    expect((await found39(freshEnv(cacheHome)))?.version).toBe('3.9.999');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtimeBefore);
  });

  it('is ignored for an interpreter whose mtime changed, and refreshed', async () => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    await found39(freshEnv(cacheHome));
    editEntry(file, 'micro', 999);
    editEntry(file, 'mtimeMs', 1);
    expect((await found39(freshEnv(cacheHome)))?.version).toBe(py39!.version);
    expect(readCache(file).entries[py39!.real]).toMatchObject({ mtimeMs: statSync(py39!.real).mtimeMs, micro: Number(py39!.version.split('.')[2]) });
  });

  it('is bypassed, with the in-memory cache, by cache: false', async () => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    const env = freshEnv(cacheHome);
    await found39(env);
    editEntry(file, 'micro', 999);
    const before = readFileSync(file, 'utf8');
    expect((await found39(freshEnv(cacheHome), false))?.version).toBe(py39!.version);
    expect((await found39(env, false))?.version).toBe(py39!.version);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('keeps a probe in memory for the rest of the process, ahead of the disk', async () => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    const env = freshEnv(cacheHome);
    await found39(env);
    editEntry(file, 'micro', 999);
    expect((await found39(env))?.version).toBe(py39!.version);
  });

  it('answers a probe known in memory without touching the disk cache again', async () => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    const env = freshEnv(cacheHome);
    await found39(env);
    expect(existsSync(file)).toBe(true);
    rmSync(file);
    expect((await found39(env))?.version).toBe(py39!.version);
    // Neither read nor written back: the answer came from memory alone.
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['not JSON', '{ this is not json'],
    ['the wrong shape', JSON.stringify({ format: 1, entries: { '/x': { size: 'big' } } })],
    ['another format', JSON.stringify({ format: 2, entries: {} })],
    ['empty', ''],
  ])('ignores a corrupt file (%s) and replaces it', async (_name, content) => {
    const cacheHome = tempDir('cache');
    const file = join(cacheHome, 'fgrun', 'interpreters.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    expect((await found39(freshEnv(cacheHome)))?.version).toBe(py39!.version);
    expect(Object.keys(readCache(file).entries)).toEqual([py39!.real]);
  });

  it('ignores a cache location it cannot write', async () => {
    const notADir = join(tempDir('cache'), 'file');
    writeFileSync(notADir, 'x');
    expect((await found39(freshEnv(notADir)))?.version).toBe(py39!.version);
    expect(readFileSync(notADir, 'utf8')).toBe('x');
  });

  const shim = join(PYENV_ROOT, 'shims', 'python3.9');
  const noShim = !existsSync(shim);
  it.skipIf(noShim)(`stores a pyenv shim only under the version selection it answered for (here PYENV_VERSION)${noShim ? ` (skipped: no ${shim})` : ''}`, async () => {
    const cacheHome = tempDir('cache');
    const env = { PATH: `${dirname(shim)}:/usr/bin:/bin`, PYENV_ROOT, PYENV_VERSION: py39!.version, XDG_CACHE_HOME: cacheHome };
    expect(await found39(env)).toEqual({ runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'path' });
    const keys = Object.keys(readCache(join(cacheHome, 'fgrun', 'interpreters.json')).entries);
    const shimKeys = keys.filter((key) => key.includes('/shims/'));
    expect(shimKeys.length).toBeGreaterThan(0);
    for (const key of shimKeys) expect(key).toContain(JSON.stringify(['env', py39!.version]));
  });
});

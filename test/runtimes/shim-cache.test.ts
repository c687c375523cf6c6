// A pyenv shim's probe answer is kept on disk under what decides it (pyenv's version selection),
// so a CLI start does not run the shim's bash chain again; a shim that fails is remembered too.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskCache, probeCandidate, type ProbeSetup } from '../../src/runtimes/cache.js';
import { shimKey } from '../../src/runtimes/shim-key.js';
import { buildFor, removeTempDirs, tempDir } from './pyenv-builds.js';

afterAll(removeTempDirs);

const build = buildFor('Python3.12') ?? buildFor('Python3.9') ?? buildFor('Python2.7');

// A fake pyenv root whose shims/python3 counts its runs, then runs `target` (or fails like pyenv).
function fakeShim(target: string | null): { root: string; shim: string; runs: () => number } {
  const root = tempDir('fgrun-shim-');
  const count = join(root, 'runs');
  writeFileSync(count, '');
  mkdirSync(join(root, 'shims'));
  const shim = join(root, 'shims', 'python3');
  const run = target === null ? 'echo "pyenv: python3: command not found" >&2; exit 127' : `exec "${target}" "$@"`;
  writeFileSync(shim, `#!/bin/sh\necho x >> "${count}"\n${run}\n`);
  chmodSync(shim, 0o755);
  return { root, shim, runs: () => readFileSync(count, 'utf8').length / 2 };
}

// A context as one CLI start has it: a fresh disk cache over the same file, no memory cache.
function start(file: string, env: Record<string, string>): ProbeSetup {
  return { probeEnv: env, disk: new DiskCache(file), memory: false };
}

describe.runIf(build)('pyenv shim probe cache', () => {
  it('runs a shim once while the version selection and the interpreter are unchanged', async () => {
    const { root, shim, runs } = fakeShim(build!.binary);
    const file = join(tempDir('fgrun-shim-cache-'), 'interpreters.json');
    const env = { PATH: '/usr/bin:/bin', PYENV_ROOT: root, PYENV_VERSION: 'a' };
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const context = start(file, env);
      answers.push(await probeCandidate(shim, context));
      await context.disk!.flush();
    }
    expect(answers.map((a) => a.ok && a.interpreter.path)).toEqual([build!.real, build!.real, build!.real]);
    expect(runs()).toBe(1);
    // Another selection is another answer: the shim runs again.
    const other = start(file, { ...env, PYENV_VERSION: 'b' });
    expect((await probeCandidate(shim, other)).ok).toBe(true);
    expect(runs()).toBe(2);
  });

  it('remembers a shim that fails (a version pyenv does not select), with its reason', async () => {
    const { root, shim, runs } = fakeShim(null);
    const file = join(tempDir('fgrun-shim-cache-'), 'interpreters.json');
    const env = { PATH: '/usr/bin:/bin', PYENV_ROOT: root };
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const context = start(file, env);
      answers.push(await probeCandidate(shim, context));
      await context.disk!.flush();
    }
    expect(answers).toEqual([
      { ok: false, reason: 'exited with code 127: pyenv: python3: command not found' },
      { ok: false, reason: 'exited with code 127: pyenv: python3: command not found' },
    ]);
    expect(runs()).toBe(1);
  });

  it('keys a shim by PYENV_VERSION, else the nearest .python-version, else the global version file', async () => {
    const root = tempDir('fgrun-shim-key-');
    mkdirSync(join(root, 'shims'));
    const shim = join(root, 'shims', 'python3.12');
    const cwd = tempDir('fgrun-shim-cwd-');
    const env = { PYENV_ROOT: root, PATH: '/bin' };
    expect(await shimKey('/usr/bin/python3', env, cwd)).toBeNull();
    const global = await shimKey(shim, env, cwd);
    writeFileSync(join(root, 'version'), '3.12.1\n');
    const withGlobal = await shimKey(shim, env, cwd);
    writeFileSync(join(cwd, '.python-version'), '3.9.18\n');
    const local = await shimKey(shim, env, cwd);
    const pinned = await shimKey(shim, { ...env, PYENV_VERSION: '2.7.18' }, cwd);
    expect(new Set([global, withGlobal, local, pinned]).size).toBe(4);
    expect(local).toContain(JSON.stringify(join(cwd, '.python-version')));
    expect(await shimKey(shim, env, cwd)).toBe(local);
  });
});

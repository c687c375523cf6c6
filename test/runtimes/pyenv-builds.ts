// What the real pyenv install on this machine holds, read straight from the filesystem, plus temp-dir helpers.

import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RuntimeId, RuntimeInfo } from '../../src/runtimes/index.js';
import { RUNTIME_IDS } from '../../src/runtimes/index.js';

export const PYENV_ROOT = join(homedir(), '.pyenv');

export interface Build {
  version: string;
  /** $PYENV_ROOT/versions/X.Y.Z/bin/pythonX.Y */
  binary: string;
  /** realpath of binary */
  real: string;
}

// Every plain X.Y.Z folder under ~/.pyenv/versions that has its pythonX.Y, newest patch per major.minor.
export function pyenvBuilds(): Map<string, Build> {
  let names: string[] = [];
  try {
    names = readdirSync(join(PYENV_ROOT, 'versions'));
  } catch {
    return new Map();
  }
  const builds = new Map<string, Build>();
  const plain = names.filter((name) => /^\d+\.\d+\.\d+$/.test(name));
  plain.sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
  for (const version of plain) {
    const [major, minor] = version.split('.');
    const label = `${major}.${minor}`;
    if (builds.has(label)) continue;
    const binary = join(PYENV_ROOT, 'versions', version, 'bin', `python${label}`);
    try {
      builds.set(label, { version, binary, real: realpathSync(binary) });
    } catch {
      // a folder without its interpreter
    }
  }
  return builds;
}

// The build serving a supported runtime, if pyenv has one.
export function buildFor(runtime: RuntimeId): Build | undefined {
  return pyenvBuilds().get(runtime.slice('Python'.length));
}

// The RuntimeInfo discovery must return for every supported runtime pyenv holds, oldest -> newest.
export function expectedFromPyenv(source: RuntimeInfo['source'] = 'pyenv'): RuntimeInfo[] {
  return RUNTIME_IDS.flatMap((runtime) => {
    const build = buildFor(runtime);
    return build === undefined ? [] : [{ runtime, path: build.real, version: build.version, source }];
  });
}

const temporaryDirs: string[] = [];

// A fresh temp dir, removed by removeTempDirs().
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fgrun-${prefix}-`));
  temporaryDirs.push(dir);
  return dir;
}

// Removes every temp dir this test file made.
export function removeTempDirs(): void {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// A fake PYENV_ROOT: versions/<folder>/bin/<binary> symlinked to a real interpreter, for each entry.
export function fakePyenvRoot(links: Record<string, string>): string {
  const root = tempDir('pyenv');
  for (const [relative, target] of Object.entries(links)) {
    const file = join(root, 'versions', relative);
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync(target, file);
  }
  return root;
}

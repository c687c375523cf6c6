// A pyenv shim's answer depends on more than its file: on the version pyenv selects. That choice is
// made from PYENV_VERSION, else the nearest .python-version from the current folder up, else
// $PYENV_ROOT/version (pyenv-version-name / pyenv-version-file). This is the key that pins all of
// it, so the on-disk cache can keep a shim's answer and a CLI start need not run the shim's chain of
// bash scripts (~100 ms idle, seconds on a loaded machine) while nothing that decides it changed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The shims folder of the pyenv installation this environment uses.
function shimsDir(env: Record<string, string>): string | null {
  const root = env['PYENV_ROOT'] ?? (env['HOME'] ? join(env['HOME'], '.pyenv') : null);
  return root === null ? null : join(root, 'shims');
}

// The text of a file, or null.
async function text(path: string): Promise<string | null> {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

// The cache key of a pyenv shim under `env` (run from `cwd`), or null when `candidate` is no pyenv shim.
export async function shimKey(candidate: string, env: Record<string, string>, cwd = process.cwd()): Promise<string | null> {
  const shims = shimsDir(env);
  if (shims === null || dirname(candidate) !== shims) return null;
  let selection: unknown = null;
  if (env['PYENV_VERSION'] !== undefined) {
    selection = ['env', env['PYENV_VERSION']];
  } else {
    for (let dir = cwd; selection === null; dir = dirname(dir)) {
      const file = join(dir, '.python-version');
      const found = await text(file);
      if (found !== null) selection = [file, found];
      else if (dirname(dir) === dir) break;
    }
    selection ??= ['global', await text(join(dirname(shims), 'version'))];
  }
  return `pyenv-shim:${candidate}:${JSON.stringify([env['PATH'] ?? '', selection])}`;
}

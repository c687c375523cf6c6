// Reads pyenv's versions folder: $PYENV_ROOT/versions/X.Y.*/bin/pythonX.Y.

import { readdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

// pyenv's root: $PYENV_ROOT, else ~/.pyenv, or null when neither is known.
export function pyenvRoot(env: NodeJS.ProcessEnv): string | null {
  const root = env['PYENV_ROOT'];
  if (root && isAbsolute(root)) return root;
  const home = env['HOME'];
  return home && isAbsolute(home) ? join(home, '.pyenv') : null;
}

// Picks the folders of one major.minor and orders them: plain releases by patch, highest first, then
// everything else (3.9.18-debug, 3.9.0rc1) the same way; "3.1.x" never matches "3.10.x".
export function sortPyenvVersions(names: readonly string[], label: string): string[] {
  const pattern = new RegExp(`^${label.replace('.', '\\.')}\\.(\\d+)(.*)$`);
  const matching = names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ name, patch: Number(match[1]), plain: match[2] === '' }] : [];
  });
  matching.sort((a, b) => Number(b.plain) - Number(a.plain) || b.patch - a.patch || a.name.localeCompare(b.name));
  return matching.map((version) => version.name);
}

// The folder names under $PYENV_ROOT/versions, or null when it cannot be read.
export async function listPyenvVersions(root: string): Promise<string[] | null> {
  try {
    return await readdir(join(root, 'versions'));
  } catch {
    return null;
  }
}

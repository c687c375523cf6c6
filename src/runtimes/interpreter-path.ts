// Turns the sys.executable an interpreter reports into the path fgrun records and later spawns.

import { access, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

// The realpath of sys.executable, so a pyenv shim or a /usr/bin/python3 link is never recorded;
// inside a virtual environment the venv's own executable is kept, or its site-packages would be lost.
export async function interpreterPath(executable: string): Promise<string | null> {
  const absolute = resolve(executable);
  try {
    if (await isVirtualEnvExecutable(absolute)) {
      await access(absolute);
      return absolute;
    }
    return await realpath(absolute);
  } catch {
    return null;
  }
}

// Python treats an executable as a venv's when pyvenv.cfg sits beside it or one folder up (PEP 405).
export async function isVirtualEnvExecutable(executable: string): Promise<boolean> {
  const bin = dirname(executable);
  for (const folder of [bin, dirname(bin)]) {
    try {
      await access(join(folder, 'pyvenv.cfg'));
      return true;
    } catch {
      // not this folder
    }
  }
  return false;
}

// Finds executables the way a shell would, but from the PATH fgrun was given rather than its own.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

// Every executable file called `name` in PATH's folders, in PATH order (relative folders are skipped).
export async function findAllOnPath(name: string, pathValue: string | undefined): Promise<string[]> {
  const folders = (pathValue ?? '').split(delimiter).filter((folder) => folder !== '' && isAbsolute(folder));
  const found: string[] = [];
  for (const folder of new Set(folders)) {
    const file = join(folder, name);
    if (await isExecutableFile(file)) found.push(file);
  }
  return found;
}

// Turns what a user wrote (--python, pythonPath, FGRUN_PYTHON_X_Y) into a file: a bare name is looked up
// on PATH, anything with a slash is taken relative to the working directory.
export async function resolveUserPath(value: string, pathValue: string | undefined): Promise<string | null> {
  if (!value.includes('/')) return (await findAllOnPath(value, pathValue))[0] ?? null;
  return resolve(value);
}

// True for a regular file (after symlinks) that this process may execute.
async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

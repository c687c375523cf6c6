// Unpacked zips, reused while the zip is unchanged (same size, mtime, ctime and inode). Each lives in
// its own temporary folder, removed when the process exits; when a zip changes, the version before
// the previous one is removed (warm instances of the previous version may still be reading it).
import { stat } from 'node:fs/promises';
import tmp from 'tmp';
import type { PackageLimits } from './limits.js';
import { unzipSafely } from './unzip.js';

interface Version {
  key: string;
  folder: Promise<string>;
  remove: () => void;
}

const versions = new Map<string, Version[]>();
/** Unpacked folder -> the zip it came from (for messages that name what the user gave). */
const origins = new Map<string, string>();
/** How many unpacked versions of one zip are kept. */
const KEEP_VERSIONS = 2;

// The folder holding `zipPath` unpacked (absolute path), unpacking it when it is new or changed.
export async function unpackedFolder(zipPath: string, limits: PackageLimits, label: string): Promise<string> {
  const info = await stat(zipPath);
  const key = `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
  const list = versions.get(zipPath) ?? [];
  const known = list.find((v) => v.key === key);
  if (known) return known.folder;
  tmp.setGracefulCleanup();
  const dir = tmp.dirSync({ prefix: 'fgrun-pkg-', unsafeCleanup: true });
  const version: Version = {
    key,
    remove: () => {
      origins.delete(dir.name);
      safely(() => dir.removeCallback());
    },
    folder: unzipSafely(zipPath, dir.name, limits, label).then(
      () => {
        origins.set(dir.name, zipPath);
        return dir.name;
      },
      (error: unknown) => {
        safely(() => dir.removeCallback());
        const at = list.indexOf(version);
        if (at >= 0) list.splice(at, 1);
        throw error;
      },
    ),
  };
  list.push(version);
  versions.set(zipPath, list);
  while (list.length > KEEP_VERSIONS) {
    const old = list.shift()!;
    old.folder.then(old.remove, () => {});
  }
  return version.folder;
}

// The zip a folder was unpacked from, if it is one of ours.
export function packageOf(folder: string): string | undefined {
  return origins.get(folder);
}

// Remove every unpacked folder now (they are removed at exit anyway).
export async function removeUnpackedPackages(): Promise<void> {
  const all = [...versions.values()].flat();
  versions.clear();
  await Promise.all(all.map((v) => v.folder.then(v.remove, () => {})));
}

// Run a clean-up that may find its target already gone.
function safely(action: () => void): void {
  try {
    action();
  } catch {
    // already gone
  }
}

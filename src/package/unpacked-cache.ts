// Unpacked zips, reused while the zip is unchanged (same size, mtime, ctime and inode). Each lives in
// its own temporary folder (platform/temp.ts: `tmp`), removed when the host exits, however it exits
// (exit or a signal that ends it); when a zip changes, the version before the previous one is
// removed (warm instances of the previous version may still be reading it).
// The files go into a sub-folder named like the zip (orders.zip -> <tmp>/orders), so a function
// without a name is named after its zip, as in the cloud, not after a random folder.
import { mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tempFolder } from '../platform/index.js';
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
  const dir = tempFolder('fgrun-pkg-');
  const target = join(dir.path, basename(zipPath).replace(/\.zip$/i, '') || 'code');
  const version: Version = {
    key,
    remove: () => {
      origins.delete(target);
      dir.remove();
    },
    folder: mkdir(target).then(() => unzipSafely(zipPath, target, limits, label)).then(
      () => {
        origins.set(target, zipPath);
        return target;
      },
      (error: unknown) => {
        dir.remove();
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

// Unpacks a zip into a folder and never writes outside it. Every entry name is checked before
// anything is written; folders are walked one component at a time (a link on the way must resolve
// inside); files are opened with O_NOFOLLOW; links must be relative and resolve inside, checked when
// made and again at the end. Sizes and entry counts are capped (see limits.ts).
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, stat, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Entry, ZipFile } from 'yauzl';

// yauzl, loaded with the first zip (most runs have none).
const loadYauzl = (): typeof import('yauzl') => createRequire(import.meta.url)('yauzl') as typeof import('yauzl');
import { PackageError } from './errors.js';
import { isInside, MAX_ENTRY_DEPTH, safeEntryName } from './entry-path.js';
import type { PackageLimits } from './limits.js';

type Kind = 'file' | 'dir' | 'link';

interface Planned {
  entry: Entry;
  path: string;
  kind: Kind;
  mode: number;
}

export interface UnzipStats {
  entries: number;
  bytes: number;
}

/** A link's target is a path: anything longer is not one. */
const MAX_LINK_TARGET = 4096;

// Unpack `zipPath` into the existing, empty folder `dest`. `label` names the package in errors.
export async function unzipSafely(zipPath: string, dest: string, limits: PackageLimits, label: string): Promise<UnzipStats> {
  const size = (await stat(zipPath)).size;
  if (size > limits.maxZipBytes) {
    throw new PackageError('FGRUN_PACKAGE_TOO_LARGE', `${label} is ${mb(size)} (${size} bytes); FunctionGraph accepts at most ${mb(limits.maxZipBytes)} (${limits.maxZipBytes} bytes) for it. Make the package smaller (move libraries into dependency packages).`, { file: zipPath });
  }
  let zip: ZipFile;
  try {
    zip = await loadYauzl().openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (cause) {
    throw new PackageError('FGRUN_PACKAGE_INVALID', `${label} is not a readable zip (${(cause as Error).message}); create it with a zip tool, with the handler's file at its root`, { file: zipPath, cause });
  }
  try {
    const planned = await listEntries(zip, zipPath, limits, label);
    const root = await realpath(dest);
    const budget = { left: limits.maxUnpackedBytes };
    const links: Planned[] = [];
    for (const item of planned) {
      if (item.kind === 'dir') await ensureDir(root, item.path, item, zipPath, label);
      else if (item.kind === 'file') await writeFile(zip, root, item, budget, zipPath, label, limits);
      else {
        await makeLink(zip, root, item, zipPath, label);
        links.push(item);
      }
    }
    // A link made early may resolve differently once later entries exist: check them all again.
    for (const link of links) await checkLink(root, join(root, link.path), link, zipPath, label);
    return { entries: planned.length, bytes: limits.maxUnpackedBytes - budget.left };
  } finally {
    zip.close();
  }
}

// Every entry with its safe path and kind; refuses the zip before anything is written.
function listEntries(zip: ZipFile, zipPath: string, limits: PackageLimits, label: string): Promise<Planned[]> {
  return new Promise((resolvePlan, reject) => {
    const planned: Planned[] = [];
    let declared = 0;
    const fail = (error: PackageError) => {
      zip.removeAllListeners('entry');
      reject(error);
    };
    zip.on('entry', (entry: Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = loadYauzl().getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      const safe = safeEntryName(name);
      if (!safe.ok) return fail(unsafe(zipPath, label, name, `${safe.reason}, so it would be written outside the package's folder; re-create the zip with paths relative to its root`));
      if (safe.depth > MAX_ENTRY_DEPTH) {
        const shown = `${safe.path.split('/').slice(0, 3).join('/')}/…`;
        return fail(new PackageError('FGRUN_PACKAGE_INVALID', `${label}: entry '${shown}' is nested ${safe.depth} folders deep; fgrun unpacks at most ${MAX_ENTRY_DEPTH} (re-create the zip with a shallower layout)`, { file: zipPath, entry: shown }));
      }
      if (planned.length >= limits.maxEntries) return fail(new PackageError('FGRUN_PACKAGE_TOO_LARGE', `${label} holds more than ${limits.maxEntries} entries, the most fgrun unpacks (FunctionGraph's file limit for a package)`, { file: zipPath }));
      declared += entry.uncompressedSize;
      if (declared > limits.maxUnpackedBytes) return fail(tooBig(zipPath, label, limits));
      if (entry.isEncrypted()) return fail(new PackageError('FGRUN_PACKAGE_INVALID', `${label}: entry '${name}' is encrypted; FunctionGraph cannot read encrypted zips either`, { file: zipPath, entry: name }));
      const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const kind: Kind = (unixMode & 0o170000) === 0o120000 ? 'link' : safe.isDirectory || (unixMode & 0o170000) === 0o040000 ? 'dir' : 'file';
      if (safe.path !== '') planned.push({ entry, path: safe.path, kind, mode: unixMode & 0o777 });
      zip.readEntry();
    });
    zip.once('end', () => resolvePlan(planned));
    zip.once('error', (cause: Error) => reject(new PackageError('FGRUN_PACKAGE_INVALID', `${label} is not a readable zip (${cause.message})`, { file: zipPath, cause })));
    zip.readEntry();
  });
}

// The real folder for `rel` under root, created one component at a time; links on the way must stay inside.
async function ensureDir(root: string, rel: string, item: Planned, zipPath: string, label: string): Promise<string> {
  let current = root;
  for (const part of rel === '' ? [] : rel.split('/')) {
    const next = join(current, part);
    let info;
    try {
      info = await lstat(next);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw invalid(zipPath, label, item.path, `cannot be unpacked (${(cause as NodeJS.ErrnoException).code ?? cause})`);
      await mkdir(next, { mode: 0o755 });
      current = next;
      continue;
    }
    if (info.isSymbolicLink()) {
      let real: string;
      try {
        real = await realpath(next);
      } catch {
        throw unsafe(zipPath, label, item.path, `goes through the link '${part}', which points nowhere inside the package`);
      }
      if (!isInside(root, real)) throw unsafe(zipPath, label, item.path, `goes through the link '${part}', which points outside the package`);
      if (!(await stat(real)).isDirectory()) throw invalid(zipPath, label, item.path, `needs '${part}' to be a folder`);
      current = real;
    } else if (info.isDirectory()) {
      current = next;
    } else {
      throw invalid(zipPath, label, item.path, `needs '${part}' to be a folder, but the zip has a file there`);
    }
  }
  return current;
}

// Stream one file entry to disk, counting bytes against the unpacked-size budget.
async function writeFile(zip: ZipFile, root: string, item: Planned, budget: { left: number }, zipPath: string, label: string, limits: PackageLimits): Promise<void> {
  const parent = await ensureDir(root, parentOf(item.path), item, zipPath, label);
  const target = join(parent, basename(item.path));
  const mode = (item.mode || 0o644) | 0o600;
  let handle;
  try {
    handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw unsafe(zipPath, label, item.path, 'would be written through a link');
    throw invalid(zipPath, label, item.path, `cannot be written (${code ?? cause})`);
  }
  try {
    const stream = await zip.openReadStreamPromise(item.entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      budget.left -= chunk.length;
      if (budget.left < 0) {
        stream.destroy();
        throw tooBig(zipPath, label, limits);
      }
      await handle.write(chunk);
    }
  } catch (cause) {
    if (cause instanceof PackageError) throw cause;
    throw new PackageError('FGRUN_PACKAGE_INVALID', `${label}: entry '${item.path}' cannot be unpacked (${(cause as Error).message})`, { file: zipPath, entry: item.path, cause });
  } finally {
    await handle.close();
  }
}

// A symbolic link entry: relative, and resolving inside the package.
async function makeLink(zip: ZipFile, root: string, item: Planned, zipPath: string, label: string): Promise<void> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of (await zip.openReadStreamPromise(item.entry)) as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_LINK_TARGET) throw invalid(zipPath, label, item.path, 'is a link whose target is too long');
    chunks.push(chunk);
  }
  const target = Buffer.concat(chunks).toString('utf8');
  if (target === '' || target.includes('\0')) throw invalid(zipPath, label, item.path, 'is a link without a usable target');
  if (isAbsolute(target)) throw unsafe(zipPath, label, item.path, `is a link to the absolute path '${target}', outside the package`);
  const parent = await ensureDir(root, parentOf(item.path), item, zipPath, label);
  if (!isInside(root, resolve(parent, target))) throw unsafe(zipPath, label, item.path, `is a link to '${target}', outside the package`);
  const at = join(parent, basename(item.path));
  try {
    await symlink(target, at);
  } catch (cause) {
    throw invalid(zipPath, label, item.path, `cannot be made (${(cause as NodeJS.ErrnoException).code ?? cause})`);
  }
  await checkLink(root, at, item, zipPath, label);
}

// A link that exists must resolve inside root; one that dangles must point inside by its text.
async function checkLink(root: string, at: string, item: Planned, zipPath: string, label: string): Promise<void> {
  try {
    const real = await realpath(at);
    if (!isInside(root, real)) throw unsafe(zipPath, label, item.path, 'is a link that resolves outside the package');
  } catch (cause) {
    if (cause instanceof PackageError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw unsafe(zipPath, label, item.path, 'is a link that loops');
    const target = await readlink(at);
    if (!isInside(root, resolve(await realpath(dirname(at)), target))) {
      throw unsafe(zipPath, label, item.path, `is a link to '${target}', outside the package`);
    }
  }
}

// 'a/b/c' -> 'a/b'; '' at the root.
function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

// FGRUN_PACKAGE_UNSAFE naming the package and the entry.
function unsafe(zipPath: string, label: string, entry: string, why: string): PackageError {
  return new PackageError('FGRUN_PACKAGE_UNSAFE', `${label}: entry '${entry}' ${why}; fgrun refused the package`, { file: zipPath, entry });
}

// FGRUN_PACKAGE_INVALID naming the package and the entry.
function invalid(zipPath: string, label: string, entry: string, why: string): PackageError {
  return new PackageError('FGRUN_PACKAGE_INVALID', `${label}: entry '${entry}' ${why}`, { file: zipPath, entry });
}

// FGRUN_PACKAGE_TOO_LARGE for the unpacked size.
function tooBig(zipPath: string, label: string, limits: PackageLimits): PackageError {
  return new PackageError('FGRUN_PACKAGE_TOO_LARGE', `${label} unpacks to more than ${mb(limits.maxUnpackedBytes)}, the most fgrun unpacks; make the package smaller`, { file: zipPath });
}

// Bytes as "12.3 MB".
function mb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

// Builds real zips for tests with yazl, including hostile ones: entry names with `..` or an
// absolute path (yazl refuses them, so a same-length placeholder is swapped in the bytes) and
// symbolic links (mode 0o120777, the target as content), as `zip -y` writes them.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';

export interface ZipItem {
  name: string;
  content?: string | Buffer;
  /** Make the entry a symbolic link to this target. */
  link?: string;
  dir?: boolean;
  mode?: number;
}

// Write a zip of `items` to `dest`.
export async function makeZip(dest: string, items: ZipItem[]): Promise<string> {
  const zip = new yazl.ZipFile();
  const swaps: Array<[Buffer, Buffer]> = [];
  for (const item of items) {
    let name = item.name;
    if (name.split('/').includes('..') || name.startsWith('/')) {
      const placeholder = name.replace(/\.\./g, 'zz').replace(/^\//, 'q');
      swaps.push([Buffer.from(placeholder), Buffer.from(name)]);
      name = placeholder;
    }
    if (item.dir) zip.addEmptyDirectory(name);
    else if (item.link !== undefined) zip.addBuffer(Buffer.from(item.link), name, { mode: 0o120777 });
    else zip.addBuffer(Buffer.from(item.content ?? ''), name, { mode: item.mode ?? 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes: Buffer = Buffer.concat(chunks);
  for (const [from, to] of swaps) bytes = replaceAll(bytes, from, to);
  writeFileSync(dest, bytes);
  return dest;
}

// Zip a folder's contents (paths relative to it, as FunctionGraph expects), skipping caches.
export async function zipFolder(folder: string, dest: string, extra: ZipItem[] = []): Promise<string> {
  const items: ZipItem[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === '__pycache__' || name.endsWith('.pyc')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else items.push({ name: relative(folder, path), content: readFileSync(path) });
    }
  };
  walk(folder);
  return makeZip(dest, [...items, ...extra]);
}

function replaceAll(bytes: Buffer, from: Buffer, to: Buffer): Buffer {
  let at = bytes.indexOf(from);
  while (at >= 0) {
    to.copy(bytes, at);
    at = bytes.indexOf(from, at + to.length);
  }
  return bytes;
}

// What a build is made of beyond requirements.txt's bytes: the content of every local path it names
// (a wheel `./wheels/mylib-1.0-py3-none-any.whl`, a folder, `-r other.txt`, `file:` URLs) and of
// the --find-links folders. Two functions whose requirements.txt read the same but point at
// different wheels get different builds (docs/build.md, "The build store").
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { PipSource } from './pip.js';

/** Past this many files, a folder's digest stops (and says so in the hash). */
const MAX_FILES = 20_000;

// Hash a file's bytes or a folder's tree (names and contents, sorted; links followed, 32 levels deep at most).
function hashPath(hash: Hash, path: string, budget: { files: number }, depth = 0): void {
  const info = statSync(path);
  if (info.isFile()) {
    if (budget.files-- <= 0) return void hash.update('too many files\0');
    hash.update(`file\0${info.size}\0`).update(readFileSync(path));
    return;
  }
  if (!info.isDirectory() || depth > 32) return;
  for (const entry of readdirSync(path).sort()) {
    if (entry === '__pycache__' || entry === '.git') continue;
    hash.update(`entry\0${entry}\0`);
    try {
      hashPath(hash, join(path, entry), budget, depth + 1);
    } catch {
      hash.update('unreadable\0');
    }
  }
}

// The local paths a requirements text names, resolved against `base` (tokens that exist on disk).
function localPaths(text: string, base: string): string[] {
  const found: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    for (let token of line.split(/\s+/)) {
      token = token.replace(/^[\w.-]+@/, '').replace(/^file:(\/\/)?/, '').replace(/^(-[rcef]|--\w[\w-]*=?)/, '');
      if (token === '' || /^[a-z][\w+.-]*:\/\//i.test(token)) continue;
      const path = isAbsolute(token) ? token : resolve(base, token);
      try {
        statSync(path);
        found.push(path);
      } catch {
        // a package name, not a path
      }
    }
  }
  return found;
}

// sha256 of requirements.txt and every local path it names (what a function's lookup can see again).
export function requirementsDigest(requirements: Buffer, code: string): string {
  const hash = createHash('sha256').update(requirements);
  const budget = { files: MAX_FILES };
  for (const path of localPaths(requirements.toString('utf8'), code)) {
    hash.update(`\0path\0${path}\0`);
    hashPath(hash, path, budget);
    // A nested requirements file (-r) names paths of its own.
    if (/\.txt$/i.test(path)) for (const nested of localPaths(readFileSync(path, 'utf8'), resolve(path, '..'))) hashPath(hash.update(`\0nested\0${nested}\0`), nested, budget);
  }
  return hash.digest('hex');
}

// sha256 of where pip looks: --find-links folders' content, --index-url, --no-index.
export function sourceDigest(source: PipSource): string {
  const hash = createHash('sha256').update(`${source.indexUrl ?? ''}\0${source.noIndex ? 'no-index' : ''}\0`);
  const budget = { files: MAX_FILES };
  for (const dir of source.findLinks ?? []) {
    hash.update(`\0find-links\0${dir}\0`);
    try {
      hashPath(hash, dir, budget);
    } catch {
      // pip reports a missing folder itself
    }
  }
  return hash.digest('hex');
}

// Safe unpacking: hostile zips are refused with nothing written outside the folder they unpack in.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackageError, unzipSafely, type PackageLimits } from '../../src/package/index.js';
import { makeZip, type ZipItem } from './make-zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-unzip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LIMITS: PackageLimits = { maxZipBytes: 1024 * 1024, maxUnpackedBytes: 64 * 1024, maxEntries: 50 };
let n = 0;

// A sandbox with the zip and an empty `dest` beside it: anything outside `dest` is a write outside.
async function sandbox(items: ZipItem[]): Promise<{ root: string; zip: string; dest: string }> {
  const root = join(tmp, `box-${++n}`);
  const dest = join(root, 'inner', 'dest');
  mkdirSync(dest, { recursive: true });
  const zip = await makeZip(join(root, 'package.zip'), items);
  return { root, zip, dest };
}

// Every path under `dir`, relative to it (links not followed).
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix + entry.name;
    return entry.isDirectory() ? [rel + '/', ...tree(join(dir, entry.name), rel + '/')] : [rel];
  }).sort();
}

async function refused(items: ZipItem[], code: string, message: string): Promise<void> {
  const { root, zip, dest } = await sandbox(items);
  const error = await unzipSafely(zip, dest, LIMITS, 'code package app.zip').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PackageError);
  expect((error as PackageError).code).toBe(code);
  expect((error as PackageError).message).toBe(message);
  // Nothing outside dest: the sandbox still holds only the zip and the (possibly partly filled) dest.
  expect(tree(root).filter((p) => p === 'inner/dest/' || !p.startsWith('inner/dest/'))).toEqual(['inner/', 'inner/dest/', 'package.zip']);
}

describe('unzipSafely', () => {
  it('unpacks files, folders, modes and links that stay inside', async () => {
    const { dest, zip } = await sandbox([
      { name: 'index.py', content: 'def handler(e, c):\n    return 1\n' },
      { name: 'bin/', dir: true },
      { name: 'bin/run.sh', content: '#!/bin/sh\n', mode: 0o100755 },
      { name: 'lib/pkg/__init__.py', content: 'X = 1\n' },
      { name: 'current', link: 'lib/pkg' },
      { name: 'lib/up', link: '../index.py' },
    ]);
    const stats = await unzipSafely(zip, dest, LIMITS, 'code package app.zip');
    // Bytes count file contents (links and folders have none).
    expect(stats).toEqual({ entries: 6, bytes: 'def handler(e, c):\n    return 1\n'.length + '#!/bin/sh\n'.length + 'X = 1\n'.length });
    expect(tree(dest)).toEqual(['bin/', 'bin/run.sh', 'current', 'index.py', 'lib/', 'lib/pkg/', 'lib/pkg/__init__.py', 'lib/up']);
    expect(statSync(join(dest, 'bin', 'run.sh')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dest, 'current'))).toBe('lib/pkg');
    expect(readFileSync(join(dest, 'current', '__init__.py'), 'utf8')).toBe('X = 1\n');
    expect(readFileSync(join(dest, 'lib', 'up'), 'utf8')).toBe('def handler(e, c):\n    return 1\n');
  });

  it("refuses '../' entries before writing anything", async () => {
    const escape = `fgrun-escaped-${process.pid}-${Date.now()}.txt`;
    await refused([{ name: 'index.py', content: 'x' }, { name: `../../${escape}`, content: 'owned' }], 'FGRUN_PACKAGE_UNSAFE',
      `code package app.zip: entry '../../${escape}' holds a '..' segment, so it would be written outside the package's folder; re-create the zip with paths relative to its root; fgrun refused the package`);
    expect(existsSync(join(tmpdir(), escape))).toBe(false);
    await refused([{ name: 'a/../../x.txt', content: 'x' }], 'FGRUN_PACKAGE_UNSAFE',
      "code package app.zip: entry 'a/../../x.txt' holds a '..' segment, so it would be written outside the package's folder; re-create the zip with paths relative to its root; fgrun refused the package");
  });

  it('refuses absolute paths', async () => {
    await refused([{ name: '/tmp/fgrun-abs.txt', content: 'x' }], 'FGRUN_PACKAGE_UNSAFE',
      "code package app.zip: entry '/tmp/fgrun-abs.txt' is an absolute path, so it would be written outside the package's folder; re-create the zip with paths relative to its root; fgrun refused the package");
  });

  it('refuses links that point outside, and writes through them', async () => {
    await refused([{ name: 'evil', link: '../../..' }, { name: 'evil/owned.txt', content: 'x' }], 'FGRUN_PACKAGE_UNSAFE',
      "code package app.zip: entry 'evil' is a link to '../../..', outside the package; fgrun refused the package");
    await refused([{ name: 'etc', link: '/etc' }], 'FGRUN_PACKAGE_UNSAFE',
      "code package app.zip: entry 'etc' is a link to the absolute path '/etc', outside the package; fgrun refused the package");
    // Each link alone points inside; together they climb out (d/s -> .. is the root, d/l -> s/../.. is above it).
    await refused([
      { name: 'd/s', link: '..' },
      { name: 'd/l', link: 's/../..' },
      { name: 'd/l/owned/x.txt', content: 'x' },
    ], 'FGRUN_PACKAGE_UNSAFE', "code package app.zip: entry 'd/l' is a link that resolves outside the package; fgrun refused the package");
  });

  it('caps the zip size, the unpacked size and the number of entries', async () => {
    const big = await sandbox([{ name: 'a.bin', content: Buffer.alloc(10) }]);
    writeFileSync(big.zip, Buffer.alloc(LIMITS.maxZipBytes + 1));
    const tooBig = (await unzipSafely(big.zip, big.dest, LIMITS, 'code package app.zip').catch((e: unknown) => e)) as PackageError;
    expect(tooBig.code).toBe('FGRUN_PACKAGE_TOO_LARGE');
    expect(tooBig.message).toBe('code package app.zip is 1 MB (1048577 bytes); FunctionGraph accepts at most 1 MB (1048576 bytes) for it. Make the package smaller (move libraries into dependency packages).');
    await refused([{ name: 'zeros.bin', content: Buffer.alloc(40 * 1024) }, { name: 'more.bin', content: Buffer.alloc(40 * 1024) }], 'FGRUN_PACKAGE_TOO_LARGE',
      'code package app.zip unpacks to more than 0.1 MB, the most fgrun unpacks; make the package smaller');
    await refused(Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.py`, content: '' })), 'FGRUN_PACKAGE_TOO_LARGE',
      "code package app.zip holds more than 50 entries, the most fgrun unpacks (FunctionGraph's file limit for a package)");
  });

  it('refuses a file that is not a zip', async () => {
    const { zip, dest } = await sandbox([]);
    writeFileSync(zip, 'not a zip at all');
    const error = (await unzipSafely(zip, dest, LIMITS, 'code package app.zip').catch((e: unknown) => e)) as PackageError;
    expect(error.code).toBe('FGRUN_PACKAGE_INVALID');
    expect(error.message).toMatch(/^code package app\.zip is not a readable zip \(End of central directory record signature not found\. Either not a zip file, or file is truncated\.\); create it with a zip tool, with the handler's file at its root$/);
  });
});

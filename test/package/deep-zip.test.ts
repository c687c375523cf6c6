// Issue 21, item 8 (third bullet): a zip whose entry is nested 2,000 folders deep is refused before
// anything is unpacked, and leaves no $TMPDIR/fgrun-pkg-* folder behind.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { MAX_ENTRY_DEPTH } from '../../src/package/entry-path.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { makeZip } from './make-zip.js';

const work = mkdtempSync(join(tmpdir(), 'fgrun-deep-zip-'));
// This file's own temporary folder, so that the count of fgrun-pkg-* folders is ours alone.
const privateTmp = join(work, 'tmp');
mkdirSync(privateTmp);
process.env['TMPDIR'] = privateTmp;
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.runIf(newestRuntime)('a zip nested too deep', () => {
  it('is refused naming its depth, and leaves no unpacked folder', async () => {
    const deep = `${'a/'.repeat(2000)}index.py`;
    const zip = await makeZip(join(work, 'deep.zip'), [
      { name: 'index.py', content: 'def handler(event, context):\n    return 1\n' },
      { name: deep, content: 'x = 1\n' },
    ]);
    await expect(createFunction({ code: zip, runtime: newestRuntime!.runtime })).rejects.toThrow(
      `code package ${zip} (code): entry '${'a/'.repeat(3)}…' is nested 2000 folders deep; fgrun unpacks at most ${MAX_ENTRY_DEPTH} (re-create the zip with a shallower layout)`);
    expect(readdirSync(privateTmp).filter((name) => name.startsWith('fgrun-pkg-'))).toEqual([]);
  });
});

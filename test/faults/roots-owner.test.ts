// Issue 21, item 7 (second bullet): each level of the working folders under $TMPDIR/fgrun-<uid>/roots
// is checked as the log folder is. Another user who planted a function's root (a link to a folder of
// theirs, holding their own `code`) does not get the function to run their code: it is refused.
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { sharedLogDir } from '../../src/instance/index.js';
import { otherUser, otherUserSkip } from '../helpers/other-user.js';
import { newestRuntime } from '../helpers/runtimes.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-roots-owner-'));
const planted: string[] = [];
afterAll(() => {
  for (const p of planted) rmSync(p, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

// A code folder of ours, and the root path fgrun will use for it under `name`.
function victim(name: string): { code: string; root: string } {
  const code = join(tmp, name);
  mkdirSync(code);
  writeFileSync(join(code, 'index.py'), 'def handler(event, context):\n    return "mine"\n');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const root = join(dirname(sharedLogDir()), 'roots', `${name}-${hash}`);
  planted.push(root);
  return { code, root };
}

describe.skipIf(otherUserSkip !== null || !newestRuntime)(`runtime roots another user planted [${otherUserSkip ?? newestRuntime?.runtime}]`, () => {
  it.each([
    ['a link to a folder of theirs', 'is a symbolic link', (root: string, theirs: string) => symlinkSync(theirs, root)],
    ['a folder of theirs', `belongs to another user (uid ${otherUser?.uid}, fgrun runs as uid ${process.getuid?.()})`, (root: string, theirs: string) => {
      mkdirSync(root, { mode: 0o777 });
      symlinkSync(join(theirs, 'code'), join(root, 'code'));
      chownSync(root, otherUser!.uid, otherUser!.gid);
    }],
  ] as const)('refuses a root that is %s, and never runs their code', async (label, why, plant) => {
    const name = `planted-${label.length}`;
    const { code, root } = victim(name);
    const theirs = join(tmp, `theirs-${label.length}`);
    mkdirSync(join(theirs, 'code'), { recursive: true });
    writeFileSync(join(theirs, 'code', 'index.py'), 'def handler(event, context):\n    return "attacker"\n');
    chownSync(theirs, otherUser!.uid, otherUser!.gid);
    plant(root, theirs);
    const attempt = createFunction({ code, runtime: newestRuntime!.runtime, name }).then(async (handle) => {
      try {
        return await handle.invoke({});
      } finally {
        await handle.close();
      }
    });
    await expect(attempt).rejects.toThrow(`the functions' working folder ${root} ${why}: fgrun keeps its working folders only in a private folder of its own; remove it, or point TMPDIR at a folder of yours`);
  });
});

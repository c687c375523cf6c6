// Nothing left in $TMPDIR when a signal ends fgrun: SIGINT, SIGTERM or SIGHUP of `fgrun invoke x.zip`
// and SIGHUP of `fgrun serve x.zip` remove the unpacked package. The functions' log folder
// `$TMPDIR/fgrun-<uid>/logs` is created 0700 and refused when it is a link or another user's.
// Real CLI processes (bin/fgrun.cjs over dist/: run `npm run build` first).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateLogDir } from '../../src/instance/index.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { CLI, fixture } from '../helpers/fixtures.js';
import { zipFolder } from '../package/make-zip.js';
import { removeTempDirs, stillRunning, tempDir } from './processes.js';

afterAll(removeTempDirs);
const runtime = newestRuntime!;
const uid = userInfo().uid;

// Resolve once `stream` has printed something matching `pattern`.
function printed(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  let text = '';
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = pattern.exec(text);
      if (m) resolve(m);
    });
    stream.on('end', () => reject(new Error(`ended without ${pattern}: ${text}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<[number | null, string | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));

// A private TMPDIR holding the fault-children function as a zip (outside it, so only fgrun writes there).
async function setUp(): Promise<{ tmp: string; zip: string }> {
  const tmp = tempDir('fgrun-leftovers-');
  const zip = await zipFolder(fixture('fault-children'), join(tempDir('fgrun-zip-'), 'fn.zip'));
  return { tmp, zip };
}

describe.runIf(newestRuntime).concurrent('leftovers on signals', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s of `fgrun invoke x.zip` mid-request removes the unpacked package and kills the instance', async (signal) => {
    const { tmp, zip } = await setUp();
    const cli = spawn(process.execPath, [CLI, 'invoke', zip, '--python', runtime.path, '--timeout', '60', '--event', '{"sleep": 30}'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp },
    });
    const [, pid, child] = (await printed(cli.stderr!, /started (\d+) (\d+)\n/)).map(Number);
    expect(readdirSync(tmp).filter((n) => n.startsWith('fgrun-pkg-'))).toHaveLength(1);
    cli.kill(signal);
    expect(await exited(cli)).toEqual([null, signal]);
    expect(readdirSync(tmp)).toEqual([`fgrun-${uid}`]);
    expect(await stillRunning([pid!, child!])).toEqual([]);
  });

  it('SIGHUP of `fgrun serve x.zip` removes the unpacked package', async () => {
    const { tmp, zip } = await setUp();
    const serve = spawn(process.execPath, [CLI, 'serve', zip, '--python', runtime.path, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp },
    });
    await printed(serve.stdout!, /Press Ctrl-C to stop\./);
    expect(readdirSync(tmp).filter((n) => n.startsWith('fgrun-pkg-'))).toHaveLength(1);
    serve.kill('SIGHUP');
    expect(await exited(serve)).toEqual([null, 'SIGHUP']);
    expect(readdirSync(tmp).filter((n) => n.startsWith('fgrun-pkg-'))).toEqual([]);
  });
});

describe('the log folder', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('is created 0700 at both levels; an existing one of ours is tightened to 0700', () => {
    const base = tempDir();
    expect(privateLogDir(base)).toBe(join(base, `fgrun-${uid}`, 'logs'));
    expect([mode(join(base, `fgrun-${uid}`)), mode(join(base, `fgrun-${uid}`, 'logs'))]).toEqual([0o700, 0o700]);
    const loose = tempDir();
    mkdirSync(join(loose, `fgrun-${uid}`, 'logs'), { recursive: true, mode: 0o777 });
    privateLogDir(loose);
    expect([mode(join(loose, `fgrun-${uid}`)), mode(join(loose, `fgrun-${uid}`, 'logs'))]).toEqual([0o700, 0o700]);
  });

  it.each([
    ['fgrun-<uid> is a symbolic link', (base: string, elsewhere: string) => symlinkSync(elsewhere, join(base, `fgrun-${uid}`)), `fgrun-${uid}`, 'is a symbolic link'],
    ['logs is a symbolic link', (base: string, elsewhere: string) => {
      mkdirSync(join(base, `fgrun-${uid}`), { mode: 0o700 });
      symlinkSync(elsewhere, join(base, `fgrun-${uid}`, 'logs'));
    }, `fgrun-${uid}/logs`, 'is a symbolic link'],
  ] as const)('is refused when %s', (_, plant, where, why) => {
    const base = tempDir();
    plant(base, tempDir());
    expect(() => privateLogDir(base)).toThrow(expect.objectContaining({
      code: 'FGRUN_LOG_DIR_UNSAFE',
      message: `the functions' log folder ${join(base, where)} ${why}: fgrun keeps its logs only in a private folder of its own; remove it, or point TMPDIR at a folder of yours`,
    }));
  });

  it.runIf(uid === 0)('is refused when another user owns it (needs root to plant; skipped otherwise)', () => {
    const base = tempDir();
    mkdirSync(join(base, `fgrun-${uid}`), { mode: 0o700 });
    chownSync(join(base, `fgrun-${uid}`), 65534, 65534);
    expect(() => privateLogDir(base)).toThrow(`the functions' log folder ${join(base, `fgrun-${uid}`)} belongs to another user (uid 65534, fgrun runs as uid 0)`);
  });

  it.runIf(newestRuntime)('`fgrun invoke` with a planted link says so in one line and exits 2', () => {
    const base = tempDir();
    symlinkSync(tempDir(), join(base, `fgrun-${uid}`));
    const cli = spawnSync(process.execPath, [CLI, 'invoke', fixture('echo'), '--python', runtime.path], { encoding: 'utf8', env: { ...process.env, TMPDIR: base } });
    expect([cli.status, cli.stdout]).toEqual([2, '']);
    expect(cli.stderr).toBe(`fgrun: the functions' log folder ${join(base, `fgrun-${uid}`)} is a symbolic link: fgrun keeps its logs only in a private folder of its own; remove it, or point TMPDIR at a folder of yours\n`);
  });
});

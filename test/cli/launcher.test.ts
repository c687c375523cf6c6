// bin/fgrun.cjs runs the CLI bundle with V8's code cache (docs/cli.md): one per command, made on its
// first run, read on the next ones, remade when V8 rejects it, never written with
// FGRUN_CODE_CACHE=off, and this install's caches of other builds removed (another install's kept).
// Real processes: the launcher is what a real process runs first.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fgrun } from '../matrix/fgrun-cli.js';
import { ROOT } from '../helpers/fixtures.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// The launcher's install key: FNV-1a of the bundle's path, 8 hex digits.
function fnv(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

describe('the CLI launcher', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fgrun-launcher-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const bundle = statSync(join(ROOT, 'dist', 'cli-bundle', 'fgrun.cjs'));
  const install = `cli-${fnv(join(ROOT, 'dist', 'cli-bundle', 'fgrun.cjs'))}-`;
  const build = `${install}${process.version}-${process.arch}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}-`;
  const cacheName = `${build}main.v8`;
  const run = (xdg: string, extra: NodeJS.ProcessEnv = {}) => fgrun(['--version'], { env: { ...process.env, XDG_CACHE_HOME: xdg, ...extra } });

  it("writes the code cache on the first run, private, and removes this install's caches of other builds", async () => {
    const xdg = join(scratch, 'first');
    const folder = join(xdg, 'fgrun');
    await run(xdg, { FGRUN_CODE_CACHE: 'off' });
    expect(existsSync(folder)).toBe(false);
    // Caches of an earlier build (named per install, and before they were), another install's
    // cache, and a file that is not a cache.
    const otherInstall = 'cli-00000000-v20.0.0-x64-1-1-invoke.v8';
    mkdirSync(folder, { recursive: true });
    for (const name of [`${install}v20.0.0-x64-1-1-main.v8`, 'cli-v20.0.0-x64-1-1.v8', otherInstall]) writeFileSync(join(folder, name), 'old');
    writeFileSync(join(folder, 'interpreters.json'), '{}');
    const first = await run(xdg);
    expect(first).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(readdirSync(folder).sort()).toEqual([otherInstall, cacheName, 'interpreters.json'].sort());
    const file = join(folder, cacheName);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).size).toBeGreaterThan(100_000);
  });

  it('reads a good cache without rewriting it, and replaces one V8 rejects', async () => {
    const xdg = join(scratch, 'reuse');
    const file = join(xdg, 'fgrun', cacheName);
    await run(xdg);
    const made = readFileSync(file);
    const before = statSync(file).mtimeMs;
    expect(await run(xdg)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(statSync(file).mtimeMs).toBe(before);
    writeFileSync(file, Buffer.alloc(made.length, 7));
    expect(await run(xdg)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(readFileSync(file).equals(Buffer.alloc(made.length, 7))).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(100_000);
  });

  it('keeps one cache per command: a first `--help` leaves `event --help` and `event` their own', async () => {
    const xdg = join(scratch, 'commands');
    const folder = join(xdg, 'fgrun');
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    // An earlier build's cache is removed.
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${install}${process.version}-${process.arch}-1-1-main.v8`), 'old');
    expect((await fgrun(['--help'], { env })).code).toBe(0);
    const help = statSync(join(folder, `${build}main-help.v8`));
    expect((await fgrun(['event', '--help'], { env })).code).toBe(0);
    expect((await fgrun(['event', 'timer'], { env })).code).toBe(0);
    expect(readdirSync(folder).sort()).toEqual([`${build}event-help.v8`, `${build}event.v8`, `${build}main-help.v8`]);
    // Each command's cache holds what that command compiled: `event timer` compiles more than `--help`.
    expect(statSync(join(folder, `${build}event.v8`)).size).toBeGreaterThan(help.size);
    expect(statSync(join(folder, `${build}main-help.v8`)).mtimeMs).toBe(help.mtimeMs);
  });

  it('runs without a cache where the cache folder cannot be made', async () => {
    const blocker = join(scratch, 'blocked');
    writeFileSync(blocker, 'a file where the folder would go');
    expect(await run(blocker)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it("words a config error as the library does: zod's English messages are in the bundle", async () => {
    const dir = join(scratch, 'config-error');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.py'), 'def handler(event, context):\n    return 1\n');
    writeFileSync(join(dir, 'fgrun.json'), '{"functions": [{"func_name": "x", "code": ".", "timeout": "ten"}]}');
    expect(await fgrun(['invoke'], { cwd: dir })).toEqual({
      code: 2, stdout: '', stderr: `fgrun: config file ${join(dir, 'fgrun.json')}: functions[0].timeout must be a number, got "ten"\n`,
    });
  });
});


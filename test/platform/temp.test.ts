// fgrun's temporary folders come from `tmp` (src/platform/temp.ts) and nowhere else: a fresh private
// folder, removed at exit (tmp's graceful clean-up) and on a fatal signal (host-exit.ts calls each
// folder's removeCallback). The built module runs in a real Node process (`npm run build` first).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../../src/platform/index.js';
import { ROOT } from '../helpers/fixtures.js';
import { removeTempDirs, tempDir } from '../faults/processes.js';

afterAll(removeTempDirs);

// Every .ts file under src/, as a path relative to the repository.
function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(ROOT, join(dir, e.name))] : []);
}

// A Node process that makes a temporary folder (with a file in it) through the built module, prints
// its path, then ends as `how` says; resolves with the path and how the process ended.
function child(how: 'exit' | 'signal', tmpRoot: string): Promise<{ path: string; code: number | null; signal: string | null }> {
  const script = `
    const { tempFolder } = await import(${JSON.stringify(join(ROOT, 'dist', 'platform', 'index.js'))});
    const { writeFileSync } = await import('node:fs');
    const folder = tempFolder('fgrun-pkg-');
    writeFileSync(folder.path + '/inside.txt', 'x');
    console.log(folder.path);
    if (${JSON.stringify(how)} === 'exit') process.exit(3);
    setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmpRoot }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (how === 'signal' && out.endsWith('\n')) proc.kill('SIGTERM');
    });
    proc.on('exit', (code, signal) => resolve({ path: out.trim(), code, signal }));
  });
}

describe('temporary folders', () => {
  it('are made only by platform/temp.ts (tmp); os.tmpdir() is read only for the folders that persist by design', () => {
    const makers = sources().filter((f) => /\bmkdtemp(Sync)?\(|\.dirSync\(|\.fileSync\(|tmpNameSync\(/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(makers).toEqual(['src/platform/temp.ts']);
    const tmpdirReaders = sources().filter((f) => /\btmpdir\(\)/.test(readFileSync(join(ROOT, f), 'utf8'))).sort();
    // logs and runtime roots (instance/paths.ts), the build store (build/store.ts), the function's HOME (instance/environment.ts)
    expect(tmpdirReaders).toEqual(['src/build/store.ts', 'src/instance/environment.ts', 'src/instance/paths.ts']);
  });

  it('is private (0700), under TMPDIR, and removed with its contents by remove()', () => {
    const folder = tempFolder('fgrun-test-');
    expect(statSync(folder.path).mode & 0o777).toBe(0o700);
    expect(folder.path.startsWith(join(tmpdir(), 'fgrun-test-'))).toBe(true);
    folder.remove();
    folder.remove();
    expect(existsSync(folder.path)).toBe(false);
  });

  it.each(['exit', 'signal'] as const)('is removed with its contents when the host ends by %s', async (how) => {
    const root = tempDir('fgrun-temp-');
    const ended = await child(how, root);
    expect(ended.path.startsWith(join(root, 'fgrun-pkg-'))).toBe(true);
    expect([ended.code, ended.signal]).toEqual(how === 'exit' ? [3, null] : [null, 'SIGTERM']);
    expect(readdirSync(root)).toEqual([]);
  });
});

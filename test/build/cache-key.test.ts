// Issue 21, item 6: the build store keys a build on what requirements.txt points to, not only its
// bytes (two functions with the same `./wheels/mylib-1.0-...whl` line and different wheels get
// their own builds), and on the --find-links folders' content; and it refuses a build folder that
// another local user pre-created under the predictable key in a shared FGRUN_BUILD_CACHE.
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { fgrunInProcess as fgrun } from '../helpers/cli-io.js';
import { otherUser, otherUserSkip } from '../helpers/other-user.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { makeWheel } from './make-wheel.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-cache-key-'));
chmodSync(tmp, 0o755);
const cache = join(tmp, 'cache');
for (const key of Object.keys(process.env)) if (key.startsWith('PIP_')) delete process.env[key];
process.env['PIP_CONFIG_FILE'] = '/dev/null';
process.env['FGRUN_BUILD_CACHE'] = cache;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const runtime = newestRuntime!;
const LINE = './wheels/mylib-1.0-py2.py3-none-any.whl\n';

// A function folder whose wheels/ holds mylib 1.0 whose VERSION is `mark`, and whose body is it.
async function withWheel(name: string, mark: string): Promise<string> {
  const code = join(tmp, name);
  mkdirSync(join(code, 'wheels'), { recursive: true });
  const made = join(tmp, `made-${name}`);
  mkdirSync(made);
  await makeWheel(made, 'mylib', '1.0');
  // Same name and version, different content: the wheel's module says `mark`.
  const { makeZip } = await import('../package/make-zip.js');
  await makeZip(join(code, 'wheels', 'mylib-1.0-py2.py3-none-any.whl'), [
    { name: 'mylib/__init__.py', content: `VERSION = "${mark}"\n` },
    { name: 'mylib-1.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: mylib\nVersion: 1.0\n' },
    { name: 'mylib-1.0.dist-info/WHEEL', content: 'Wheel-Version: 1.0\nGenerator: fgrun-test\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n' },
    { name: 'mylib-1.0.dist-info/RECORD', content: '' },
  ]);
  writeFileSync(join(code, 'index.py'), 'import mylib\n\ndef handler(event, context):\n    return mylib.VERSION\n');
  writeFileSync(join(code, 'requirements.txt'), LINE);
  return code;
}

async function body(code: string): Promise<{ body: string; notices: string[] }> {
  const notices: string[] = [];
  const handle = await createFunction({ code, runtime: runtime.runtime }, { onNotice: (line) => notices.push(line) });
  try {
    const r = await handle.invoke({});
    return { body: r.status === 'success' ? r.body : `${r.status}: ${r.log}`, notices };
  } finally {
    await handle.close();
  }
}

describe.runIf(runtime)('the build cache key', () => {
  it('builds each function with its own wheel behind the same requirements.txt line', async () => {
    const a = await withWheel('fnA', 'from-A');
    const b = await withWheel('fnB', 'from-B');
    for (const code of [a, b]) expect((await fgrun(['build', code, '--runtime', runtime.runtime, '--no-index'])).code).toBe(0);
    expect(await body(a)).toEqual({ body: 'from-A', notices: [] });
    expect(await body(b)).toEqual({ body: 'from-B', notices: [] });
    // The wheel changes behind the same line: the build is out of date.
    cpSync(join(a, 'wheels'), join(b, 'wheels'), { recursive: true });
    expect((await body(b)).notices[0]).toContain('(or a local path it names) changed since its build');
  });

  it('keys on the --find-links folders\' content too', async () => {
    const code = join(tmp, 'links');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), 'import tinydep\n\ndef handler(event, context):\n    return tinydep.VERSION\n');
    writeFileSync(join(code, 'requirements.txt'), 'tinydep\n');
    const one = join(tmp, 'links-1');
    const two = join(tmp, 'links-2');
    mkdirSync(one);
    mkdirSync(two);
    await makeWheel(one, 'tinydep', '1.0');
    await makeWheel(two, 'tinydep', '2.0');
    const first = await fgrun(['build', code, '--runtime', runtime.runtime, '--no-index', '--find-links', one]);
    const second = await fgrun(['build', code, '--runtime', runtime.runtime, '--no-index', '--find-links', two]);
    expect([first.stdout, second.stdout]).toEqual([expect.stringContaining('tinydep 1.0'), expect.stringContaining('tinydep 2.0')]);
    expect((await body(code)).body).toBe('2.0');
  });
});

describe.skipIf(otherUserSkip !== null || !runtime)(`a shared FGRUN_BUILD_CACHE [${otherUserSkip ?? 'a second local user'}]`, () => {
  it('refuses a build folder another user pre-created under the predictable key', async () => {
    const code = await withWheel('victim', 'mine');
    const built = await fgrun(['build', code, '--runtime', runtime.runtime, '--no-index']);
    expect(built.code).toBe(0);
    // The attacker owns the folder the key names, with its own code in it.
    const folder = / in (\S+)\/site\n/.exec(built.stdout)![1]!;
    chownSync(folder, otherUser!.uid, otherUser!.gid);
    writeFileSync(join(folder, 'site', 'mylib', '__init__.py'), 'VERSION = "attacker"\n');
    const refused = await fgrun(['build', code, '--runtime', runtime.runtime, '--no-index']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(`fgrun: ${folder} belongs to another user (uid ${otherUser!.uid}, fgrun runs as uid ${process.getuid!()}): fgrun uses only build store entries of its own; remove it, or set FGRUN_BUILD_CACHE to a folder of yours\n`);
    const run = await body(code);
    expect(run.body).not.toBe('attacker');
    expect(run.notices).toEqual([`fgrun: ignoring the build of ${join(code, 'requirements.txt')} for ${runtime.runtime} (${runtime.version}): ${folder} belongs to another user (uid ${otherUser!.uid}, fgrun runs as uid ${process.getuid!()}); run \`fgrun build --runtime ${runtime.runtime}\` with a FGRUN_BUILD_CACHE of yours`]);
  });
});

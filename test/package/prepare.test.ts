// prepareCode(): zips become folders, reused while unchanged, replaced when changed, removed on exit.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackageError, prepareCode, removeUnpackedPackages } from '../../src/package/index.js';
import { fixture, ROOT } from '../helpers/fixtures.js';
import { makeZip } from './make-zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-prepare-'));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

const version = (zip: string, text: string) => makeZip(zip, [{ name: 'index.py', content: `VERSION = ${JSON.stringify(text)}\n` }]);

describe('prepareCode', () => {
  it('passes folders (and paths that do not exist) through unchanged', async () => {
    const input = { code: fixture('pkg-deps'), dependencies: [fixture('pkg-deps-lib'), 'missing/dir'], handler: 'index.handler' };
    expect(await prepareCode(input)).toEqual(input);
    expect(await prepareCode({ code: 'nowhere' })).toEqual({ code: 'nowhere' });
  });

  it('unpacks code and dependency zips, reusing the folder while the zip is unchanged', async () => {
    const zip = await version(join(tmp, 'app.zip'), 'one');
    const dep = await makeZip(join(tmp, 'dep.zip'), [{ name: 'depmod/__init__.py', content: 'X = 1\n' }]);
    const [a, b] = await Promise.all([prepareCode({ code: zip, dependencies: [dep] }), prepareCode({ code: zip })]);
    expect(a.code).toBe(b.code);
    expect(a.code.startsWith(join(tmpdir(), 'fgrun-pkg-'))).toBe(true);
    expect(readFileSync(join(a.code, 'index.py'), 'utf8')).toBe('VERSION = "one"\n');
    expect(readFileSync(join(a.dependencies![0]!, 'depmod', '__init__.py'), 'utf8')).toBe('X = 1\n');
    expect((await prepareCode({ code: zip })).code).toBe(a.code);

    await version(zip, 'two!');
    const two = await prepareCode({ code: zip });
    expect(two.code).not.toBe(a.code);
    expect(readFileSync(join(two.code, 'index.py'), 'utf8')).toBe('VERSION = "two!"\n');
    expect(existsSync(a.code)).toBe(true); // the previous version is kept for instances still running it

    await version(zip, 'three!!');
    const three = await prepareCode({ code: zip });
    expect(readFileSync(join(three.code, 'index.py'), 'utf8')).toBe('VERSION = "three!!"\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(a.code)).toBe(false); // the one before the previous is removed
    expect(existsSync(two.code)).toBe(true);
  });

  it('refuses a code zip over 50 MB, and a code file that is not a zip', async () => {
    const big = join(tmp, 'big.zip');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024 + 1);
    const error = (await prepareCode({ code: big }).catch((e: unknown) => e)) as PackageError;
    expect(error).toBeInstanceOf(PackageError);
    expect(error.code).toBe('FGRUN_PACKAGE_TOO_LARGE');
    expect(error.message).toBe(`code package ${big} (code) is 50 MB (52428801 bytes); FunctionGraph accepts at most 50 MB (52428800 bytes) for it. Make the package smaller (move libraries into dependency packages).`);
    const script = join(tmp, 'index.py');
    writeFileSync(script, '');
    const notZip = (await prepareCode({ code: fixture('pkg-deps'), dependencies: [script] }).catch((e: unknown) => e)) as PackageError;
    expect(notZip.code).toBe('FGRUN_PACKAGE_INVALID');
    expect(notZip.message).toBe(`dependencies[0] '${script}' is a file but not a .zip: give the folder holding the dependency or a .zip dependency package`);
  });

  it('removes the unpacked folders when the process exits', () => {
    const zip = join(tmp, 'exit.zip');
    execFileSync('cp', [join(tmp, 'app.zip'), zip]);
    const script = `import { prepareCode } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};\n` +
      `const ready = await prepareCode({ code: ${JSON.stringify(zip)} });\nconsole.log(ready.code);`;
    const folder = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(folder.startsWith(join(tmpdir(), 'fgrun-pkg-'))).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });
});

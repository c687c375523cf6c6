// Real functions from packages: a zip with a handler in a sub-folder, and dependency packages
// (zip and folder) on sys.path after the code root, in order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { prepareCode, removeUnpackedPackages } from '../../src/package/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';
import { cli, fgrun } from '../matrix/fgrun-cli.js';
import { makeZip, zipFolder } from './make-zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-zip-fn-'));
const appZip = join(tmp, 'app.zip');
const depZip = join(tmp, 'deps.zip');
beforeAll(async () => {
  await zipFolder(fixture('pkg-subfolder'), appZip);
  await zipFolder(fixture('pkg-deps-lib'), depZip);
});
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

describeEachRuntime('packages', (runtime) => {
  it('runs a zip whose handler is in a sub-folder (src/app/main.handler)', async () => {
    const handle = await createFunction(await prepareCode({ code: appZip, handler: 'src/app/main.handler', runtime: runtime.runtime }));
    try {
      const invocation = await handle.invoke({ word: 'packaged' });
      expect(invocation.status).toBe('success');
      expect(invocation.result).toEqual({ where: 'src/app/main.py', helper: 'PACKAGED!' });
    } finally {
      await handle.close();
    }
  });

  it('imports from dependency packages, the first one listed winning', async () => {
    const run = async (dependencies: string[]) => {
      const handle = await createFunction(await prepareCode({ code: fixture('pkg-deps'), dependencies, runtime: runtime.runtime, userData: { COLOUR: 'red' } }));
      try {
        return (await handle.invoke({})).result;
      } finally {
        await handle.close();
      }
    };
    const [zipFirst, folderFirst] = await Promise.all([run([depZip, fixture('pkg-deps-lib-shadow')]), run([fixture('pkg-deps-lib-shadow'), depZip])]);
    expect(zipFirst).toEqual({ dep: 'fgrun_demo_dep from a dependency package', origin: 'pkg-deps-lib', extra: 'extra from pkg-deps-lib-shadow', colour: 'red', env: 'red' });
    expect(folderFirst).toEqual({ dep: 'fgrun_demo_dep from the second dependency package', origin: 'pkg-deps-lib-shadow', extra: 'extra from pkg-deps-lib-shadow', colour: 'red', env: 'red' });
  });
}, ['Python2.7', 'Python3.12'], { concurrent: true });

describe.runIf(newestRuntime).concurrent('packages from the command line', () => {
  it('fgrun invoke app.zip runs the zip', async () => {
    const run = await fgrun(['invoke', appZip, '--handler', 'src/app/main.handler', '--event', '{"word": "cli"}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ where: 'src/app/main.py', helper: 'CLI!' });
  });

  it('a config file names a zip and a dependency zip, relative to itself', async () => {
    const config = join(tmp, 'fgrun.yaml');
    writeFileSync(config, 'code: app.zip\nhandler: src/app/main.handler\ndependencies:\n  - deps.zip\n');
    const run = await fgrun(['invoke', '--event', '{"word": "yaml"}'], { cwd: tmp });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ where: 'src/app/main.py', helper: 'YAML!' });
    const evil = join(tmp, 'evil.zip');
    await makeZip(evil, [{ name: '../evil.py', content: 'x' }]);
    const refused = await cli(['invoke', evil]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`fgrun: code package ${evil} (code): entry '../evil.py' holds a '..' segment, so it would be written outside the package's folder; re-create the zip with paths relative to its root; fgrun refused the package\n`);
  });
});

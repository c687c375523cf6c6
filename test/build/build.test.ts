// `fgrun build` offline: a wheel made here, installed with each runtime's own pip (--no-index
// --find-links), used by createFunction automatically; a changed requirements.txt is noticed and
// rebuilt; a failed pip run exits 2 and keeps the previous build.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgrunInProcess as fgrun } from '../helpers/cli-io.js';
import { createFunction } from '../../src/function/index.js';
import type { RuntimeInfo } from '../../src/runtimes/index.js';
import { describeEachRuntime, newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { makeZip } from '../package/make-zip.js';
import { makeWheel } from './make-wheel.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-build-test-'));
const cache = join(tmp, 'cache');
const wheels = join(tmp, 'wheels');
// Hermetic: this machine's pip settings (PIP_FIND_LINKS, pip.conf) must not reach the builds.
for (const key of Object.keys(process.env)) if (key.startsWith('PIP_')) delete process.env[key];
process.env['PIP_CONFIG_FILE'] = '/dev/null';
process.env['FGRUN_BUILD_CACHE'] = cache;

// A function whose body is the installed tinydep's VERSION.
function codeFolder(name: string, requirements: string): string {
  const code = join(tmp, name);
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, 'index.py'), 'import tinydep\n\ndef handler(event, context):\n    return tinydep.VERSION\n');
  writeFileSync(join(code, 'requirements.txt'), requirements);
  return code;
}

// The body of one invocation and the notices createFunction printed.
async function run(code: string, runtime: RuntimeInfo): Promise<{ body: string; notices: string[] }> {
  const notices: string[] = [];
  const handle = await createFunction({ code, runtime: runtime.runtime }, { onNotice: (line) => notices.push(line) });
  try {
    const invocation = await handle.invoke({});
    expect(invocation.status, invocation.log).toBe('success');
    return { body: invocation.body, notices };
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  mkdirSync(wheels);
  await makeWheel(wheels, 'tinydep', '1.0');
  await makeWheel(wheels, 'tinydep', '2.0');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const offline = ['--no-index', '--find-links', wheels];

describeEachRuntime('fgrun build', (runtime) => {
  it("installs requirements.txt with the runtime's own pip; the function imports it", async () => {
    const code = codeFolder(`each-${runtime.runtime}`, 'tinydep==1.0\n');
    const build = await fgrun(['build', code, '--runtime', runtime.runtime, ...offline]);
    expect(build.stderr).toContain(`[${runtime.runtime}] installing ${join(code, 'requirements.txt')} with ${runtime.path} -m pip\n`);
    expect(build.code, build.stderr).toBe(0);
    const site = new RegExp(`^${runtime.runtime} \\(${runtime.version}\\): built, 1 package in (\\S+/${runtime.runtime}-${runtime.version}-[0-9a-f]{20}/site)\\n  tinydep 1\\.0\\n$`);
    expect(build.stdout).toMatch(site);
    expect(readdirSync(code).sort()).toEqual(['index.py', 'requirements.txt']);
    expect(await run(code, runtime)).toEqual({ body: '1.0', notices: [] });
    const again = await fgrun(['build', code, '--runtime', runtime.runtime, ...offline]);
    expect(again.stdout).toMatch(new RegExp(`^${runtime.runtime} \\(${runtime.version}\\): up to date, 1 package in `));
  });
}, undefined, { concurrent: true });

describe.runIf(newestRuntime)('fgrun build: changes and failures', () => {
  const runtime = newestRuntime!;
  const which = `${runtime.runtime} (${runtime.version})`;

  it('a changed requirements.txt is noticed, rebuilt, and a failed pip run keeps the previous build', async () => {
    const code = codeFolder('changes', 'tinydep==1.0\n');
    const requirements = join(code, 'requirements.txt');
    expect((await fgrun(['build', code, '--runtime', runtime.runtime, ...offline])).code).toBe(0);
    writeFileSync(requirements, 'tinydep==2.0\n');
    const stale = await run(code, runtime);
    expect(stale.body).toBe('1.0');
    expect(stale.notices).toEqual([expect.stringMatching(new RegExp(`^fgrun: ${requirements} \\(or a local path it names\\) changed since its build for ${which.replace(/[().]/g, '\\$&')} of \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: running with that build; run \`fgrun build --runtime ${runtime.runtime}\` to update it$`))]);

    const rebuilt = await fgrun(['build', code, '--runtime', runtime.runtime, ...offline]);
    expect(rebuilt.stdout).toContain('): built, 1 package in ');
    expect(rebuilt.stdout).toContain('\n  tinydep 2.0\n');
    expect(await run(code, runtime)).toEqual({ body: '2.0', notices: [] });

    writeFileSync(requirements, 'tinydep==3.0\n');
    const failed = await fgrun(['build', code, '--runtime', runtime.runtime, ...offline]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    // pip's lines once, as they came; then its reason, and that the previous build is kept.
    expect(failed.stderr.split('\n').filter((l) => l.includes('No matching distribution found for tinydep==3.0'))).toHaveLength(2);
    expect(failed.stderr).toMatch(new RegExp(`fgrun: the build failed for 1 of 1 runtime:\n {2}${which.replace(/[().]/g, '\\$&')}: No matching distribution found for tinydep==3\\.0; the previous build of \\d{4}-[\\d:.TZ-]+ is kept, and the function runs with it\n$`));
    const kept = await run(code, runtime);
    expect(kept.body).toBe('2.0');
    expect(kept.notices[0]).toContain('changed since its build');
    expect(readdirSync(cache).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('says when requirements.txt has no build yet, and refuses a folder without one', async () => {
    const code = codeFolder('never-built', 'tinydep==1.0  # never built\n');
    const notices: string[] = [];
    const handle = await createFunction({ code, runtime: runtime.runtime }, { onNotice: (line) => notices.push(line) });
    await handle.close();
    expect(notices).toEqual([`fgrun: ${join(code, 'requirements.txt')} has no build for ${which}: run \`fgrun build --runtime ${runtime.runtime}\` to install its packages`]);
    const missing = await fgrun(['build', join(tmp, 'wheels'), '--runtime', runtime.runtime]);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `fgrun: ${join(wheels, 'requirements.txt')} not found: fgrun build installs the packages it lists\n` });
    const both = await fgrun(['build', code, '--runtime', runtime.runtime, '--runtimes', 'all']);
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'fgrun: pass --runtime or --runtimes, not both\n' });
  });
});

// Issue 19 item 4: every runtime is built that can be; one that fails is reported at the end.
describe.runIf(runtimesFound.some((r) => r.runtime === 'Python2.7') && runtimesFound.length >= 2)('fgrun build --runtimes all', () => {
  it('builds every runtime it can; a py3-only wheel fails on 2.7 alone, reported at the end with pip\'s reason (exit 1)', async () => {
    const py3 = join(tmp, 'py3-wheels');
    mkdirSync(py3, { recursive: true });
    const info = 'py3only-1.0.dist-info';
    await makeZip(join(py3, 'py3only-1.0-py3-none-any.whl'), [
      { name: 'py3only/__init__.py', content: 'VERSION = "py3"\n' },
      { name: `${info}/METADATA`, content: 'Metadata-Version: 2.1\nName: py3only\nVersion: 1.0\n' },
      { name: `${info}/WHEEL`, content: 'Wheel-Version: 1.0\nGenerator: fgrun-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n' },
      { name: `${info}/RECORD`, content: '' },
    ]);
    const code = join(tmp, 'across');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), 'import py3only\n\ndef handler(event, context):\n    return py3only.VERSION\n');
    writeFileSync(join(code, 'requirements.txt'), 'py3only==1.0\n');
    const run = await fgrun(['build', code, '--runtimes', 'all', '--no-index', '--find-links', py3]);
    expect(run.code).toBe(1);
    const others = runtimesFound.filter((r) => r.runtime !== 'Python2.7');
    for (const r of others) expect(run.stdout).toContain(`${r.runtime} (${r.version}): built, 1 package in `);
    const py27 = runtimesFound.find((r) => r.runtime === 'Python2.7')!;
    expect(run.stderr).toMatch(new RegExp(`fgrun: the build failed for 1 of ${runtimesFound.length} runtimes:\n {2}Python2\\.7 \\(${py27.version.replace(/\./g, '\\.')}\\): .*py3only==1\\.0.*; there is no previous build: the function runs without one\n$`));
    expect(run.stderr).not.toContain('the previous build is kept');
  });
});

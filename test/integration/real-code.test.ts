// Code written for the real service, the way its authors write it (issue 9): a context and logger
// kept from the initializer across warm requests, the logger as a real logging.Logger, the standard
// logging module, warnings and UTF-8 text on every runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle, type Invocation } from '../../src/index.js';
import { prepareCode, removeUnpackedPackages } from '../../src/package/index.js';
import { zipFolder } from '../package/make-zip.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-real-code-'));
// The cloud-layout fixture as the zip a user uploads: its base name is the function's name.
const zip = join(tmp, 'orders-api.zip');
beforeAll(() => zipFolder(fixture('cloud-layout'), zip));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;

// The log's lines between Start and Finish, each timestamp replaced by "T ".
function bodyLines(inv: Invocation): string[] {
  const lines = inv.log.split('\n');
  const start = lines.findIndex((l) => l.includes(' Start invoke request '));
  const finish = lines.findIndex((l) => l.includes(' Finish invoke request '));
  return lines.slice(start + 1, finish).map((l) => l.replace(STAMP, 'T '));
}

describeEachRuntime('real code', (runtime) => {
  const handles: FunctionHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });
  const file = `${fixture('real-logger')}/index.py`;
  const [major, minor] = runtime.version.split('.').map(Number) as [number, number];
  const py2 = major === 2;

  it('keeps the initializer\'s context and logger working across 3 warm requests; the logger is a real logging.Logger', async () => {
    const h = await createFunction({
      runtime: runtime.runtime, code: fixture('real-logger'), initializer: 'index.init', initializerTimeout: 1, timeout: 10,
      name: 'kept-context', memorySize: 256, userData: { COLOR: 'blue', RUNTIME_LOG_LEVEL: 'DEBUG' },
      credentials: { securityAccessKey: 'AK-1', securitySecretKey: 'SK-1', securityToken: 'ST-1', token: 'TK-1' },
    });
    handles.push(h);
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    const runs: Invocation[] = [];
    for (const [i, requestId] of ids.entries()) runs.push(await h.invoke({ n: i + 1 }, { requestId }));
    const config = ['kept-context', 'latest', 256, 400, 'local', 'default', '', 'blue', 'AK-1', 'SK-1', 'ST-1', 'TK-1', ''];
    for (const [i, inv] of runs.entries()) {
      expect(inv.status, inv.log).toBe('success');
      const r = inv.result as Record<string, unknown>;
      // The initializer ran with the first request's id; every context keeps its own.
      expect(r.ids).toEqual([ids[0], ids[0], ids[i]]);
      expect(r.oldConfig).toEqual(config);
      expect(r.firstConfig).toEqual(config);
      // Running time is each context's own phase: the initializer's 1 s, the handler's 10 s.
      expect(r.runningTimes).toEqual([1, 10, 10]);
      expect([r.isLogger, r.sameLogger]).toEqual([true, true]);
      const [firstLeft, ownLeft, bound] = r.left as [number, number, number];
      expect(Number.isInteger(firstLeft) && Number.isInteger(ownLeft)).toBe(true);
      // The first request's context counts from its own start (the host answers while it runs).
      if (i > 0) expect(firstLeft).toBeLessThanOrEqual(bound);
      expect(firstLeft).toBeGreaterThan(0);
      expect(ownLeft).toBeGreaterThan(0);
      expect(ownLeft).toBeLessThanOrEqual(10000);
      // A logger kept from an old context writes into the running request's log, with its id.
      expect(bodyLines(inv).slice(-2)).toEqual([
        `T ${ids[i]} INFO request ${i + 1} via the initializer's logger`,
        `T ${ids[i]} WARNING request ${i + 1} via the old context`,
      ]);
    }
    expect((runs[2]!.result as { initLeft: number }).initLeft).toBe(0);
    expect(runs[0]!.log).toMatch(new RegExp(`^\\d{4}-[^ ]+Z ${ids[0]} INFO initializer ran\\n`));

    const division = py2 ? 'integer division or modulo by zero' : 'division by zero';
    const carets = major === 3 && minor >= 11 ? ['    ~~^~~'] : [];
    const id = ids[0];
    expect((runs[0]!.result as { enabled: boolean[] }).enabled).toEqual([true, true, true, true, true, false]);
    expect(bodyLines(runs[0]!)).toEqual([
      `T ${id} DEBUG debug shown at RUNTIME_LOG_LEVEL=DEBUG`,
      `T ${id} INFO info count=3`,
      `T ${id} WARNING warning w`,
      `T ${id} WARNING warn plain`,
      `T ${id} ERROR error [1]`,
      `T ${id} ERROR caught it`,
      'Traceback (most recent call last):',
      `  File "${file}", line 35, in exercise_logger`,
      '    1 / 0',
      ...carets,
      `ZeroDivisionError: ${division}`,
      `T ${id} CRITICAL critical`,
      `T ${id} CRITICAL fatal`,
      `T ${id} INFO log at INFO`,
      `T ${id} Level 25 custom level`,
      `T ${id} WARNING shown after setLevel`,
      `T ${id} INFO root info`,
      `T ${id} DEBUG root debug`,
      `T ${id} WARNING library warning 7`,
      `${file}:51: UserWarning: deprecated thing`,
      '  warnings.warn("deprecated thing")',
      `T ${id} INFO 中文日志`,
      `T ${id} INFO 中文 参数`,
      `T ${id} INFO 中文 参数`,
      `T ${id} INFO ü|ü|'ascii'`,
      `T ${id} INFO 中文 root ü`,
      `T ${id} INFO request 1 via the initializer's logger`,
      `T ${id} WARNING request 1 via the old context`,
    ]);
  });

  it('writes only the lines RUNTIME_LOG_LEVEL lets through, for the context logger and the root logger', async () => {
    const h = await createFunction({
      runtime: runtime.runtime, code: fixture('real-logger'), initializer: 'index.init', timeout: 10, userData: { RUNTIME_LOG_LEVEL: 'error' },
    });
    handles.push(h);
    const inv = await h.invoke({ n: 1 }, { requestId: 'level-error' });
    expect(inv.status, inv.log).toBe('success');
    expect((inv.result as { enabled: boolean[] }).enabled).toEqual([false, false, false, true, true, false]);
    const lines = bodyLines(inv).filter((l) => l.startsWith('T '));
    expect(lines).toEqual([
      'T level-error ERROR error [1]',
      'T level-error ERROR caught it',
      'T level-error CRITICAL critical',
      'T level-error CRITICAL fatal',
      'T level-error WARNING shown after setLevel',
      // The function set its logger to DEBUG; the root logger stays at ERROR.
      'T level-error INFO 中文日志',
      'T level-error INFO 中文 参数',
      'T level-error INFO 中文 参数',
      "T level-error INFO ü|ü|'ascii'",
      "T level-error INFO request 1 via the initializer's logger",
      'T level-error WARNING request 1 via the old context',
    ]);
    expect(inv.log).not.toContain('initializer ran');
  });

  it('runs in the cloud\'s layout (code/ under the working directory) and imports only the standard library, its code and its dependencies', async () => {
    const site = join(dirname(dirname(runtime.path)), 'lib', `python${major}.${minor}`, 'site-packages');
    const hint = `'pip' is installed in this interpreter (${site}), but a FunctionGraph function only sees the standard library, its code and its dependency packages: add it with \`fgrun build\` (requirements.txt) or a dependency package, or pass --host-site-packages (config: host_site_packages) to use the interpreter's packages locally`;
    const noPip = py2 ? 'No module named pip' : "No module named 'pip'";
    const [zipped, hosted, needsPip] = await Promise.all([
      createFunction(await prepareCode({ runtime: runtime.runtime, code: zip })),
      createFunction({ runtime: runtime.runtime, code: fixture('cloud-layout'), hostSitePackages: true }),
      createFunction({ runtime: runtime.runtime, code: fixture('cloud-layout'), handler: 'needs_pip.handler' }),
    ]);
    handles.push(zipped, hosted, needsPip);
    expect(zipped.config.name).toBe('orders-api');
    const same = { codeRootIsCodeUnderCwd: true, codeRootIsHere: true, relative: { ok: '[app]\ncolour = green\n' }, bare: py2 ? 'IOError' : 'FileNotFoundError', viaCodeRoot: '[app]\ncolour = green\n', tmp: 'written', exit: true };
    const isolated = await zipped.invoke({});
    expect(isolated.result).toEqual({ ...same, pip: { error: py2 ? 'ImportError' : 'ModuleNotFoundError', message: noPip }, sitePackagesOnPath: [], name: ['orders-api', 'orders-api'] });
    const raised = await zipped.invoke({ raise: true });
    expect(raised.error!.errorMessage).toBe(`function invocation exception, error: ${noPip}; ${hint}`);
    expect((await hosted.invoke({})).result).toEqual({ ...same, pip: { ok: 'pip' }, sitePackagesOnPath: [site], name: ['cloud-layout', 'cloud-layout'] });
    const fault = await needsPip.invoke({});
    expect(fault.status).toBe('error');
    expect(fault.error!.errorMessage).toBe(`function entry exception, error: failed to import module 'needs_pip'(${noPip}; ${hint})`);
  });
}, undefined, { concurrent: true });

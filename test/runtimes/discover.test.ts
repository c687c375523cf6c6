import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverRuntimes, inspectRuntimes, RUNTIME_IDS } from '../../src/runtimes/index.js';
import { systemPaths } from '../../src/runtimes/candidates.js';
import { buildFor, expectedFromPyenv, fakePyenvRoot, PYENV_ROOT, removeTempDirs, tempDir } from './pyenv-builds.js';

afterAll(removeTempDirs);

const py39 = buildFor('Python3.9');
const py312 = buildFor('Python3.12');
const shimsDir = join(PYENV_ROOT, 'shims');

// An environment that sees only the real pyenv builds (no PATH) and keeps its cache in a temp dir.
function pyenvOnlyEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: '', HOME: tempDir('home'), PYENV_ROOT, XDG_CACHE_HOME: tempDir('cache'), ...extra };
}

describe('discoverRuntimes', { timeout: 30_000 }, () => {
  it('finds every supported runtime pyenv holds, with exact versions, oldest -> newest', async () => {
    const expected = expectedFromPyenv();
    expect(expected.length).toBeGreaterThan(0);
    expect(await discoverRuntimes({ env: pyenvOnlyEnv() })).toEqual(expected);
  });

  it('sees through pyenv shims on the real PATH: never records a shim', async () => {
    const found = await discoverRuntimes({ env: { ...process.env, XDG_CACHE_HOME: tempDir('cache') } });
    expect(found.map(({ runtime, path, version }) => ({ runtime, path, version }))).toEqual(
      expectedFromPyenv().map(({ runtime, path, version }) => ({ runtime, path, version })),
    );
    for (const info of found) expect(info.path).not.toContain('/shims/');
  });

  it.skipIf(py39 === undefined || !existsSync(join(shimsDir, 'python3.9')))(
    'takes pythonX.Y from PATH through a working shim, recording the real interpreter',
    async () => {
      const env = pyenvOnlyEnv({ PATH: `${shimsDir}:/usr/bin:/bin`, PYENV_VERSION: py39!.version });
      const [, , report39] = await inspectRuntimes({ env });
      expect(report39).toEqual({
        runtime: 'Python3.9',
        found: { runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'path' },
        reason: null,
        tried: [
          { candidate: '$FGRUN_PYTHON_3_9', source: 'env', outcome: 'not set' },
          { candidate: join(shimsDir, 'python3.9'), source: 'path', outcome: `found Python ${py39!.version} at ${py39!.real}` },
        ],
      });
    },
  );

  it.skipIf(py39 === undefined || py312 === undefined || !existsSync(join(shimsDir, 'python3.9')))(
    'treats a shim whose version is not installed as a failed candidate',
    async () => {
      const env = pyenvOnlyEnv({ PATH: `${shimsDir}:/usr/bin:/bin`, PYENV_VERSION: py312!.version });
      const [, , report39] = await inspectRuntimes({ env });
      expect(report39?.found).toEqual({ runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'pyenv' });
      expect(report39?.tried[1]?.candidate).toBe(join(shimsDir, 'python3.9'));
      expect(report39?.tried[1]?.outcome).toMatch(/^exited with code \d+: pyenv: python3\.9: command not found$/);
    },
  );

  it.skipIf(py39 === undefined)('uses FGRUN_PYTHON_3_9 before PATH and pyenv', async () => {
    const found = await discoverRuntimes({ env: pyenvOnlyEnv({ FGRUN_PYTHON_3_9: py39!.binary }) });
    expect(found.find((info) => info.runtime === 'Python3.9')).toEqual({
      runtime: 'Python3.9',
      path: py39!.real,
      version: py39!.version,
      source: 'env',
    });
  });

  it.skipIf(py39 === undefined || py312 === undefined)('rejects FGRUN_PYTHON_3_9 pointing at Python 3.12 and goes on', async () => {
    const reports = await inspectRuntimes({ env: pyenvOnlyEnv({ FGRUN_PYTHON_3_9: py312!.binary }) });
    const report39 = reports.find((report) => report.runtime === 'Python3.9');
    expect(report39?.tried[0]).toEqual({ candidate: py312!.binary, source: 'env', outcome: `is Python ${py312!.version}, not 3.9` });
    expect(report39?.found).toEqual({ runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'pyenv' });
  });

  it('records why an FGRUN_PYTHON_X_Y value cannot be run', async () => {
    const dir = tempDir('bad');
    const notExecutable = join(dir, 'python3.6');
    writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    const cases: Array<[string, string, string]> = [
      ['FGRUN_PYTHON_2_7', dir, 'not a file'],
      ['FGRUN_PYTHON_3_6', notExecutable, 'not executable'],
      ['FGRUN_PYTHON_3_9', join(dir, 'missing'), 'not found'],
      ['FGRUN_PYTHON_3_10', 'no-such-python', 'not found on PATH'],
    ];
    const env = Object.fromEntries(cases.map(([name, value]) => [name, value]));
    const reports = await inspectRuntimes({ env: { ...env, PATH: '/usr/bin:/bin' } });
    expect(reports.slice(0, 4).map((report) => report.tried[0])).toEqual(
      cases.map(([, value, outcome]) => ({ candidate: value, source: 'env', outcome })),
    );
  });

  it.skipIf(py39 === undefined || py312 === undefined)('discovers only what a fake PYENV_ROOT holds, in pyenv order', async () => {
    const root = fakePyenvRoot({
      '3.9.99-debug/bin/python3.9': py312!.binary,
      '3.9.20/bin/python3.9': py312!.binary,
      '3.9.3/bin/python3.9': py39!.binary,
      [`${py312!.version}/bin/python3.12`]: py312!.binary,
    });
    const env = { PATH: '', HOME: tempDir('home'), PYENV_ROOT: root, XDG_CACHE_HOME: tempDir('cache') };
    const reports = await inspectRuntimes({ env });
    const found = reports.flatMap((report) => (report.found === null ? [] : [report.found]));
    expect(found.filter((info) => info.source !== 'system')).toEqual([
      { runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'pyenv' },
      { runtime: 'Python3.12', path: py312!.real, version: py312!.version, source: 'pyenv' },
    ]);
    expect(reports.find((report) => report.runtime === 'Python3.9')?.tried).toEqual([
      { candidate: '$FGRUN_PYTHON_3_9', source: 'env', outcome: 'not set' },
      { candidate: 'python3.9 on PATH', source: 'path', outcome: 'PATH is empty' },
      { candidate: join(root, 'versions/3.9.20/bin/python3.9'), source: 'pyenv', outcome: `is Python ${py312!.version}, not 3.9` },
      { candidate: join(root, 'versions/3.9.3/bin/python3.9'), source: 'pyenv', outcome: `found Python ${py39!.version} at ${py39!.real}` },
    ]);
    expect(reports.find((report) => report.runtime === 'Python3.6')?.tried.slice(0, 3)).toEqual([
      { candidate: '$FGRUN_PYTHON_3_6', source: 'env', outcome: 'not set' },
      { candidate: 'python3.6 on PATH', source: 'path', outcome: 'PATH is empty' },
      { candidate: join(root, 'versions', '3.6.*'), source: 'pyenv', outcome: 'no 3.6.* version installed' },
    ]);
  });
});

describe('inspectRuntimes', { timeout: 30_000 }, () => {
  it('reports every supported runtime, in order, even with an empty environment', async () => {
    const reports = await inspectRuntimes({ env: {} });
    expect(reports.map((report) => report.runtime)).toEqual([...RUNTIME_IDS]);
    for (const report of reports) {
      expect(report.tried.slice(0, 3).map((entry) => entry.source)).toEqual(['env', 'path', 'pyenv']);
      expect(report.tried[2]?.outcome).toBe('PYENV_ROOT and HOME are not set');
      if (report.found === null) expect(report.reason).toMatch(/^no Python \d\.\d+ interpreter found$/);
    }
  });

  it('tries the system paths last, in order, the FunctionGraph image included', async () => {
    expect(systemPaths('Python2.7')).toEqual([
      '/usr/local/bin/python2.7',
      '/usr/bin/python2.7',
      '/opt/function/runtime/python2.7/rtsp/python/bin/python',
    ]);
    expect(systemPaths('Python3.12')).toEqual([
      '/usr/local/bin/python3.12',
      '/usr/bin/python3.12',
      '/opt/function/runtime/python3.12/rtsp/python/bin/python3',
    ]);
    for (const report of await inspectRuntimes({ env: {} })) {
      const system = report.tried.filter((entry) => entry.source === 'system').map((entry) => entry.candidate);
      expect(system).toEqual(systemPaths(report.runtime).slice(0, system.length));
      if (report.found === null) expect(system).toHaveLength(3);
    }
  });
});

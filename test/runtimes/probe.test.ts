import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { probeEnv, runProbe } from '../../src/runtimes/probe.js';
import { pyenvBuilds, removeTempDirs, tempDir } from './pyenv-builds.js';

afterAll(removeTempDirs);

const builds = [...pyenvBuilds().values()];

describe('runProbe', { timeout: 30_000 }, () => {
  it('has pyenv builds to probe on this machine', () => {
    expect(builds.length).toBeGreaterThan(0);
  });

  it.each(builds)('reads version and sys.executable from Python $version', async ({ version, binary, real }) => {
    const [major, minor, micro] = version.split('.').map(Number);
    expect(await runProbe(binary, {})).toEqual({ ok: true, interpreter: { path: real, major, minor, micro } });
  });

  it('fails an interpreter on which the bootstrap does not import, with the exception', async () => {
    const script = join(tempDir('probe'), 'no-runner');
    const python = builds[builds.length - 1]!.real;
    const halt = 'import runpy, sys; sys.modules["fgrun_runner"] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")';
    writeFileSync(script, `#!/bin/sh\nexec ${python} -c '${halt}' "$@"\n`, { mode: 0o755 });
    const result = await runProbe(script, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^exited with code 1: (ModuleNotFound|Import)Error: import of fgrun_runner halted; None in sys\.modules$/);
  });

  it('reports an interpreter that exits with an error, with its first stderr line', async () => {
    const script = join(tempDir('probe'), 'broken');
    writeFileSync(script, '#!/bin/sh\necho "first problem" >&2\necho "second" >&2\nexit 3\n', { mode: 0o755 });
    expect(await runProbe(script, { PATH: '/usr/bin:/bin' })).toEqual({ ok: false, reason: 'exited with code 3: first problem' });
  });

  it('reports a program that answers something other than the probe', async () => {
    const script = join(tempDir('probe'), 'chatty');
    writeFileSync(script, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    expect(await runProbe(script, { PATH: '/usr/bin:/bin' })).toEqual({
      ok: false,
      reason: "printed something other than the probe's answer: hello",
    });
  });

  it('reports a candidate that cannot be started', async () => {
    expect(await runProbe('/nonexistent/python3.9', {})).toEqual({ ok: false, reason: 'cannot run it (ENOENT)' });
  });
});

describe('probeEnv', () => {
  it('passes PATH, HOME and the pyenv variables, nothing else', () => {
    const env = { PATH: '/bin', HOME: '/h', PYENV_ROOT: '/p', PYENV_VERSION: '3.9.18', AWS_SECRET_ACCESS_KEY: 'x', PYTHONPATH: '/evil' };
    expect(probeEnv(env)).toEqual({ PATH: '/bin', HOME: '/h', PYENV_ROOT: '/p', PYENV_VERSION: '3.9.18' });
    expect(probeEnv({})).toEqual({});
  });
});

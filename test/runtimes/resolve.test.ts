import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, RuntimeError } from '../../src/errors.js';
import { discoverRuntimes, resolveRuntime, RUNTIME_IDS } from '../../src/runtimes/index.js';
import { buildFor, expectedFromPyenv, fakePyenvRoot, PYENV_ROOT, pyenvBuilds, removeTempDirs, tempDir } from './pyenv-builds.js';

afterAll(removeTempDirs);

const py39 = buildFor('Python3.9');
const py312 = buildFor('Python3.12');
const py311 = pyenvBuilds().get('3.11');

// Sees the real pyenv builds only, with its own cache dir.
function pyenvOnlyEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: '', HOME: tempDir('home'), PYENV_ROOT, XDG_CACHE_HOME: tempDir('cache'), ...extra };
}

// The rejection of a promise, to assert on its fields.
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('resolveRuntime', { timeout: 30_000 }, () => {
  it('without a runtime picks the newest supported one found', async () => {
    expect(await resolveRuntime(undefined, { env: pyenvOnlyEnv() })).toEqual(expectedFromPyenv().at(-1));
  });

  it.skipIf(py39 === undefined)('accepts any letter case and returns the canonical id', async () => {
    const expected = { runtime: 'Python3.9', path: py39!.real, version: py39!.version, source: 'pyenv' };
    expect(await resolveRuntime('python3.9', { env: pyenvOnlyEnv() })).toEqual(expected);
    expect(await resolveRuntime('PYTHON3.9', { env: pyenvOnlyEnv() })).toEqual(expected);
  });

  it.skipIf(py39 === undefined)('prefers FGRUN_PYTHON_3_9 to pyenv', async () => {
    expect(await resolveRuntime('Python3.9', { env: pyenvOnlyEnv({ FGRUN_PYTHON_3_9: py39!.binary }) })).toEqual({
      runtime: 'Python3.9',
      path: py39!.real,
      version: py39!.version,
      source: 'env',
    });
  });

  it.each(['Python3.7', 'Ruby', 'python3', ''])('rejects the unknown runtime %j with FGRUN_RUNTIME_UNKNOWN', async (id) => {
    const error = await rejection(resolveRuntime(id, { env: {} }));
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.code).toBe('FGRUN_RUNTIME_UNKNOWN');
    expect(error.message).toBe(
      `Unknown runtime "${id}". Supported runtimes: Python2.7, Python3.6, Python3.9, Python3.10, Python3.12 (any letter case, e.g. python3.9).`,
    );
  });

  it('with an empty environment throws FGRUN_RUNTIME_NOT_FOUND saying how to point fgrun at one', async () => {
    const found = await discoverRuntimes({ env: {} });
    const missing = RUNTIME_IDS.find((id) => !found.some((info) => info.runtime === id));
    expect(missing).toBeDefined();
    const error = await rejection(resolveRuntime(missing, { env: {} }));
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.code).toBe('FGRUN_RUNTIME_NOT_FOUND');
    const label = missing!.slice('Python'.length);
    const variable = `FGRUN_PYTHON_${label.replace('.', '_')}`;
    expect(error.message.split('\n')).toEqual([
      `No Python ${label} interpreter was found for runtime ${missing}.`,
      'Supported runtimes: Python2.7, Python3.6, Python3.9, Python3.10, Python3.12.',
      `Found: ${found.length === 0 ? 'none' : found.map((info) => `${info.runtime} (${info.version} at ${info.path})`).join(', ')}.`,
      'Tried:',
      `  ${missing}  $${variable} [env]: not set`,
      `  ${missing}  python${label} on PATH [path]: PATH is empty`,
      `  ${missing}  $PYENV_ROOT/versions/${label}.* [pyenv]: PYENV_ROOT and HOME are not set`,
      `  ${missing}  /usr/local/bin/python${label} [system]: not found`,
      `  ${missing}  /usr/bin/python${label} [system]: not found`,
      `  ${missing}  /opt/function/runtime/python${label}/rtsp/python/bin/${label === '2.7' ? 'python' : 'python3'} [system]: not found`,
      `To use one: set ${variable}=/path/to/python${label}, pass --python /path/to/python${label} (or set pythonPath in the config),` +
        ` or install it with \`pyenv install ${label}\`.`,
    ]);
    expect(error.details?.['runtime']).toBe(missing);
    expect(error.details?.['supported']).toEqual([...RUNTIME_IDS]);
  });

  it.skipIf(py39 === undefined || py312 === undefined)('lists what WAS found when the requested runtime is missing', async () => {
    const root = fakePyenvRoot({ [`${py312!.version}/bin/python3.12`]: py312!.binary });
    const error = await rejection(resolveRuntime('Python3.9', { env: { PATH: '', PYENV_ROOT: root, XDG_CACHE_HOME: tempDir('cache') } }));
    expect(error.code).toBe('FGRUN_RUNTIME_NOT_FOUND');
    expect(error.message).toContain(`\nFound: Python3.12 (${py312!.version} at ${py312!.real}).\n`);
    expect(error.message).toContain(`  Python3.9  ${join(root, 'versions', '3.9.*')} [pyenv]: no 3.9.* version installed\n`);
    expect(error.message).toContain('FGRUN_PYTHON_3_9=/path/to/python3.9');
  });

  it('with no runtime and nothing anywhere names FGRUN_PYTHON_X_Y', async () => {
    const found = await discoverRuntimes({ env: {} });
    if (found.length > 0) return expect(await resolveRuntime(undefined, { env: {} })).toEqual(found.at(-1));
    const error = await rejection(resolveRuntime(undefined, { env: {} }));
    expect(error.code).toBe('FGRUN_RUNTIME_NOT_FOUND');
    expect(error.message.split('\n')[0]).toBe('No Python interpreter for any supported runtime was found.');
    expect(error.message).toContain('set FGRUN_PYTHON_3_12=/path/to/python3.12 (FGRUN_PYTHON_X_Y for runtime PythonX.Y), pass --python');
  });
});

describe('resolveRuntime with pythonPath (--python)', { timeout: 30_000 }, () => {
  it.skipIf(py39 === undefined)('uses the given interpreter, with source config', async () => {
    expect(await resolveRuntime('Python3.9', { env: pyenvOnlyEnv(), pythonPath: py39!.binary })).toEqual({
      runtime: 'Python3.9',
      path: py39!.real,
      version: py39!.version,
      source: 'config',
    });
  });

  it.skipIf(py312 === undefined)('without a runtime takes the runtime from the interpreter', async () => {
    expect(await resolveRuntime(undefined, { env: pyenvOnlyEnv(), pythonPath: py312!.binary })).toEqual({
      runtime: 'Python3.12',
      path: py312!.real,
      version: py312!.version,
      source: 'config',
    });
  });

  it.skipIf(py312 === undefined)('rejects a version that is not the runtime\'s with a ConfigError naming --python', async () => {
    const error = await rejection(resolveRuntime('Python3.9', { env: pyenvOnlyEnv(), pythonPath: py312!.binary }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `--python ${py312!.binary} is Python ${py312!.version}, but runtime Python3.9 needs Python 3.9. ` +
        `Point --python (or the config's pythonPath) at a python3.9, or drop it to let fgrun discover one.`,
    );
  });

  it.skipIf(py311 === undefined)('rejects an interpreter of no supported runtime when none was requested', async () => {
    const error = await rejection(resolveRuntime(undefined, { env: pyenvOnlyEnv(), pythonPath: py311!.binary }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`is Python ${py311!.version}, which serves no supported runtime`);
  });

  it('rejects a path that does not exist, naming --python', async () => {
    const error = await rejection(resolveRuntime('Python3.9', { env: pyenvOnlyEnv(), pythonPath: '/nonexistent/python3.9' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      "--python /nonexistent/python3.9 cannot be used: not found. Pass the path of a working Python interpreter to --python (or the config's pythonPath).",
    );
  });

  it.skipIf(py312 === undefined)('keeps a virtual environment\'s own python instead of its base interpreter', async () => {
    const venv = join(tempDir('venv'), 'env');
    execFileSync(py312!.binary, ['-m', 'venv', '--without-pip', venv], { env: { PATH: '/usr/bin:/bin' } });
    const env = pyenvOnlyEnv();
    // Warm the caches with the base interpreter first: the venv must not inherit its answer.
    await resolveRuntime('Python3.12', { env });
    expect(await resolveRuntime('Python3.12', { env, pythonPath: join(venv, 'bin', 'python') })).toEqual({
      runtime: 'Python3.12',
      path: join(venv, 'bin', 'python'),
      version: py312!.version,
      source: 'config',
    });
  });
});

// runMatrix() as a library: skipped runtimes with their reason, the reference and the diffs,
// bounded parallelism, zips, and usage errors reported before anything runs.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, RuntimeError } from '../../src/errors.js';
import { mapBounded } from '../../src/matrix/bounded.js';
import { canonicalJson, runMatrix, sameOutcome, toJUnit, unifiedDiff, type MatrixProgress, type MatrixRow } from '../../src/matrix/index.js';
import { fixture } from '../helpers/fixtures.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { zipFolder } from '../package/make-zip.js';
import { removeUnpackedPackages } from '../../src/package/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-run-matrix-'));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

const py27 = runtimesFound.find((r) => r.runtime === 'Python2.7');
const py312 = runtimesFound.find((r) => r.runtime === 'Python3.12');

// An environment where discovery finds only the given pyenv builds (the others are skipped).
function onlyBuilds(versions: string[]): NodeJS.ProcessEnv {
  const root = join(tmp, `pyenv-${versions.join('-')}`);
  mkdirSync(join(root, 'versions'), { recursive: true });
  for (const version of versions) symlinkSync(join(homedir(), '.pyenv', 'versions', version), join(root, 'versions', version));
  return { PATH: '/usr/bin:/bin', HOME: tmp, PYENV_ROOT: root, XDG_CACHE_HOME: join(tmp, 'cache') };
}

describe.runIf(py27 && py312)('runMatrix with some runtimes missing', () => {
  it('skips them with the reason, compares the rest with the newest, and reports the diff', async () => {
    const progress: MatrixProgress[] = [];
    const env = onlyBuilds([py27!.version, py312!.version]);
    const report = await runMatrix({ code: fixture('matrix-differ') }, [{ name: 'default', event: {} }], { env, concurrency: 1, onProgress: (p) => progress.push(p) });
    expect(report.name).toBe('matrix-differ');
    expect(report.reference).toBe('Python3.12');
    expect(report.skipped).toEqual(['Python3.6', 'Python3.9', 'Python3.10']);
    expect(report.failed).toBe(0);
    expect(report.differing).toBe(1);
    expect(report.rows.map((r) => [r.runtime, r.status, r.agrees, r.reason])).toEqual([
      ['Python2.7', 'success', false, null],
      ['Python3.6', 'skipped', null, 'no Python 3.6 interpreter found'],
      ['Python3.9', 'skipped', null, 'no Python 3.9 interpreter found'],
      ['Python3.10', 'skipped', null, 'no Python 3.10 interpreter found'],
      ['Python3.12', 'success', true, null],
    ]);
    expect(report.differences).toEqual([{
      function: 'matrix-differ', event: 'default', runtime: 'Python2.7', reference: 'Python3.12',
      diff: '--- Python3.12 (reference)\n+++ Python2.7\n  {\n    "operands": [\n      7,\n      2\n    ],\n-   "quotient": 3.5\n+   "quotient": 3\n  }\n',
    }]);
    // concurrency 1: each runtime starts only after the previous one finished.
    expect(progress.map((p) => (p.type === 'row' ? `row ${p.row.runtime}` : `${p.type} ${p.runtime}`))).toEqual([
      'start Python2.7', 'row Python2.7', 'skipped Python3.6', 'skipped Python3.9', 'skipped Python3.10', 'start Python3.12', 'row Python3.12',
    ]);
    const xml = toJUnit(report);
    expect(xml).toContain('<testsuites name="fgrun matrix matrix-differ" tests="5" failures="1" errors="0" skipped="3" ');
    expect(xml).toContain('<testcase name="default" classname="matrix-differ.Python3.6" time="0.000">\n      <skipped message="no Python 3.6 interpreter found"/>\n    </testcase>');
    expect(toJUnit(report, { allowDiff: true })).toContain('tests="5" failures="0" errors="0" skipped="3"');
  });

  it('throws FGRUN_RUNTIME_NOT_FOUND when no selected runtime is here', async () => {
    const env = onlyBuilds([py312!.version]);
    const error = await runMatrix({ code: fixture('matrix-agree') }, [], { env, runtimes: ['Python3.6', 'Python3.9'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('FGRUN_RUNTIME_NOT_FOUND');
    expect((error as RuntimeError).message).toBe('none of the selected runtimes has an interpreter here (Python3.6: no Python 3.6 interpreter found; Python3.9: no Python 3.9 interpreter found); run fgrun runtimes to see where fgrun looked');
  });
});

describe.runIf(runtimesFound.length > 0)('runMatrix inputs', () => {
  it('takes a .zip code package', async () => {
    const zip = await zipFolder(fixture('matrix-agree'), join(tmp, 'agree.zip'));
    const newest = runtimesFound[runtimesFound.length - 1]!;
    const report = await runMatrix({ code: zip, name: 'agree' }, [{ name: 'two', event: { numbers: [2, 3] } }], { runtimes: [newest.runtime] });
    expect(report.rows.map((r) => [r.runtime, r.status, r.result])).toEqual([[newest.runtime, 'success', { sum: 5, count: 2, greeting: 'hello world' }]]);
  });

  it('reports configuration errors once, before any runtime runs', async () => {
    const progress: MatrixProgress[] = [];
    // @ts-expect-error 100 MB is no FunctionGraph size: the type refuses it, and so does the run-time check tested here.
    const bad = await runMatrix({ code: fixture('matrix-agree'), memorySize: 100 }, [], { onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).details.field).toBe('memorySize');
    const python = await runMatrix({ code: fixture('matrix-agree'), pythonPath: '/usr/bin/python3' }, []).catch((e: unknown) => e);
    expect((python as ConfigError).message).toBe('pythonPath (--python) names one interpreter, but a matrix runs several runtimes; point fgrun at each with FGRUN_PYTHON_X_Y instead (see fgrun runtimes)');
    expect(progress).toEqual([]);
  });
});

describe('comparing and diffing outcomes', () => {
  const row = (over: Partial<MatrixRow>): MatrixRow => ({
    function: 'f', runtime: 'Python3.9', python: '3.9.18', event: 'e', status: 'success', result: null, body: '', error: null, summary: null, agrees: null, reason: null, log: '', shard: null, ...over,
  });

  it('compares JSON by value, text as text, and failures without their tracebacks', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(sameOutcome(row({ result: { a: 1, b: 2 }, body: '{"a": 1, "b": 2}' }), row({ result: { b: 2, a: 1 }, body: '{"b": 2, "a": 1}' }))).toBe(true);
    expect(sameOutcome(row({ result: '3', body: '3' }), row({ result: 3, body: '3' }))).toBe(false);
    expect(sameOutcome(row({ result: { body: '{"a": 1, "b": [{"c": 2, "d": 3}]}' }, body: '-' }), row({ result: { body: '{"b": [{"d": 3, "c": 2}], "a": 1}' }, body: '-' }))).toBe(true);
    expect(sameOutcome(row({ result: { body: '{"a": 1}' }, body: '-' }), row({ result: { body: '{"a": 2}' }, body: '-' }))).toBe(false);
    expect(canonicalJson({ body: '{"b": 1, "a": 2}', text: '{not json' })).toBe('{"body":"{\\"a\\":2,\\"b\\":1}","text":"{not json"}');
    expect(sameOutcome(row({ body: '' }), row({ result: null, body: 'null' }))).toBe(false);
    const error = (trace: string[]) => row({ status: 'error', error: { errorMessage: 'function invocation exception, error: boom', errorType: 'ValueError', stackTrace: trace } });
    expect(sameOutcome(error(['File "index.py", line 3']), error(['  File "index.py", line 3, in handler']))).toBe(true);
    expect(sameOutcome(error([]), row({ status: 'timeout', error: { errorMessage: 'x', errorType: 'ValueError', stackTrace: [] } }))).toBe(false);
  });

  it('shows short texts whole and long ones as hunks with three lines of context', () => {
    expect(unifiedDiff('a\nb', 'a\nb', 'x', 'y')).toBe('');
    expect(unifiedDiff('a\nb\nc', 'a\nB\nc', 'left', 'right')).toBe('--- left\n+++ right\n  a\n- b\n+ B\n  c\n');
    const long = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const changed = long.map((l, i) => (i === 15 ? 'changed' : l));
    expect(unifiedDiff(long.join('\n'), changed.join('\n'), 'a', 'b')).toBe(
      ['--- a', '+++ b', '...', '  line 12', '  line 13', '  line 14', '- line 15', '+ changed', '  line 16', '  line 17', '  line 18', '...', ''].join('\n'),
    );
  });

  it('runs at most `limit` tasks at once, keeping results in order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n * 3));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

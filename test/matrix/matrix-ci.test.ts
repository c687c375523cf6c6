// `fgrun matrix` in CI, in-process through main(argv, io) on real interpreters: --ignore for fields
// that change per run, the result column, --require-all, an unwritable --junit, --shard and --merge.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIgnorePaths, parseShard, withoutIgnored } from '../../src/matrix/index.js';
import { shardRange } from '../../src/matrix/shard.js';
import { fixture } from '../helpers/fixtures.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { cli as runCli } from './fgrun-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-matrix-ci-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const reference = newestRuntime!;
const py27 = runtimesFound.find((r) => r.runtime === 'Python2.7');
const tableRows = (stdout: string) => stdout.split('\n').filter((l) => /^(\S+ +)?Python\d\.\d+ +\d/.test(l));

describe('--ignore paths', () => {
  it('drops keys, indexes, wildcards and fields inside a JSON string body, leaving the value itself alone', () => {
    const value = { requestId: 'r', items: [{ id: 1, v: 'a' }, { id: 2, v: 'b' }], body: '{"time": 1.5, "ok": true}', headers: { date: 'd', kept: 'k' } };
    const paths = parseIgnorePaths(['requestId', 'items.*.id', 'body.time', 'headers.date', 'missing.path', 'items[5]']);
    expect(withoutIgnored(value, paths)).toEqual({ items: [{ v: 'a' }, { v: 'b' }], body: { ok: true }, headers: { kept: 'k' } });
    expect(withoutIgnored([10, 20, 30], parseIgnorePaths(['[1]']))).toEqual([10, 30]);
    expect(value.headers.date).toBe('d');
  });

  it('refuses a malformed path, naming the flag', () => {
    expect(() => parseIgnorePaths(['a..b'])).toThrow('--ignore "a..b": has an empty step (two dots, or a dot at an end); write a path into the result such as requestId, body.time, headers.date or items[0].id');
    expect(() => parseIgnorePaths([' '])).toThrow('--ignore " ": is empty;');
    expect(() => parseIgnorePaths(['a[x]'])).toThrow(`--ignore "a[x]": 'a[x]' is not a key or key[index];`);
  });
});

describe('--shard I/N', () => {
  it('splits the cells into contiguous blocks that cover each cell once and differ by at most one', () => {
    for (const [total, count] of [[20, 3], [5, 5], [2, 4], [7, 1]] as const) {
      const sizes: number[] = [];
      let next = 0;
      for (let index = 1; index <= count; index++) {
        const { start, end } = shardRange(total, { index, count });
        expect(start).toBe(next);
        next = end;
        sizes.push(end - start);
      }
      expect(next).toBe(total);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('refuses anything but I/N with 1 <= I <= N', () => {
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0']) {
      expect(() => parseShard(bad)).toThrow(`--shard "${bad}": write I/N with 1 <= I <= N, e.g. --shard 1/3 in the first of three CI jobs`);
    }
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
  });
});

describe.runIf(runtimesFound.length >= 2)('fgrun matrix on a function that returns its request id and the time', () => {
  it('differs without --ignore (exit 1) and agrees with it (exit 0), saying what was ignored', async () => {
    const plain = await runCli(['matrix', fixture('matrix-volatile')]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain(`-   "requestId": "`);
    const ignored = await runCli(['matrix', fixture('matrix-volatile'), '--ignore', 'requestId']);
    expect(ignored.stderr).toContain('fgrun matrix: Python2.7, Python3.6, Python3.9, Python3.10, Python3.12 (');
    expect(ignored.code).toBe(0);
    expect(ignored.stdout.trimEnd().split('\n').pop()).toBe(`OK: ${runtimesFound.length} runtimes agree with ${reference.runtime}; ignored: requestId.`);
  });

  it('ignores body.time and headers.date of an APIG response, and shows its statusCode in the result column', async () => {
    const args = ['matrix', fixture('matrix-volatile'), '--event', '{"mode": "apig", "name": "ci"}'];
    expect((await runCli(args)).code).toBe(1);
    const run = await runCli([...args, '--ignore', 'body.time', '--ignore', 'headers.date']);
    expect(run.code).toBe(0);
    const rows = tableRows(run.stdout);
    expect(rows).toHaveLength(runtimesFound.length);
    for (const line of rows) expect(line).toMatch(/ statusCode 200 \{"greeting": "hello ci", "time":… +(same|reference)$/);
    const wide = await runCli([...args, '--ignore', 'body.time', '--ignore', 'headers.date', '--wide', '--runtimes', reference.runtime]);
    expect(tableRows(wide.stdout)[0]).toMatch(/ statusCode 200 \{.*"greeting": "hello ci".*\} +reference$/);
    expect(tableRows(wide.stdout)[0]).toContain('"time": ');
  });

  it('shows the start of an error message without FunctionGraph\'s prefix', async () => {
    const run = await runCli(['matrix', fixture('matrix-agree'), '--runtimes', reference.runtime, '--event', '{"numbers": "not a list"}']);
    expect(run.code).toBe(1);
    expect(tableRows(run.stdout)[0]).toMatch(/ error +\d+\.\d{3} ms +\d+\.\d MB +TypeError: unsupported operand type\(s\) for \+: '… +reference$/);
  });
});

describe('an unwritable --junit path', () => {
  it('is exit 2 before anything runs', async () => {
    const nowhere = join(tmp, 'no-such-folder', 'matrix.xml');
    const run = await runCli(['matrix', fixture('matrix-agree'), '--junit', nowhere]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `fgrun: --junit ${nowhere}: the folder ${join(tmp, 'no-such-folder')} does not exist; give a path in a folder that exists and that you can write to\n` });
    const folder = await runCli(['matrix', fixture('matrix-agree'), '--junit', tmp]);
    expect(folder).toEqual({ code: 2, stdout: '', stderr: `fgrun: --junit ${tmp}: is a folder; give a path in a folder that exists and that you can write to\n` });
  });
});

// Discovery sees only the given pyenv builds: the other runtimes are missing.
function onlyBuilds(versions: string[]): NodeJS.ProcessEnv {
  const root = join(tmp, `pyenv-${versions.join('-')}`);
  mkdirSync(join(root, 'versions'), { recursive: true });
  for (const version of versions) symlinkSync(join(homedir(), '.pyenv', 'versions', version), join(root, 'versions', version));
  return { PATH: '/usr/bin:/bin', HOME: tmp, PYENV_ROOT: root, XDG_CACHE_HOME: join(tmp, 'cache') };
}

describe.runIf(py27 && reference.runtime === 'Python3.12')('fgrun matrix with runtimes missing', () => {
  it('says in words how many were skipped, and fails with --require-all (text and JUnit)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, onlyBuilds([py27!.version, reference.version]));
    try {
      const skipped = await runCli(['matrix', fixture('matrix-agree')]);
      expect(skipped.code).toBe(0);
      expect(skipped.stdout.trimEnd().split('\n').pop()).toBe('OK: 2 runtimes agree with Python3.12; 3 runtimes skipped, no interpreter found: Python3.6, Python3.9, Python3.10 (--require-all fails the run instead).');
      const junit = join(tmp, 'required.xml');
      const required = await runCli(['matrix', fixture('matrix-agree'), '--require-all', '--junit', junit]);
      expect(required.code).toBe(1);
      expect(required.stdout.trimEnd().split('\n').pop()).toBe('FAILED: 3 runtimes missing with --require-all (Python3.6, Python3.9, Python3.10).');
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toContain('<testsuites name="fgrun matrix matrix-agree" tests="5" failures="3" errors="0" skipped="0" ');
      expect(xml).toContain('<testcase name="{}" classname="matrix-agree.Python3.6" time="0.000">\n      <failure message="Python3.6 is required (--require-all): no Python 3.6 interpreter found" type="RuntimeMissing"/>\n    </testcase>');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe.runIf(py27 && runtimesFound.length >= 2)('fgrun matrix --shard and --merge over a config file of two functions', () => {
  const config = join(tmp, 'fgrun.json');
  writeFileSync(config, JSON.stringify({ functions: [
    { func_name: 'agree', code: fixture('matrix-agree') },
    { func_name: 'differ', code: fixture('matrix-differ') },
  ] }));
  const events = ['--event', '{"a": 9, "b": 4, "name": "x"}', '--event', '{"a": 1, "b": 1, "name": "y"}'];
  const cells = 2 * runtimesFound.length * 2;
  const shardFile = (i: number) => join(tmp, `shard-${i}.json`);

  it('runs every function when no --function picks one, with a FUNCTION column', async () => {
    const whole = await runCli(['matrix', '--config', config, ...events]);
    expect(whole.code).toBe(1);
    const lines = tableRows(whole.stdout);
    expect(lines).toHaveLength(cells);
    expect(whole.stdout.split('\n')[0]).toMatch(/^FUNCTION +RUNTIME +PYTHON +EVENT +STATUS/);
    expect(lines.filter((l) => l.endsWith('DIFFERS')).map((l) => l.split(/ +/).slice(0, 4).join(' '))).toEqual([
      'differ Python2.7 2.7.18 event-1',
    ]);
    expect(whole.stdout).toContain('differ: Python2.7 differs from ' + reference.runtime + ' on event event-1:');
    expect(whole.stderr).toContain(`fgrun matrix: 2 functions, `);
  });

  it('splits the cells over three shards that --merge joins into the whole report', async () => {
    const sizes: number[] = [];
    for (const i of [1, 2, 3]) {
      const run = await runCli(['matrix', '--config', config, ...events, '--shard', `${i}/3`, '--json']);
      expect(run.code).toBe(0);
      writeFileSync(shardFile(i), run.stdout);
      const rows = JSON.parse(run.stdout) as Array<{ shard: unknown; agrees: unknown }>;
      sizes.push(rows.length);
      for (const row of rows) expect(row).toMatchObject({ shard: { index: i, count: 3, cells }, agrees: null });
    }
    expect(sizes.reduce((a, b) => a + b)).toBe(cells);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);

    const junit = join(tmp, 'merged.xml');
    const merged = await runCli(['matrix', '--merge', shardFile(1), shardFile(2), shardFile(3), '--junit', junit]);
    expect(merged.stderr).toBe(`fgrun matrix: merged 3 files, ${cells} cells\n`);
    expect(merged.code).toBe(1);
    expect(tableRows(merged.stdout)).toHaveLength(cells);
    expect(merged.stdout.trimEnd().split('\n').pop()).toBe(`FAILED: 1 of ${runtimesFound.length} runtimes differ from ${reference.runtime} (Python2.7).`);
    expect(merged.stdout).toContain('differ: Python2.7 differs from ' + reference.runtime + ' on event event-1:\n');
    expect(readFileSync(junit, 'utf8')).toContain(`tests="${cells}" failures="1" errors="0" skipped="0"`);
    expect((await runCli(['matrix', '--merge', shardFile(1), shardFile(2), shardFile(3), '--allow-diff'])).code).toBe(0);
  });

  it('refuses a missing shard, a shard given twice, a file that is not matrix JSON, and --merge with CODE', async () => {
    expect(await runCli(['matrix', '--merge', shardFile(1), shardFile(3)])).toEqual({ code: 2, stdout: '', stderr: 'fgrun: --merge: shard 2/3 is missing; pass the JSON file of every shard\n' });
    expect((await runCli(['matrix', '--merge', shardFile(1), shardFile(1), shardFile(2), shardFile(3)])).stderr).toMatch(/^fgrun: --merge: agree on Python2\.7 with event event-1 appears twice; each shard's file once, please\n$/);
    const notMatrix = join(tmp, 'not-matrix.json');
    writeFileSync(notMatrix, '{"rows": []}');
    expect((await runCli(['matrix', '--merge', notMatrix])).stderr).toBe(`fgrun: --merge ${notMatrix}: not the JSON of fgrun matrix --json (at the top: Invalid input: expected array, received object)\n`);
    expect((await runCli(['matrix', fixture('matrix-agree'), '--merge', shardFile(1)])).stderr).toBe('fgrun: --merge joins the results of shards that already ran; it runs nothing, so CODE has no use here: drop it\n');
  });
});

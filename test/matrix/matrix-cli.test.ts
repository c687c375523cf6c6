// `fgrun matrix` on real interpreters: a function whose result differs between Python 2 and 3
// (exit 1, the diff, JSON and JUnit parsed) and one that agrees everywhere (exit 0).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixtures.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { cli, fgrun } from './fgrun-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-matrix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const py2 = runtimesFound.find((r) => r.runtime === 'Python2.7');
const py3 = runtimesFound.filter((r) => r.runtime !== 'Python2.7');
const reference = newestRuntime!;

interface XmlElement { tag: string; attrib: Record<string, string>; text: string; children: XmlElement[] }

// Parse XML with a real parser: Python's xml.etree, from the interpreter the tests already use.
function parseXml(file: string): XmlElement {
  const script = [
    'import json, sys, xml.etree.ElementTree as ET',
    'def el(e): return {"tag": e.tag, "attrib": dict(e.attrib), "text": (e.text or ""), "children": [el(c) for c in e]}',
    'print(json.dumps(el(ET.parse(sys.argv[1]).getroot())))',
  ].join('\n');
  return JSON.parse(execFileSync(reference.path, ['-c', script, file], { encoding: 'utf8' })) as XmlElement;
}

describe.runIf(py2 && py3.length > 0).concurrent('fgrun matrix on a function that differs between Python 2 and 3', () => {
  it('exits 1, shows the diff against the newest runtime, and says which runtime differs', async () => {
    const run = await fgrun(['matrix', fixture('matrix-differ')]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^RUNTIME +PYTHON +EVENT +STATUS +DURATION +MAX MEMORY +RESULT +VS ${reference.runtime.replace('.', '\\.')}$`));
    expect(lines[1]).toMatch(/^Python2\.7 +2\.7\.\d+ +\{\} +success +\d+\.\d{3} ms +\d+\.\d MB +\{"operands":\[7,2\],"quotient":3\} +DIFFERS$/);
    for (const [i, runtime] of py3.entries()) {
      const verdict = runtime === reference ? 'reference' : 'same';
      expect(lines[2 + i]).toMatch(new RegExp(`^${runtime.runtime.replace('.', '\\.')} +${runtime.version.replace(/\./g, '\\.')} +\\{\\} +success +.* \\{"operands":\\[7,2\\],"quotient":3\\.5\\} +${verdict}$`));
    }
    const diff = run.stdout.slice(run.stdout.indexOf('Python2.7 differs'));
    expect(diff).toBe([
      `Python2.7 differs from ${reference.runtime} on event {}:`,
      `  --- ${reference.runtime} (reference)`,
      '  +++ Python2.7',
      '    {',
      '      "operands": [',
      '        7,',
      '        2',
      '      ],',
      '  -   "quotient": 3.5',
      '  +   "quotient": 3',
      '    }',
      '',
      `FAILED: 1 of ${runtimesFound.length} runtimes differ from ${reference.runtime} (Python2.7).`,
      '',
    ].join('\n'));
    expect(run.stderr).toContain(`fgrun matrix: Python2.7, Python3.6, Python3.9, Python3.10, Python3.12 (`);
    expect(run.stderr).toMatch(/ {2}Python2\.7 \(2\.7\.\d+\) \{\}: success in \d+\.\d{3} ms\n/);
  });

  it('prints rows as JSON and writes JUnit XML that a real parser reads', async () => {
    const junit = join(tmp, 'differ.xml');
    const run = await cli(['matrix', fixture('matrix-differ'), '--json', '--junit', junit, '--event', '{"a": 9, "b": 4}']);
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.runtime)).toEqual(runtimesFound.map((r) => r.runtime));
    for (const row of rows) {
      const two = row.runtime === 'Python2.7';
      expect(Object.keys(row)).toEqual(['function', 'runtime', 'python', 'event', 'status', 'result', 'body', 'error', 'summary', 'agrees', 'reason', 'log', 'shard']);
      expect(row).toMatchObject({ function: 'matrix-differ', shard: null });
      expect(row.log).toMatch(/Start invoke request/);
      expect(row).toMatchObject({ python: runtimesFound.find((r) => r.runtime === row.runtime)!.version, event: 'event', status: 'success', error: null, agrees: !two, reason: null });
      expect(row.result).toEqual({ quotient: two ? 2 : 2.25, operands: [9, 4] });
      expect(JSON.parse(row.body as string)).toEqual(row.result);
      expect(row.summary).toMatchObject({ memorySizeMb: 128, coldStart: true });
    }
    const root = parseXml(junit);
    expect(root.tag).toBe('testsuites');
    expect(root.attrib).toMatchObject({ name: 'fgrun matrix matrix-differ', tests: String(runtimesFound.length), failures: '1', errors: '0', skipped: '0' });
    expect(root.children.map((s) => s.attrib.name)).toEqual(runtimesFound.map((r) => r.runtime));
    for (const suite of root.children) {
      const two = suite.attrib.name === 'Python2.7';
      expect(suite.attrib).toMatchObject({ tests: '1', failures: two ? '1' : '0', errors: '0', skipped: '0' });
      const [properties, testcase] = suite.children;
      expect(properties!.children[0]!.attrib).toEqual({ name: 'python', value: runtimesFound.find((r) => r.runtime === suite.attrib.name)!.version });
      expect(testcase!.attrib).toMatchObject({ name: 'event', classname: `matrix-differ.${suite.attrib.name}` });
      const failure = testcase!.children.find((c) => c.tag === 'failure');
      if (two) {
        expect(failure!.attrib).toEqual({ message: `result differs from ${reference.runtime}`, type: 'ResultDiffers' });
        expect(failure!.text).toContain('-   "quotient": 2.25\n+   "quotient": 2\n');
      } else {
        expect(failure).toBeUndefined();
      }
      expect(testcase!.children.find((c) => c.tag === 'system-out')!.text).toMatch(/Start invoke request '[0-9a-f-]{36}', version: latest\n.*Finish invoke request/s);
    }
  });

  it('exits 0 with --allow-diff, and runs only the runtimes asked for', async () => {
    const run = await cli(['matrix', fixture('matrix-differ'), '--allow-diff', '--runtimes', `python2.7,${reference.runtime}`]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => /^Python\S+ +\d/.test(l)).map((l) => l.split(' ')[0])).toEqual(['Python2.7', reference.runtime]);
    expect(run.stdout).toContain(`OK (--allow-diff): 1 of 2 runtimes differ from ${reference.runtime}: Python2.7.`);
  });
});

describe.runIf(runtimesFound.length > 0).concurrent('fgrun matrix on a function that agrees', () => {
  it('exits 0 with every runtime the same, for each event of --events', async () => {
    const events = join(tmp, 'events');
    rmSync(events, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', events]);
    writeFileSync(join(events, 'b-name.json'), '{"name": "matrix"}');
    writeFileSync(join(events, 'a-numbers.json'), '{"numbers": [10, 20, 30, 40]}');
    const run = await cli(['matrix', fixture('matrix-agree'), '--events', events, '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ runtime: string; event: string; result: unknown; agrees: boolean }>;
    expect(rows).toHaveLength(runtimesFound.length * 2);
    for (const row of rows) {
      expect(row.agrees).toBe(true);
      expect(row.result).toEqual(row.event === 'a-numbers.json' ? { sum: 100, count: 4, greeting: 'hello world' } : { sum: 6, count: 3, greeting: 'hello matrix' });
    }
    const text = await cli(['matrix', fixture('matrix-agree')]);
    expect(text.code).toBe(0);
    expect(text.stdout.trimEnd().split('\n').pop()).toBe(`OK: ${runtimesFound.length} runtimes agree with ${reference.runtime}.`);
  });

  it('compares JSON held in a string (an APIG body) by value: 2.7\'s key order is no difference', async () => {
    const run = await cli(['matrix', fixture('matrix-json-body'), '--json']);
    const rows = JSON.parse(run.stdout) as Array<{ runtime: string; agrees: boolean; result: { body: string } }>;
    expect([run.code, rows.map((r) => [r.runtime, r.agrees])]).toEqual([0, runtimesFound.map((r) => [r.runtime, true])]);
    const bodies = new Set(rows.map((r) => r.result.body));
    // The strings really differ where 2.7 ran beside a 3.x runtime (3.6+ keep insertion order).
    expect(bodies.size).toBe(py2 && py3.length > 0 ? 2 : 1);
    for (const body of bodies) expect(JSON.parse(body)).toEqual({ statusCode: 200, message: 'hello', runtime: 'any', items: [1, 2], ok: true });
  });

  it('exits 1 when the function fails, naming the error', async () => {
    const run = await cli(['matrix', fixture('matrix-agree'), '--runtimes', reference.runtime, '--event', '{"numbers": "not a list"}']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ error +.*TypeError: /);
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('FAILED: 1 request failed.');
  });

  it('exits 2 for usage errors', async () => {
    const unknown = await cli(['matrix', fixture('matrix-agree'), '--runtimes', 'Python3.8']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("fgrun: --runtimes: 'Python3.8' is not a FunctionGraph Python runtime; use all or a comma-separated list of Python2.7, Python3.6, Python3.9, Python3.10, Python3.12\n");
    const single = await cli(['matrix', fixture('matrix-agree'), '--runtime', 'Python3.9']);
    expect(single.code).toBe(2);
    expect(single.stderr).toBe('fgrun: --runtime picks one runtime; a matrix runs several: use --runtimes Python3.9\n');
    const badEvents = await cli(['matrix', fixture('matrix-agree'), '--events', join(tmp, 'nowhere')]);
    expect(badEvents.code).toBe(2);
    expect(badEvents.stderr).toBe(`fgrun: --events ${join(tmp, 'nowhere')}: cannot read the folder (ENOENT)\n`);
  });
});

// Config files from the command line: --config, --function, the file found in the current folder,
// and flags overriding the file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { cli, fgrun } from '../matrix/fgrun-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-cli-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const several = join(tmp, 'several.json');
writeFileSync(several, JSON.stringify({
  functions: [
    { func_name: 'agree', code: fixture('matrix-agree'), memory_size: 256 },
    { func_name: 'deps', code: fixture('pkg-deps'), dependencies: [fixture('pkg-deps-lib')], user_data: { COLOUR: 'blue' }, memory_size: 256 },
  ],
}));

describe.runIf(newestRuntime).concurrent('fgrun invoke --config', () => {
  it('runs the function --function names, flags overriding the file', async () => {
    const run = await cli(['invoke', '--config', several, '--function', 'deps', '--memory', '512', '--env', 'COLOUR=green', '--json']);
    expect(run.code).toBe(0);
    const invocation = JSON.parse(run.stdout);
    expect(invocation.result).toEqual({ dep: 'fgrun_demo_dep from a dependency package', origin: 'pkg-deps-lib', extra: null, colour: 'green', env: 'green' });
    expect(invocation.summary.memorySizeMb).toBe(512);
    const plain = await cli(['invoke', '--config', several, '--function', 'deps', '--json']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ result: { colour: 'blue' }, summary: { memorySizeMb: 256 } });
  });

  it('reads fgrun.json from the current folder when CODE is not given; CODE replaces its code', async () => {
    const dir = join(tmp, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'fgrun.json'), JSON.stringify({ func_name: 'here', code: fixture('matrix-agree'), handler: 'index.handler' }));
    const run = await fgrun(['invoke', '--event', '{"numbers": [5]}'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ sum: 5, count: 1, greeting: 'hello world' });
    const other = await fgrun(['invoke', fixture('matrix-differ'), '--config', join(dir, 'fgrun.json')], { cwd: tmp });
    expect(JSON.parse(other.stdout)).toMatchObject({ operands: [7, 2] });
  });

  it('exits 2 naming the file and the field, or asking for --function', async () => {
    const pick = await cli(['invoke', '--config', several]);
    expect(pick.code).toBe(2);
    expect(pick.stderr).toBe(`fgrun: config file ${several} holds several functions (agree, deps): choose one with --function <name>\n`);
    const unknown = await cli(['invoke', '--config', several, '--function', 'nope']);
    expect(unknown.stderr).toBe(`fgrun: --function nope: config file ${several} has no function with that func_name; it has agree, deps\n`);
    const alone = await cli(['invoke', fixture('matrix-agree'), '--function', 'x']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('fgrun: --function x picks a function of a config file: pass --config <file> too\n');
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, `code: ${fixture('matrix-agree')}\ntimeout: 1\n`);
    const invalid = await cli(['invoke', '--config', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(`fgrun: config file ${bad}: timeout must be at least 3 (seconds) (got 1)\n`);
    const matrix = await cli(['matrix', '--config', bad]);
    expect(matrix.code).toBe(2);
    expect(matrix.stderr).toBe(`fgrun: config file ${bad}: timeout must be at least 3 (seconds) (got 1)\n`);
  });
});

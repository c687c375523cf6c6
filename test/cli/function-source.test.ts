// The one rule every command resolves CODE, --config, --function and the flags by (docs/cli.md,
// "Which function runs"); `scope` is the only difference between invoke/build and serve/matrix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { functionSources, type SourceFlags } from '../../src/cli/function-source.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-function-source-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
for (const folder of ['a-code', 'b-code', 'here/only-code']) mkdirSync(join(tmp, folder), { recursive: true });
const several = join(tmp, 'several.json');
writeFileSync(several, JSON.stringify({ functions: [{ func_name: 'a', code: 'a-code', memory_size: 256 }, { func_name: 'b', code: 'b-code' }] }));
const here = join(tmp, 'here');
writeFileSync(join(here, 'fgrun.json'), JSON.stringify({ func_name: 'only', code: 'only-code' }));

const names = async (code: string | undefined, flags: SourceFlags, scope: 'one' | 'every', cwd = tmp) =>
  (await functionSources(code, flags, scope, cwd)).inputs.map((f) => [f.name, f.code, f.memorySize]);

describe('which function runs', () => {
  it('takes CODE and the flags when there is no config file, in either scope', async () => {
    for (const scope of ['one', 'every'] as const) {
      expect(await names(join(tmp, 'fn'), { memory: '512' }, scope)).toEqual([[undefined, join(tmp, 'fn'), 512]]);
    }
  });

  it('reads the file found in the current folder only when CODE is not given; CODE then replaces its code', async () => {
    expect(await names(undefined, {}, 'one', here)).toEqual([['only', join(here, 'only-code'), undefined]]);
    expect(await names(undefined, {}, 'every', here)).toEqual([['only', join(here, 'only-code'), undefined]]);
    expect(await names('other', {}, 'every', here)).toEqual([[undefined, 'other', undefined]]);
    expect(await names('other', { config: join(here, 'fgrun.json') }, 'one', here)).toEqual([['only', join(here, 'other'), undefined]]);
  });

  it('runs every function of a file in the every scope, one picked with --function in either, flags over each', async () => {
    expect(await names(undefined, { config: several, memory: '1024' }, 'every')).toEqual([['a', join(tmp, 'a-code'), 1024], ['b', join(tmp, 'b-code'), 1024]]);
    expect(await names(undefined, { config: several, function: 'b' }, 'every')).toEqual([['b', join(tmp, 'b-code'), undefined]]);
    expect(await names('x', { config: several, function: 'a' }, 'one')).toEqual([['a', join(tmp, 'x'), 256]]);
  });

  it('refuses what cannot name one function, naming the flag to use (exit 2)', async () => {
    await expect(functionSources(undefined, { config: several }, 'one', tmp)).rejects.toThrow(`config file ${several} holds several functions (a, b): choose one with --function <name>`);
    await expect(functionSources('x', { config: several }, 'every', tmp)).rejects.toThrow(`CODE ('x') replaces the code of one function, and ${several} holds several (a, b): pick one with --function <name>`);
    await expect(functionSources(undefined, { config: several, name: 'n' }, 'every', tmp)).rejects.toThrow(`--name cannot name all 2 functions of ${several}: set func_name in the file instead, or pick one with --function <name>`);
    await expect(functionSources('x', { function: 'a' }, 'every', tmp)).rejects.toMatchObject({ code: 'FGRUN_CONFIG', message: '--function a picks a function of a config file: pass --config <file> too' });
  });
});

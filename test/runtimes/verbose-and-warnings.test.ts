// `fgrun runtimes --verbose` lists every candidate looked at and why it was taken or refused, and a
// mistyped FGRUN_PYTHON_X_Y (a missing path, another version, a wrong name) is warned about by name.
// One real process: the warnings go through the host log on the process's stderr.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runtimesFound } from '../helpers/runtimes.js';
import { fgrun } from '../matrix/fgrun-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-runtimes-verbose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.runIf(runtimesFound.length >= 2)('fgrun runtimes --verbose and FGRUN_PYTHON_X_Y warnings', () => {
  it('lists each runtime\'s candidates with + taken / - refused, and warns about each unusable variable', async () => {
    const [other, newest] = [runtimesFound[0]!, runtimesFound[runtimesFound.length - 1]!];
    const root = join(tmp, 'pyenv');
    mkdirSync(join(root, 'versions'), { recursive: true });
    symlinkSync(join(homedir(), '.pyenv', 'versions', newest.version), join(root, 'versions', newest.version));
    const newestVar = `FGRUN_PYTHON_${newest.runtime.slice('Python'.length).replace('.', '_')}`;
    const otherVar = `FGRUN_PYTHON_${other.runtime.slice('Python'.length).replace('.', '_')}`;
    const env = {
      PATH: '/usr/bin:/bin', HOME: tmp, PYENV_ROOT: root, XDG_CACHE_HOME: join(tmp, 'cache'),
      [newestVar]: join(tmp, 'no-such-python'), [otherVar]: newest.path, FGRUN_PYTHON_39: '/x',
    };
    const run = await fgrun(['runtimes', '--verbose'], { env });
    expect(run.code).toBe(0);

    const block = run.stdout.slice(run.stdout.indexOf(`\n${newest.runtime}: `) + 1).split('\n\n')[0]!.split('\n');
    expect(block[0]).toBe(`${newest.runtime}: ${newest.version} from pyenv`);
    expect(block[1]).toMatch(/^ {5}SOURCE +CANDIDATE +OUTCOME$/);
    expect(block[2]).toMatch(new RegExp(`^ {2}- {2}env +${join(tmp, 'no-such-python')} +not found$`));
    expect(block.find((l) => l.startsWith('  +'))).toMatch(new RegExp(`^ {2}\\+ {2}pyenv +${root}/versions/${newest.version}/bin/\\S+ +found Python ${newest.version.replace(/\./g, '\\.')} at `));

    const otherBlock = run.stdout.slice(run.stdout.indexOf(`\n${other.runtime}: `) + 1).split('\n\n')[0]!.split('\n');
    expect(otherBlock[2]).toMatch(new RegExp(`^ {2}- {2}env +${newest.path} +is Python ${newest.version.replace(/\./g, '\\.')}, not ${other.runtime.slice('Python'.length).replace('.', '\\.')}$`));

    const warnings = run.stderr.trimEnd().split('\n').map((l) => l.replace(/^\S+ fgrun warn: /, ''));
    expect(warnings.sort()).toEqual([
      `${newestVar}=${join(tmp, 'no-such-python')} is not used for ${newest.runtime}: not found. Point it at a python${newest.runtime.slice('Python'.length)} interpreter or unset it; fgrun looks on PATH, in pyenv and in system paths instead (fgrun runtimes --verbose)`,
      `${otherVar}=${newest.path} is not used for ${other.runtime}: is Python ${newest.version}, not ${other.runtime.slice('Python'.length)}. Point it at a python${other.runtime.slice('Python'.length)} interpreter or unset it; fgrun looks on PATH, in pyenv and in system paths instead (fgrun runtimes --verbose)`,
      'FGRUN_PYTHON_39 is not a variable fgrun reads (did you mean FGRUN_PYTHON_3_9?); the interpreter variables are FGRUN_PYTHON_2_7, FGRUN_PYTHON_3_6, FGRUN_PYTHON_3_9, FGRUN_PYTHON_3_10, FGRUN_PYTHON_3_12',
    ].sort());
  });
});

// The root help lists stand-ins for the commands it does not run (so `fgrun --help` and
// `fgrun invoke` load only what they use): each must show exactly what the real command shows.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { COMMANDS } from '../../src/cli/commands.js';
import { main, standIn } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

// An Io that keeps what is written.
function memoryIo(): Io & { out: () => string } {
  let text = '';
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => { text += d.toString(); });
  return { stdin: new PassThrough(), stdout, stderr: new PassThrough(), stdoutIsTTY: false, exitCode: 0, out: () => text };
}

const shape = (c: Command) => ({
  name: c.name(),
  description: c.description(),
  args: c.registeredArguments.map((a) => [a.name(), a.required, a.variadic]),
  hasOptions: c.options.length > 0,
});

describe('command stand-ins', () => {
  it('have the name, description, arguments and [options] of the real command', async () => {
    for (const entry of COMMANDS) {
      const real = (await entry.load())(memoryIo());
      expect(shape(standIn(entry)), entry.name).toEqual(shape(real));
    }
  });

  it('make the same root help as the real commands', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    const root = new Command('fgrun').description('Run Huawei Cloud FunctionGraph Python functions locally, exactly as the cloud runs them');
    for (const entry of COMMANDS) root.addCommand((await entry.load())(memoryIo()));
    expect(io.out()).toBe(root.helpInformation());
  });
});

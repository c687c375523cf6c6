// The fgrun command line: parse, call the library, print, set the exit code
// (0 ok, 1 function failure, 2 usage or configuration error).
import { Command, CommanderError } from 'commander';
import { isFgrunError } from '../errors.js';
import { COMMANDS } from './commands.js';
import { processIo, type Io } from './io.js';

function program(io: Io): Command {
  const root = new Command('fgrun')
    .description('Run Huawei Cloud FunctionGraph Python functions locally, exactly as the cloud runs them')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of COMMANDS.map((make) => make(io))) {
    root.addCommand(command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }).showHelpAfterError());
  }
  return root;
}

// Run the CLI with argv (without node and script); resolves to the exit code.
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    await program(io).parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (isFgrunError(error)) {
      io.stderr.write(`fgrun: ${error.message}\n`);
      return error.kind === 'usage' ? 2 : 1;
    }
    io.stderr.write(`fgrun: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

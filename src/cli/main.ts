// The fgrun command line: parse, call the library, print, set the exit code
// (0 ok, 1 function failure, 2 usage or configuration error).
import { Command, CommanderError, Option } from 'commander';
import { isFgrunError } from '../errors.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { processIo, type Io } from './io.js';

// The command line: the command that argv names, loaded for real; every other one a stand-in
// with the same name, description and arguments, which is all `fgrun --help` shows of it.
async function program(io: Io, argv: readonly string[] = []): Promise<Command> {
  const root = new Command('fgrun')
    .description('Run Huawei Cloud FunctionGraph Python functions locally, exactly as the cloud runs them')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  const named = argv[0] === 'help' ? argv[1] : argv.find((a) => !a.startsWith('-'));
  for (const entry of COMMANDS) {
    const command = entry.name === named ? (await entry.load())(io) : standIn(entry);
    root.addCommand(command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }).showHelpAfterError());
  }
  return root;
}

// A command that is not run: listed in the root help ("name [options] [args]  description").
export function standIn(entry: CommandEntry): Command {
  const command = new Command(entry.name).description(entry.description).addOption(new Option('--stand-in').hideHelp());
  for (const arg of entry.args) command.argument(arg);
  return command;
}

// Run the CLI with argv (without node and script); resolves to the exit code.
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  try {
    await (await program(io, argv)).parseAsync(argv, { from: 'user' });
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

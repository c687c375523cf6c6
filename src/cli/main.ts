// The fgrun command line: parse, call the library, print, set the exit code
// (0 ok, 1 function failure, 2 usage or configuration error).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { isFgrunError } from '../errors.js';
import { COMMANDS, type CommandEntry } from './commands.js';
import { processIo, type Io } from './io.js';

// fgrun's own version, from its package.json (two folders up from src/cli and dist/cli alike).
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

// The command line: the command that argv names, loaded for real; every other one a stand-in
// with the same name, description and arguments, which is all `fgrun --help` shows of it.
async function program(io: Io, argv: readonly string[] = []): Promise<Command> {
  const output = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(s) };
  const root = new Command('fgrun')
    .description('Run Huawei Cloud FunctionGraph Python functions locally, exactly as the cloud runs them')
    .version(packageVersion(), '-V, --version', "print fgrun's version")
    // Only before the command: after it, --version is the function's version (invoke, serve, matrix).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError("(run 'fgrun --help' for usage)");
  const named = argv[0] === 'help' ? argv[1] : argv.find((a) => !a.startsWith('-'));
  // A mistyped flag gets commander's "did you mean" line and a pointer, not the whole help.
  for (const entry of COMMANDS) {
    const command = entry.name === named ? (await entry.load())(io) : standIn(entry);
    root.addCommand(command.exitOverride().configureOutput(output).showHelpAfterError(`(run 'fgrun ${entry.name} --help' for usage)`));
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

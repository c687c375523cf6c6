// The fgrun command line: parse, call the library, print, set the exit code
// (0 ok, 1 function failure, 2 usage or configuration error).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isFgrunError } from '../errors/index.js';
import { COMMANDS } from './commands.js';
import { processIo, type Io } from './io.js';

// fgrun's own version, from its package.json (two folders up from src/cli and dist/cli alike).
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function program(io: Io): Command {
  const output = { writeOut: (s: string) => io.stdout.write(s), writeErr: (s: string) => io.stderr.write(s) };
  const root = new Command('fgrun')
    .description('Run Huawei Cloud FunctionGraph Python functions locally, exactly as the cloud runs them')
    .version(packageVersion(), '-V, --version', "print fgrun's version")
    // Only before the command: after it, --version is the function's version (invoke, serve, matrix).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError("(run 'fgrun --help' for usage)");
  // A mistyped flag gets commander's "did you mean" line and a pointer, not the whole help.
  for (const command of COMMANDS.map((make) => make(io))) {
    root.addCommand(command.exitOverride().configureOutput(output).showHelpAfterError(`(run 'fgrun ${command.name()} --help' for usage)`));
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

// Every fgrun subcommand, in the order `fgrun --help` lists them. Add a command here. A command's
// module (and the library it pulls in: zod, winston, the server...) is loaded only when that
// command runs; `fgrun --help` lists the entries below and loads none (docs/performance.md).
import type { Command } from 'commander';
import type { Io } from './io.js';

export interface CommandEntry {
  name: string;
  /** The one-line description, used by the command itself and by the root help. */
  description: string;
  /** Its arguments as the command declares them (the root help shows them; a test holds them equal). */
  args: string[];
  load: () => Promise<(io: Io) => Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'invoke',
    description: 'run the function once, as FunctionGraph would, and print its response body',
    args: ['[code]'],
    load: async () => (await import('./invoke.js')).invokeCommand,
  },
  {
    name: 'serve',
    description: "serve functions over FunctionGraph's invoke API (the official SDKs work against it) and an APIG-style gateway",
    args: ['[code]'],
    load: async () => (await import('./serve.js')).serveCommand,
  },
  {
    name: 'matrix',
    description: 'run the function on every Python runtime found and show where the results differ',
    args: ['[code]'],
    load: async () => (await import('./matrix.js')).matrixCommand,
  },
  {
    name: 'runtimes',
    description: 'list the FunctionGraph Python runtimes and the interpreter fgrun uses for each',
    args: [],
    load: async () => (await import('./runtimes.js')).runtimesCommand,
  },
  {
    name: 'event',
    description: 'print a FunctionGraph trigger event (fresh ids and times) to pass to invoke --event or matrix --event',
    args: ['[trigger]'],
    load: async () => (await import('./event.js')).eventCommand,
  },
  {
    name: 'build',
    description: "install the code folder's requirements.txt with the runtime's own pip, into a build fgrun uses automatically (docs/build.md)",
    args: ['[code]'],
    load: async () => (await import('./build.js')).buildCommand,
  },
];

// The description of a command, from the table above.
export function commandDescription(name: string): string {
  return COMMANDS.find((c) => c.name === name)?.description ?? '';
}

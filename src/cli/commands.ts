// Every fgrun subcommand, in the order `fgrun --help` lists them. Add a command here and in
// descriptions.ts. A command's module (and the library it pulls in: zod, winston, the server...) is
// loaded only when that command runs; `fgrun --help` lists the entries below and loads none
// (docs/performance.md).
import type { Command } from 'commander';
import { COMMAND_INFO, type CommandInfo } from './descriptions.js';
import type { Io } from './io.js';

export interface CommandEntry extends CommandInfo {
  load: () => Promise<(io: Io) => Command>;
}

const LOADERS: Record<string, CommandEntry['load']> = {
  invoke: async () => (await import('./invoke/invoke.js')).invokeCommand,
  serve: async () => (await import('./serve/serve.js')).serveCommand,
  matrix: async () => (await import('./matrix/matrix.js')).matrixCommand,
  runtimes: async () => (await import('./runtimes.js')).runtimesCommand,
  event: async () => (await import('./event.js')).eventCommand,
  build: async () => (await import('./build.js')).buildCommand,
  debug: async () => (await import('./debug.js')).debugCommand,
};

export const COMMANDS: CommandEntry[] = COMMAND_INFO.map((info) => {
  const load = LOADERS[info.name];
  if (!load) throw new Error(`no loader for command ${info.name}`);
  return { ...info, load };
});

// Every fgrun subcommand, in the order `fgrun --help` lists them. Add a command here.
import type { Command } from 'commander';
import type { Io } from './io.js';
import { invokeCommand } from './invoke.js';
import { serveCommand } from './serve.js';
import { matrixCommand } from './matrix.js';
import { runtimesCommand } from './runtimes.js';
import { eventCommand } from './event.js';
import { buildCommand } from './build.js';

export const COMMANDS: Array<(io: Io) => Command> = [
  invokeCommand,
  serveCommand,
  matrixCommand,
  runtimesCommand,
  eventCommand,
  buildCommand,
];

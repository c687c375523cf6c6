// Every fgrun subcommand, in the order `fgrun --help` lists them. Add a command here.
import type { Command } from 'commander';
import type { Io } from './io.js';
import { invokeCommand } from './invoke.js';

export const COMMANDS: Array<(io: Io) => Command> = [
  invokeCommand,
];

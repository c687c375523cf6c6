// `fgrun debug attach PORT`: the client end of `--debug-port`'s pdb server, built in because `nc` is
// often not installed: the terminal's lines go to pdb, pdb's answers come back, until pdb closes the
// session (the request went on; Ctrl-C leaves it to pdb's next client). debugpy is attached from an IDE instead
// (docs/debugging.md).
import { connect } from 'node:net';
import { Argument, Command } from 'commander';
import { ConfigError, FgrunError } from '../errors.js';
import { commandDescription } from './descriptions.js';
import type { Io } from './io.js';

// The `debug` command.
export function debugCommand(io: Io): Command {
  return new Command('debug')
    .description(commandDescription('debug'))
    .addArgument(new Argument('<action>', 'what to do: attach to a pdb session').choices(['attach']))
    .argument('<port>', 'the --debug-port the function was started with (its breakpoint notice names it)')
    .option('--host <address>', 'where pdb listens (fgrun serves it on 127.0.0.1 only)', '127.0.0.1')
    .action(async (_action: string, port: string, flags: { host: string }) => {
      io.exitCode = await attach(flags.host, portNumber(port), io);
    });
}

function portNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 65535) throw new ConfigError(`PORT must be a port number from 1 to 65535, got '${text}'`, { field: 'PORT' });
  return n;
}

// Relay standard input and output to pdb on host:port; resolves with 0 once the session is over.
function attach(host: string, port: number, io: Io): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ECONNREFUSED'
        ? `nothing listens on ${host}:${port}: start the function with --debug-port ${port}, and attach once it stops at breakpoint() (the notice "pdb waits on ${host}:${port}" says so)`
        : `the pdb session on ${host}:${port} failed: ${error.message}`;
      reject(new FgrunError('FGRUN_DEBUG_ATTACH', 'runtime', why, { cause: error, details: { host, port } }));
    });
    socket.once('connect', () => {
      // The end of standard input does not end the session (as nc without -N): pdb may still be
      // working through the lines, and an EOF would make it quit and fail the request.
      io.stdin.pipe(socket, { end: false });
      socket.pipe(io.stdout, { end: false });
    });
    socket.once('close', () => {
      io.stdin.unpipe(socket);
      resolve(0);
    });
  });
}

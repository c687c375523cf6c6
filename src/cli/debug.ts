// `fgrun debug attach PORT`: a terminal client for the pdb session a breakpoint serves on
// --debug-port (docs/debugging.md), for machines without nc or telnet. Lines typed go to pdb, pdb's
// answers to stdout; it ends when the session does (the request ends, or `c` and no other breakpoint).
import { connect, type Socket } from 'node:net';
import { Command } from 'commander';
import { commandDescription } from './descriptions.js';
import { ConfigError } from '../errors.js';
import type { Io } from './io.js';

export function debugCommand(io: Io): Command {
  return new Command('debug')
    .description(commandDescription('debug'))
    .argument('<action>', 'attach: talk to the pdb session a breakpoint serves on --debug-port')
    .argument('<port>', 'the --debug-port of fgrun invoke or serve')
    .option('--quiet', "print only pdb's own output (no line when attached and when the session ends)")
    .action(async (action: string, port: string, flags: { quiet?: boolean }) => {
      if (action !== 'attach') throw new ConfigError(`fgrun debug knows one action, attach (fgrun debug attach PORT), not '${action}'`, { field: 'action' });
      const n = Number(port);
      if (!/^\d+$/.test(port.trim()) || n < 1 || n > 65535) throw new ConfigError(`PORT must be a port number from 1 to 65535 (the --debug-port), got '${port}'`, { field: 'port' });
      io.exitCode = await attach(n, io, Boolean(flags.quiet));
    });
}

// Connect, then relay until pdb closes the session; exit 0, or a ConfigError when nothing listens.
async function attach(port: number, io: Io, quiet: boolean): Promise<number> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) => reject(new ConfigError(
      `nothing answers on 127.0.0.1:${port} (${error.code ?? error.message}): start fgrun invoke or serve with --debug-port ${port}, and attach once it prints that pdb waits there`,
      { field: 'port', cause: error })));
  });
  if (!quiet) io.stderr.write(`fgrun: attached to pdb on 127.0.0.1:${port}; \`c\` continues the function, \`q\` stops it; the session ends with the request\n`);
  const relay = (chunk: Buffer | string) => socket.write(chunk);
  io.stdin.on('data', relay);
  socket.on('data', (chunk: Buffer) => io.stdout.write(chunk));
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  io.stdin.off('data', relay);
  io.stdin.pause();
  if (!quiet) io.stderr.write('fgrun: the pdb session ended\n');
  return 0;
}

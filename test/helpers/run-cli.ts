// Runs the CLI in-process through main(argv, io), with in-memory streams: the seam the CLI was
// built with, for the many cases where a real process proves nothing more.
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// A stream that keeps what is written to it, synchronously.
function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

// main(argv) with `input` on standard input; resolves to the exit code and both outputs.
export async function runCli(argv: string[], options: { input?: string } = {}): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdin: Readable.from([options.input ?? '']), stdout: stdout.stream, stderr: stderr.stream, stdoutIsTTY: false, exitCode: 0 });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

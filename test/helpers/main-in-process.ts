// The CLI's main(argv, io) run in-process with captured streams: the seam for the CLI's many cases.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

// Run `fgrun <argv>` in this process; resolves with its exit code and what it printed.
export async function runMain(argv: string[]): Promise<MainRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, stdoutIsTTY: false, exitCode: 0 });
  return { code, stdout: out, stderr: err };
}

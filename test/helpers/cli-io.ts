// Run the CLI in-process through main(argv, io), with stdout and stderr collected as they come.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface CliRun {
  /** Resolves with the exit code and everything written. */
  done: Promise<{ code: number; stdout: string; stderr: string }>;
  /** What was written to stderr so far. */
  stderr(): string;
}

export function startCli(args: string[]): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const stream = (into: string[]) => new PassThrough().on('data', (c: Buffer) => into.push(c.toString()));
  const io: Io = { stdin: new PassThrough(), stdout: stream(out), stderr: stream(err), stdoutIsTTY: false, exitCode: 0 };
  const done = main(args, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
  return { done, stderr: () => err.join('') };
}

export function fgrunInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return startCli(args).done;
}

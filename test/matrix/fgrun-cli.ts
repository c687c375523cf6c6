// Runs the built CLI (bin/fgrun.cjs -> dist/) as a user would: a real process, its streams and exit code;
// or the same command in-process (cli), for the cases a real process proves nothing more in.
import { execFile } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { CLI, ROOT } from '../helpers/fixtures.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function fgrun(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

// The same command in this process, through main(argv, io) with in-memory streams: what every case
// that does not need its own process (another cwd or environment, signals) uses, for speed.
export async function cli(args: string[], options: { input?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
  const io: Io = {
    stdin: Readable.from([options.input ?? '']),
    stdout: sink((text) => { stdout += text; }),
    stderr: sink((text) => { stderr += text; }),
    stdoutIsTTY: false,
    exitCode: 0,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

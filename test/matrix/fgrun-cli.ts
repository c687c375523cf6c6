// Runs the built CLI (bin/fgrun.js -> dist/) as a user would: a real process, its streams and exit code.
import { execFile } from 'node:child_process';
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

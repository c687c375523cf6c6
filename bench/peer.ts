// The peer (`--peer`): serverless-offline 14's warm Python runner, driven directly through its
// PythonRunner class with the same trivial handler. Optional: `npm i --no-save serverless-offline@14`
// installs it; CI never needs it. It does far less than fgrun (no log attribution, no memory
// accounting, a fake context), which is what makes it a useful yardstick.
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childrenOf } from './cpu.js';
import { FUNCTIONS } from './subjects.js';

const RUNNER = fileURLToPath(new URL('../node_modules/serverless-offline/src/lambda/handler-runner/python-runner/PythonRunner.js', import.meta.url));
/** The name the runner spawns (it runs `<runtime up to the first dot> -u invoke.py` through a shell). */
const PYTHON_NAME = 'fgrunpeerpython';

interface PythonRunnerLike {
  run(event: unknown, context: unknown): Promise<unknown>;
  cleanup(): void;
}
type RunnerClass = new (options: { handler: string; runtime: string }, env: Record<string, string>) => PythonRunnerLike;

export interface Peer {
  /** The shell the runner spawned; the interpreter is its child (or itself, when the shell execs). */
  pid: number;
  call(event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

// Why the peer cannot run, or null when it can.
export function peerMissing(): string | null {
  return existsSync(RUNNER) ? null : 'serverless-offline is not installed: npm i --no-save serverless-offline@14';
}

// A warm PythonRunner on `python` with the bench-echo handler. The runner imports the handler
// relative to the current directory and finds python on PATH, so both are set up in a temp dir.
export async function startPeer(python: string): Promise<Peer> {
  const { default: PythonRunner } = (await import(pathToFileURL(RUNNER).href)) as { default: RunnerClass };
  const dir = mkdtempSync(join(tmpdir(), 'fgrun-peer-'));
  copyFileSync(join(FUNCTIONS, 'bench-echo', 'index.py'), join(dir, 'index.py'));
  symlinkSync(python, join(dir, PYTHON_NAME));
  const cwd = process.cwd();
  let runner: PythonRunnerLike;
  const before = new Set(childrenOf(process.pid));
  try {
    process.chdir(dir);
    runner = new PythonRunner({ handler: 'index.handler', runtime: PYTHON_NAME }, { PATH: `${dir}:${process.env.PATH ?? ''}` });
  } finally {
    process.chdir(cwd);
  }
  const pid = childrenOf(process.pid).find((p) => !before.has(p)) ?? -1;
  const context = {};
  const call = (event: unknown): Promise<unknown> => runner.run(event, context);
  await call({ hello: 'world', i: 0, pad: '' });
  return {
    pid,
    call,
    close: async () => {
      runner.cleanup();
      await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// One `python -m pip install --target` run with the runtime's own pip, its output streamed live.
import { spawn } from 'node:child_process';
import type { RuntimeInfo } from '../runtimes/index.js';
import { BuildError } from './errors.js';

/** Where pip finds packages: the flags of `fgrun build`, passed to pip as they are. */
export interface PipSource {
  findLinks?: string[];
  indexUrl?: string;
  noIndex?: boolean;
}

/** pip's last lines kept for the error message. */
const TAIL_LINES = 12;

// pip's arguments: the old pips (18 on 3.6, 19 on 2.7) know every one of these.
export function pipArguments(requirements: string, target: string, source: PipSource): string[] {
  const args = ['-m', 'pip', 'install', '--target', target, '-r', requirements,
    '--disable-pip-version-check', '--no-input', '--no-warn-script-location', '--progress-bar', 'off'];
  if (source.noIndex) args.push('--no-index');
  if (source.indexUrl !== undefined) args.push('--index-url', source.indexUrl);
  for (const dir of source.findLinks ?? []) args.push('--find-links', dir);
  return args;
}

// Run pip in `cwd` (the code folder, so relative paths in requirements.txt work); every output
// line goes to onLine as it comes; a failure is a BuildError with pip's last lines.
export async function runPip(runtime: RuntimeInfo, args: string[], cwd: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<void> {
  const tail: string[] = [];
  const child = spawn(runtime.path, args, {
    cwd,
    env: { ...withoutPythonPath(env), PYTHONUNBUFFERED: '1', PIP_NO_INPUT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const line of parts) take(line);
    });
    return new Promise<void>((resolve) => stream.on('end', () => { if (rest) take(rest); resolve(); }));
  };
  const take = (line: string) => {
    if (line.trim() === '') return;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    onLine(line);
  };
  const drained = Promise.all([lines(child.stdout), lines(child.stderr)]);
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  await drained;
  if (exit.code === 0) return;
  const how = exit.error ? `could not start ${runtime.path}: ${exit.error.message}` : `pip exited with code ${exit.code}`;
  // pip's reason: its last ERROR line (its lines went to onLine already), else its last line.
  const reason = [...tail].reverse().find((line) => /^ERROR:/.test(line))?.replace(/^ERROR:\s*/, '') ?? tail.at(-1) ?? 'pip printed nothing';
  throw new BuildError('FGRUN_BUILD_PIP_FAILED',
    `build for ${runtime.runtime} (${runtime.version}, ${runtime.path}) failed: ${how}: ${exit.error ? exit.error.message : reason}`,
    { runtime: runtime.runtime, cause: exit.error, details: { reason: exit.error ? how : reason } });
}

// The caller's environment minus what would point pip's interpreter at other packages.
function withoutPythonPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { PYTHONPATH: _path, PYTHONHOME: _home, PYTHONUSERBASE: _user, ...rest } = env;
  return rest;
}

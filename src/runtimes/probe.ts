// Runs a candidate interpreter once and reads back what it is.

import { execFile, type ExecFileException } from 'node:child_process';
import { z } from 'zod';
import { interpreterPath } from './interpreter-path.js';

/** How long one probe may take before the candidate counts as failed. */
export const PROBE_TIMEOUT_MS = 10_000;

// One statement list that runs unchanged on Python 2.7 through 3.13 (no f-strings, no print function).
export const PROBE_SCRIPT =
  'import sys, json; sys.stdout.write(json.dumps([sys.version_info[0], sys.version_info[1], sys.version_info[2], sys.executable]) + "\\n")';

const ProbeOutputSchema = z.tuple([z.number().int(), z.number().int(), z.number().int(), z.string()]);

/** A working interpreter as a probe saw it. */
export interface Interpreter {
  path: string;
  major: number;
  minor: number;
  micro: number;
}

export type ProbeResult = { ok: true; interpreter: Interpreter } | { ok: false; reason: string };

const PASSED_VARIABLES = ['PATH', 'HOME', 'PYENV_ROOT', 'PYENV_VERSION'] as const;

// The environment a probe runs in: enough for the interpreter and pyenv shims, none of the caller's secrets.
export function probeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

// Executes the candidate with the probe script and turns whatever happens into a result, never a throw.
export async function runProbe(candidate: string, env: Record<string, string>): Promise<ProbeResult> {
  const output = await execProbe(candidate, env);
  if (!output.ok) return output;
  const parsed = parseProbeOutput(output.stdout);
  if (parsed === null) return { ok: false, reason: `printed something other than the probe's answer: ${excerpt(output.stdout)}` };
  const [major, minor, micro, executable] = parsed;
  if (executable === '') return { ok: false, reason: 'ran, but reported an empty sys.executable' };
  const path = await interpreterPath(executable);
  if (path === null) return { ok: false, reason: `reported sys.executable ${executable}, which does not exist` };
  return { ok: true, interpreter: { path, major, minor, micro } };
}

// Spawns the candidate and collects stdout, or a one-line reason it failed.
function execProbe(candidate: string, env: Record<string, string>): Promise<{ ok: true; stdout: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    execFile(
      candidate,
      ['-c', PROBE_SCRIPT],
      { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ ok: true, stdout });
        resolve({ ok: false, reason: describeFailure(error, stderr) });
      },
    );
  });
}

// Says why a probe process failed: could not start, timed out, or exited with an error (first stderr line).
function describeFailure(error: ExecFileException, stderr: string): string {
  if (typeof error.code === 'string') return `cannot run it (${error.code})`;
  if (error.killed === true) return `timed out after ${PROBE_TIMEOUT_MS / 1000} s`;
  const how = error.signal ? `killed by ${error.signal}` : `exited with code ${String(error.code)}`;
  const firstLine = stderr.split('\n').map((line) => line.trim()).find((line) => line !== '');
  return firstLine === undefined ? how : `${how}: ${excerpt(firstLine)}`;
}

// Reads the last non-empty line as the probe's JSON answer (a sitecustomize may print before it).
function parseProbeOutput(stdout: string): z.infer<typeof ProbeOutputSchema> | null {
  const last = stdout.trim().split('\n').pop();
  if (last === undefined) return null;
  try {
    const result = ProbeOutputSchema.safeParse(JSON.parse(last));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

// Keeps quoted process output to one short line.
function excerpt(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line || '(nothing)';
}

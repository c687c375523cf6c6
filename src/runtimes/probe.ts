// Runs a candidate interpreter once on the bootstrap's --probe, which proves the bootstrap imports
// there and reads back what the interpreter is; and judges whether it serves a runtime.

import { execFile, type ExecFileException } from 'node:child_process';
import { accessSync } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { BOOTSTRAP_MAIN } from '../install/paths.js';
import { PROTOCOL_VERSION } from '../contract/messages.js';
import type { RuntimeId } from './ids.js';
import { runtimeVersion, versionLabel } from './ids.js';

/** How long one probe may take before the candidate counts as failed. */
const PROBE_TIMEOUT_MS = 10_000;

// bootstrap/main.py --probe answers [major, minor, micro, sys.executable, protocol version].
const ProbeOutputSchema = z.tuple([z.number().int(), z.number().int(), z.number().int(), z.string(), z.number().int()]);

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

// Executes the candidate on the bootstrap's probe and turns whatever happens into a result, never a throw.
export async function runProbe(candidate: string, env: Record<string, string>): Promise<ProbeResult> {
  const output = await execProbe(candidate, env);
  if (!output.ok) return output;
  const parsed = parseProbeOutput(output.stdout);
  if (parsed === null) return { ok: false, reason: `printed something other than the probe's answer: ${excerpt(output.stdout)}` };
  const [major, minor, micro, executable, protocol] = parsed;
  if (protocol !== PROTOCOL_VERSION) return { ok: false, reason: `its fgrun bootstrap speaks protocol ${protocol}, this host ${PROTOCOL_VERSION}` };
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
      [BOOTSTRAP_MAIN, '--probe'],
      { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ ok: true, stdout });
        resolve({ ok: false, reason: describeFailure(error, stderr) });
      },
    );
  });
}

// Says why a probe process failed: could not start, timed out, or exited with an error (the first
// stderr line; for a Python traceback, its last line, the exception).
function describeFailure(error: ExecFileException, stderr: string): string {
  if (typeof error.code === 'string') return `cannot run it (${error.code})`;
  if (error.killed === true) return `timed out after ${PROBE_TIMEOUT_MS / 1000} s`;
  const how = error.signal ? `killed by ${error.signal}` : `exited with code ${String(error.code)}`;
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const telling = lines[0]?.startsWith('Traceback') ? lines[lines.length - 1] : lines[0];
  return telling === undefined ? how : `${how}: ${excerpt(telling)}`;
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

// The path fgrun records and later spawns, from the sys.executable an interpreter reports.

// The realpath of sys.executable, so a pyenv shim or a /usr/bin/python3 link is never recorded;
// inside a virtual environment the venv's own executable is kept, or its site-packages would be lost.
async function interpreterPath(executable: string): Promise<string | null> {
  const absolute = resolve(executable);
  try {
    if (await isVirtualEnvExecutable(absolute)) {
      await access(absolute);
      return absolute;
    }
    return await realpath(absolute);
  } catch {
    return null;
  }
}

// Python treats an executable as a venv's when pyvenv.cfg sits beside it or one folder up (PEP 405).
// Sync checks: asked before every spawn, where two thread-pool round trips cost more than the calls.
export async function isVirtualEnvExecutable(executable: string): Promise<boolean> {
  const bin = dirname(executable);
  for (const folder of [bin, dirname(bin)]) {
    try {
      accessSync(join(folder, 'pyvenv.cfg'));
      return true;
    } catch {
      // not this folder
    }
  }
  return false;
}

/** Whether a probed interpreter fits one runtime: the interpreter if it does, and the line `tried` records. */
export type Fit = { fits: true; interpreter: Interpreter; outcome: string } | { fits: false; outcome: string };

// Accepts a probe result only when the interpreter's major.minor is the runtime's.
export function fitFor(runtime: RuntimeId, result: ProbeResult): Fit {
  if (!result.ok) return { fits: false, outcome: result.reason };
  const { interpreter } = result;
  const wanted = runtimeVersion(runtime);
  if (interpreter.major !== wanted.major || interpreter.minor !== wanted.minor) {
    return { fits: false, outcome: `is Python ${formatVersion(interpreter)}, not ${versionLabel(runtime)}` };
  }
  return { fits: true, interpreter, outcome: `found Python ${formatVersion(interpreter)} at ${interpreter.path}` };
}

// "X.Y.Z" exactly.
export function formatVersion(interpreter: Interpreter): string {
  return `${interpreter.major}.${interpreter.minor}.${interpreter.micro}`;
}

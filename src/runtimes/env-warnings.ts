// Warnings about FGRUN_PYTHON_* variables that discovery cannot use: a mistyped path, an
// interpreter of another version, or a mistyped variable name would otherwise be ignored silently
// while fgrun quietly picks another interpreter (or none). Each is said once per process.
import { hostLog } from '../log.js';
import { RUNTIME_IDS, runtimeEnvVar, type RuntimeId } from './ids.js';
import type { TriedCandidate } from './ids.js';

const said = new Set<string>();

// Log `message` once (the same variable is looked at for every function and every runtime listing).
function warnOnce(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  hostLog.warn(message);
}

// A warning when the runtime's FGRUN_PYTHON_X_Y is set but its interpreter was refused.
export function warnUnusedEnvCandidate(runtime: RuntimeId, tried: TriedCandidate, env: NodeJS.ProcessEnv): void {
  if (tried.source !== 'env' || tried.outcome === 'not set' || tried.outcome.startsWith('found ')) return;
  const name = runtimeEnvVar(runtime);
  warnOnce(`${name}=${env[name] ?? tried.candidate} is not used for ${runtime}: ${tried.outcome}. Point it at a python${runtime.slice('Python'.length)} interpreter or unset it; fgrun looks on PATH, in pyenv and in system paths instead (fgrun runtimes --verbose)`);
}

// A warning for each FGRUN_PYTHON* variable that names no runtime (FGRUN_PYTHON_39, FGRUN_PYTHON_3_11).
export function warnUnknownEnvNames(env: NodeJS.ProcessEnv): void {
  const known = RUNTIME_IDS.map(runtimeEnvVar);
  for (const name of Object.keys(env)) {
    if (!name.startsWith('FGRUN_PYTHON') || known.includes(name)) continue;
    const digits = name.replace(/\D/g, '');
    const guess = known.find((k) => k.replace(/\D/g, '') === digits);
    warnOnce(`${name} is not a variable fgrun reads${guess ? ` (did you mean ${guess}?)` : ''}; the interpreter variables are ${known.join(', ')}`);
  }
}

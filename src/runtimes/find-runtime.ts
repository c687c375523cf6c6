// Walks one runtime's candidates in order and stops at the first interpreter of the right major.minor.

import { probeCandidate, type ProbeContext } from './cached-probe.js';
import { listCandidates } from './candidates.js';
import { warnUnknownEnvNames, warnUnusedEnvCandidate } from './env-warnings.js';
import type { RuntimeId } from './ids.js';
import { runtimeVersion, versionLabel } from './ids.js';
import type { Interpreter, ProbeResult } from './probe.js';
import type { RuntimeReport, TriedCandidate } from './types.js';

/** A probe's verdict for one runtime: the interpreter if it fits, and the line `tried` records. */
export type Verdict = { fits: true; interpreter: Interpreter; outcome: string } | { fits: false; outcome: string };

// Probes the runtime's candidates one by one; each is probed once even if listed twice.
export async function findRuntime(runtime: RuntimeId, env: NodeJS.ProcessEnv, context: ProbeContext): Promise<RuntimeReport> {
  const tried: TriedCandidate[] = [];
  const seen = new Set<string>();
  warnUnknownEnvNames(env);
  for (const { candidate, source, skip } of await listCandidates(runtime, env)) {
    if (skip !== undefined) {
      tried.push({ candidate, source, outcome: skip });
      warnUnusedEnvCandidate(runtime, tried[tried.length - 1]!, env);
      continue;
    }
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const verdict = judgeProbe(runtime, await probeCandidate(candidate, context));
    tried.push({ candidate, source, outcome: verdict.outcome });
    warnUnusedEnvCandidate(runtime, tried[tried.length - 1]!, env);
    if (verdict.fits) {
      const { path } = verdict.interpreter;
      return { runtime, found: { runtime, path, version: formatVersion(verdict.interpreter), source }, reason: null, tried };
    }
  }
  return { runtime, found: null, reason: `no Python ${versionLabel(runtime)} interpreter found`, tried };
}

// Accepts a probe result only when the interpreter's major.minor is the runtime's.
export function judgeProbe(runtime: RuntimeId, result: ProbeResult): Verdict {
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

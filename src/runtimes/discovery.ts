// Discovery: the one interpreter a function will run on, or every runtime's report at once,
// or precisely why there is none.

import { ConfigError, RuntimeError } from '../errors.js';
import { openProbeCall, probeCandidate, type ProbeCall, type ProbeSetup } from './cache.js';
import { explicitCandidate, listCandidates } from './candidates.js';
import { warnUnknownEnvNames, warnUnusedEnvCandidate } from './env-warnings.js';
import type { DiscoverOptions, RuntimeId, RuntimeInfo, RuntimeReport, TriedCandidate } from './ids.js';
import { normalizeRuntimeId, RUNTIME_IDS, versionLabel } from './ids.js';
import { notFoundMessage, unknownRuntimeMessage } from './messages.js';
import { fitFor, formatVersion } from './probe.js';

// runtime undefined -> the newest supported runtime found; otherwise that runtime (any letter case).
// options.pythonPath, when given, is the only interpreter considered and must match the runtime.
export async function resolveRuntime(runtime: string | undefined, options: DiscoverOptions = {}): Promise<RuntimeInfo> {
  const id = runtime === undefined ? null : toRuntimeId(runtime);
  const call = openProbeCall(options);
  try {
    if (options.pythonPath !== undefined) return await resolveExplicit(id, options.pythonPath, call);
    return id === null ? await resolveNewest(call) : await resolveOne(id, call);
  } finally {
    await call.flush();
  }
}

// The canonical id for what a user typed (any letter case), or FGRUN_RUNTIME_UNKNOWN listing the supported ones.
export function toRuntimeId(value: string): RuntimeId {
  const id = normalizeRuntimeId(value);
  if (id === null) throw new RuntimeError('FGRUN_RUNTIME_UNKNOWN', unknownRuntimeMessage(value), { details: { runtime: value, supported: [...RUNTIME_IDS] } });
  return id;
}

// The requested runtime, or FGRUN_RUNTIME_NOT_FOUND listing what the other runtimes have.
async function resolveOne(runtime: RuntimeId, call: ProbeCall): Promise<RuntimeInfo> {
  const report = await findRuntime(runtime, call.env, call.probe);
  if (report.found !== null) return report.found;
  const others = await Promise.all(
    RUNTIME_IDS.filter((id) => id !== runtime).map((id) => findRuntime(id, call.env, call.probe)),
  );
  throw notFound(runtime, [report], others.flatMap((other) => (other.found === null ? [] : [other.found])));
}

// The newest runtime that has an interpreter: probes newest first and stops at the first found.
async function resolveNewest(call: ProbeCall): Promise<RuntimeInfo> {
  const reports: RuntimeReport[] = [];
  for (const runtime of [...RUNTIME_IDS].reverse()) {
    const report = await findRuntime(runtime, call.env, call.probe);
    if (report.found !== null) return report.found;
    reports.push(report);
  }
  throw notFound(null, reports.reverse(), []);
}

// The interpreter from --python / pythonPath; without a runtime, its own version picks the runtime.
async function resolveExplicit(runtime: RuntimeId | null, pythonPath: string, call: ProbeCall): Promise<RuntimeInfo> {
  const candidate = await explicitCandidate(pythonPath, call.env);
  const facts = { field: 'pythonPath', details: { pythonPath, runtime } };
  if (candidate.skip !== undefined) {
    throw new ConfigError(`--python ${pythonPath}: ${candidate.skip}. Pass the path of a Python interpreter to --python (or the config's pythonPath).`, facts);
  }
  const result = await probeCandidate(candidate.candidate, call.probe);
  if (!result.ok) {
    throw new ConfigError(`--python ${pythonPath} cannot be used: ${result.reason}. Pass the path of a working Python interpreter to --python (or the config's pythonPath).`, facts);
  }
  const version = formatVersion(result.interpreter);
  const target = runtime ?? normalizeRuntimeId(`Python${result.interpreter.major}.${result.interpreter.minor}`);
  if (target === null) {
    throw new ConfigError(`--python ${pythonPath} is Python ${version}, which serves no supported runtime (${RUNTIME_IDS.join(', ')}). Point --python (or the config's pythonPath) at one of those versions.`, facts);
  }
  const fit = fitFor(target, result);
  if (!fit.fits) {
    throw new ConfigError(
      `--python ${pythonPath} is Python ${version}, but runtime ${target} needs Python ${versionLabel(target)}. ` +
        `Point --python (or the config's pythonPath) at a python${versionLabel(target)}, or drop it to let fgrun discover one.`,
      facts,
    );
  }
  return { runtime: target, path: fit.interpreter.path, version, source: 'config' };
}

// FGRUN_RUNTIME_NOT_FOUND with the facts as fields.
function notFound(runtime: RuntimeId | null, reports: RuntimeReport[], found: RuntimeInfo[]): RuntimeError {
  const tried = reports.flatMap((report) => report.tried.map((entry) => ({ runtime: report.runtime, ...entry })));
  return new RuntimeError('FGRUN_RUNTIME_NOT_FOUND', notFoundMessage(runtime, reports, found), {
    details: { runtime, supported: [...RUNTIME_IDS], found, tried },
  });
}

// One report per supported runtime, oldest -> newest; the runtimes are probed in parallel.
// options.pythonPath is ignored here: an explicit interpreter belongs to one runtime (see resolveRuntime).
export async function inspectRuntimes(options: DiscoverOptions = {}): Promise<RuntimeReport[]> {
  const call = openProbeCall(options);
  try {
    return await Promise.all(RUNTIME_IDS.map((runtime) => findRuntime(runtime, call.env, call.probe)));
  } finally {
    await call.flush();
  }
}

// Every supported runtime that has an interpreter here, oldest -> newest.
export async function discoverRuntimes(options: DiscoverOptions = {}): Promise<RuntimeInfo[]> {
  const reports = await inspectRuntimes(options);
  return reports.flatMap((report) => (report.found === null ? [] : [report.found]));
}

// Probes the runtime's candidates one by one; each is probed once even if listed twice.
async function findRuntime(runtime: RuntimeId, env: NodeJS.ProcessEnv, setup: ProbeSetup): Promise<RuntimeReport> {
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
    const fit = fitFor(runtime, await probeCandidate(candidate, setup));
    tried.push({ candidate, source, outcome: fit.outcome });
    warnUnusedEnvCandidate(runtime, tried[tried.length - 1]!, env);
    if (fit.fits) {
      const { path } = fit.interpreter;
      return { runtime, found: { runtime, path, version: formatVersion(fit.interpreter), source }, reason: null, tried };
    }
  }
  return { runtime, found: null, reason: `no Python ${versionLabel(runtime)} interpreter found`, tried };
}

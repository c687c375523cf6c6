// Picks the one interpreter a function will run on, or says precisely why there is none.

import { ConfigError, RuntimeError } from '../errors/index.js';
import { probeCandidate } from './cached-probe.js';
import { explicitCandidate } from './candidates.js';
import { createCallContext, type CallContext } from './context.js';
import { findRuntime, formatVersion, judgeProbe } from './find-runtime.js';
import type { RuntimeId } from './ids.js';
import { normalizeRuntimeId, RUNTIME_IDS, versionLabel } from './ids.js';
import { notFoundMessage, unknownRuntimeMessage } from './messages.js';
import type { DiscoverOptions, RuntimeInfo, RuntimeReport } from './types.js';

// runtime undefined -> the newest supported runtime found; otherwise that runtime (any letter case).
// options.pythonPath, when given, is the only interpreter considered and must match the runtime.
export async function resolveRuntime(runtime: string | undefined, options: DiscoverOptions = {}): Promise<RuntimeInfo> {
  const id = runtime === undefined ? null : normalizeRuntimeId(runtime);
  if (runtime !== undefined && id === null) {
    throw new RuntimeError('FGRUN_RUNTIME_UNKNOWN', unknownRuntimeMessage(runtime), { details: { runtime, supported: [...RUNTIME_IDS] } });
  }
  const context = createCallContext(options);
  try {
    if (options.pythonPath !== undefined) return await resolveExplicit(id, options.pythonPath, context);
    return id === null ? await resolveNewest(context) : await resolveOne(id, context);
  } finally {
    await context.flush();
  }
}

// The requested runtime, or FGRUN_RUNTIME_NOT_FOUND listing what the other runtimes have.
async function resolveOne(runtime: RuntimeId, context: CallContext): Promise<RuntimeInfo> {
  const report = await findRuntime(runtime, context.env, context.probe);
  if (report.found !== null) return report.found;
  const others = await Promise.all(
    RUNTIME_IDS.filter((id) => id !== runtime).map((id) => findRuntime(id, context.env, context.probe)),
  );
  throw notFound(runtime, [report], others.flatMap((other) => (other.found === null ? [] : [other.found])));
}

// The newest runtime that has an interpreter: probes newest first and stops at the first found.
async function resolveNewest(context: CallContext): Promise<RuntimeInfo> {
  const reports: RuntimeReport[] = [];
  for (const runtime of [...RUNTIME_IDS].reverse()) {
    const report = await findRuntime(runtime, context.env, context.probe);
    if (report.found !== null) return report.found;
    reports.push(report);
  }
  throw notFound(null, reports.reverse(), []);
}

// The interpreter from --python / pythonPath; without a runtime, its own version picks the runtime.
async function resolveExplicit(runtime: RuntimeId | null, pythonPath: string, context: CallContext): Promise<RuntimeInfo> {
  const candidate = await explicitCandidate(pythonPath, context.env);
  const facts = { field: 'pythonPath', details: { pythonPath, runtime } };
  if (candidate.skip !== undefined) {
    throw new ConfigError(`--python ${pythonPath}: ${candidate.skip}. Pass the path of a Python interpreter to --python (or the config's pythonPath).`, facts);
  }
  const result = await probeCandidate(candidate.candidate, context.probe);
  if (!result.ok) {
    throw new ConfigError(`--python ${pythonPath} cannot be used: ${result.reason}. Pass the path of a working Python interpreter to --python (or the config's pythonPath).`, facts);
  }
  const version = formatVersion(result.interpreter);
  const target = runtime ?? normalizeRuntimeId(`Python${result.interpreter.major}.${result.interpreter.minor}`);
  if (target === null) {
    throw new ConfigError(`--python ${pythonPath} is Python ${version}, which serves no supported runtime (${RUNTIME_IDS.join(', ')}). Point --python (or the config's pythonPath) at one of those versions.`, facts);
  }
  const verdict = judgeProbe(target, result);
  if (!verdict.fits) {
    throw new ConfigError(
      `--python ${pythonPath} is Python ${version}, but runtime ${target} needs Python ${versionLabel(target)}. ` +
        `Point --python (or the config's pythonPath) at a python${versionLabel(target)}, or drop it to let fgrun discover one.`,
      facts,
    );
  }
  return { runtime: target, path: verdict.interpreter.path, version, source: 'config' };
}

// FGRUN_RUNTIME_NOT_FOUND with the facts as fields.
function notFound(runtime: RuntimeId | null, reports: RuntimeReport[], found: RuntimeInfo[]): RuntimeError {
  const tried = reports.flatMap((report) => report.tried.map((entry) => ({ runtime: report.runtime, ...entry })));
  return new RuntimeError('FGRUN_RUNTIME_NOT_FOUND', notFoundMessage(runtime, reports, found), {
    details: { runtime, supported: [...RUNTIME_IDS], found, tried },
  });
}

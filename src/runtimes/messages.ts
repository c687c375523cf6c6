// The user-facing text of runtime errors: what failed, what exists, and what to do next.

import type { RuntimeId, RuntimeInfo, RuntimeReport } from './ids.js';
import { RUNTIME_IDS, runtimeBinary, runtimeEnvVar, versionLabel } from './ids.js';

const SUPPORTED = RUNTIME_IDS.join(', ');

// For a runtime id fgrun does not support.
export function unknownRuntimeMessage(value: string): string {
  return `Unknown runtime "${value}". Supported runtimes: ${SUPPORTED} (any letter case, e.g. python3.9).`;
}

// For a runtime (or, with null, any runtime) that has no interpreter on this machine.
export function notFoundMessage(runtime: RuntimeId | null, reports: readonly RuntimeReport[], found: readonly RuntimeInfo[]): string {
  const target = runtime ?? RUNTIME_IDS[RUNTIME_IDS.length - 1] ?? 'Python3.12';
  const lines = [
    runtime === null
      ? 'No Python interpreter for any supported runtime was found.'
      : `No Python ${versionLabel(runtime)} interpreter was found for runtime ${runtime}.`,
    `Supported runtimes: ${SUPPORTED}.`,
    `Found: ${found.length === 0 ? 'none' : found.map((info) => `${info.runtime} (${info.version} at ${info.path})`).join(', ')}.`,
    'Tried:',
    ...reports.flatMap((report) =>
      report.tried.map((entry) => `  ${report.runtime}  ${entry.candidate} [${entry.source}]: ${entry.outcome}`),
    ),
    `To use one: set ${runtimeEnvVar(target)}=/path/to/${runtimeBinary(target)}` +
      (runtime === null ? ' (FGRUN_PYTHON_X_Y for runtime PythonX.Y)' : '') +
      `, pass --python /path/to/${runtimeBinary(target)} (or set pythonPath in the config),` +
      ` or install it with \`pyenv install ${versionLabel(target)}\`.`,
  ];
  return lines.join('\n');
}

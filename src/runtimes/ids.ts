// The Python runtime ids FunctionGraph offers, and the interpreter each one needs.

export type RuntimeId = 'Python2.7' | 'Python3.6' | 'Python3.9' | 'Python3.10' | 'Python3.12';

/** Every supported runtime id, oldest -> newest. */
export const RUNTIME_IDS: readonly RuntimeId[] = Object.freeze([
  'Python2.7',
  'Python3.6',
  'Python3.9',
  'Python3.10',
  'Python3.12',
] as const);

export interface MajorMinor {
  major: number;
  minor: number;
}

// Narrows a string to a supported runtime id, spelled exactly as FunctionGraph spells it.
export function isRuntimeId(value: string): value is RuntimeId {
  return (RUNTIME_IDS as readonly string[]).includes(value);
}

// Maps what a user typed ("python3.9", " PYTHON3.10 ") to the canonical id, or null when unsupported.
export function normalizeRuntimeId(value: string): RuntimeId | null {
  const wanted = value.trim().toLowerCase();
  return RUNTIME_IDS.find((id) => id.toLowerCase() === wanted) ?? null;
}

// The major.minor an interpreter must report to serve the runtime.
export function runtimeVersion(runtime: RuntimeId): MajorMinor {
  const [major = '', minor = ''] = runtime.slice('Python'.length).split('.');
  return { major: Number(major), minor: Number(minor) };
}

// "3.9" for Python3.9: how the version appears in binary names, pyenv folders and messages.
export function versionLabel(runtime: RuntimeId): string {
  const { major, minor } = runtimeVersion(runtime);
  return `${major}.${minor}`;
}

// The environment variable that points fgrun at the runtime's interpreter: FGRUN_PYTHON_3_9.
export function runtimeEnvVar(runtime: RuntimeId): string {
  const { major, minor } = runtimeVersion(runtime);
  return `FGRUN_PYTHON_${major}_${minor}`;
}

// The executable name of the runtime's interpreter on PATH and in pyenv builds: python3.9.
export function runtimeBinary(runtime: RuntimeId): string {
  return `python${versionLabel(runtime)}`;
}

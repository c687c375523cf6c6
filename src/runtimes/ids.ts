// The Python runtime ids FunctionGraph offers, the interpreter each one needs, and the shapes
// discovery reports about them (config, CLI `fgrun runtimes`, matrix).

/** Every supported runtime id, oldest -> newest. */
export const RUNTIME_IDS = Object.freeze(['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12'] as const);

export type RuntimeId = (typeof RUNTIME_IDS)[number];

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

/** Where a candidate interpreter came from, in discovery order. */
export type RuntimeSource = 'config' | 'env' | 'path' | 'pyenv' | 'system';

/** An interpreter that serves a runtime. */
export interface RuntimeInfo {
  runtime: RuntimeId;
  /** The real interpreter (realpath of its sys.executable), never a pyenv shim. */
  path: string;
  /** Exactly "X.Y.Z". */
  version: string;
  source: RuntimeSource;
}

/** One candidate that discovery looked at, and what happened. */
export interface TriedCandidate {
  candidate: string;
  source: RuntimeSource;
  outcome: string;
}

/** What discovery did for one runtime: the interpreter it settled on, or why there is none. */
export interface RuntimeReport {
  runtime: RuntimeId;
  found: RuntimeInfo | null;
  reason: string | null;
  tried: TriedCandidate[];
}

export interface DiscoverOptions {
  /** The environment to read PATH, HOME, PYENV_ROOT, XDG_CACHE_HOME and FGRUN_PYTHON_X_Y from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** An explicit interpreter (--python / config pythonPath); only resolveRuntime uses it, for the requested runtime. */
  pythonPath?: string;
  /** Use the in-memory and on-disk probe caches. Default: true. */
  cache?: boolean;
}

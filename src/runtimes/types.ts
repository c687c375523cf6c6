// The shapes discovery hands to the rest of fgrun (config, CLI `fgrun runtimes`, matrix).

import type { RuntimeId } from './ids.js';

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

// Lists where one runtime's interpreter may be, in discovery order:
// [explicit path (--python / pythonPath), resolve only] -> FGRUN_PYTHON_X_Y -> pythonX.Y on PATH -> pyenv -> system paths.

import { join } from 'node:path';
import type { RuntimeId } from './ids.js';
import { runtimeBinary, runtimeEnvVar, versionLabel } from './ids.js';
import { findAllOnPath, resolveUserPath } from './path-lookup.js';
import { listPyenvVersions, pyenvRoot, sortPyenvVersions } from './pyenv-versions.js';
import { systemPaths } from './system-paths.js';
import type { RuntimeSource } from './types.js';

/** A place to probe, or (with `skip`) a place that was looked at and had nothing to run. */
export interface Candidate {
  candidate: string;
  source: RuntimeSource;
  skip?: string;
}

// Every candidate for the runtime after the explicit path, in the order they are probed.
export async function listCandidates(runtime: RuntimeId, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  return [
    await envCandidate(runtime, env),
    ...(await pathCandidates(runtime, env)),
    ...(await pyenvCandidates(runtime, env)),
    ...systemPaths(runtime).map((candidate): Candidate => ({ candidate, source: 'system' })),
  ];
}

// The interpreter named by FGRUN_PYTHON_X_Y, if set.
async function envCandidate(runtime: RuntimeId, env: NodeJS.ProcessEnv): Promise<Candidate> {
  const name = runtimeEnvVar(runtime);
  const value = env[name];
  if (value === undefined || value.trim() === '') return { candidate: `$${name}`, source: 'env', skip: 'not set' };
  return userCandidate(value.trim(), 'env', env);
}

// The interpreter given with --python or the config's pythonPath.
export function explicitCandidate(value: string, env: NodeJS.ProcessEnv): Promise<Candidate> {
  return userCandidate(value, 'config', env);
}

// A path a user wrote, resolved against PATH or the working directory.
async function userCandidate(value: string, source: RuntimeSource, env: NodeJS.ProcessEnv): Promise<Candidate> {
  const file = await resolveUserPath(value, env['PATH']);
  return file === null ? { candidate: value, source, skip: 'not found on PATH' } : { candidate: file, source };
}

// Every pythonX.Y on PATH (often pyenv shims, which the probe sees through or fails on).
async function pathCandidates(runtime: RuntimeId, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const binary = runtimeBinary(runtime);
  const found = await findAllOnPath(binary, env['PATH']);
  if (found.length === 0) return [{ candidate: `${binary} on PATH`, source: 'path', skip: env['PATH'] ? 'not on PATH' : 'PATH is empty' }];
  return found.map((candidate): Candidate => ({ candidate, source: 'path' }));
}

// $PYENV_ROOT/versions/X.Y.*/bin/pythonX.Y, highest patch first.
async function pyenvCandidates(runtime: RuntimeId, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const label = versionLabel(runtime);
  const root = pyenvRoot(env);
  if (root === null) return [{ candidate: `$PYENV_ROOT/versions/${label}.*`, source: 'pyenv', skip: 'PYENV_ROOT and HOME are not set' }];
  const pattern = join(root, 'versions', `${label}.*`);
  const names = await listPyenvVersions(root);
  if (names === null) return [{ candidate: pattern, source: 'pyenv', skip: 'no such folder' }];
  const versions = sortPyenvVersions(names, label);
  if (versions.length === 0) return [{ candidate: pattern, source: 'pyenv', skip: `no ${label}.* version installed` }];
  return versions.map((version): Candidate => ({ candidate: join(root, 'versions', version, 'bin', runtimeBinary(runtime)), source: 'pyenv' }));
}

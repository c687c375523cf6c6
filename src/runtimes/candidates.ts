// Lists where one runtime's interpreter may be, in discovery order:
// [explicit path (--python / pythonPath), resolve only] -> FGRUN_PYTHON_X_Y -> pythonX.Y on PATH -> pyenv -> system paths.

// Sync file calls on purpose: each is a few µs, where a thread-pool round trip per call (a PATH walk
// is ~10 of them, one after the other) was ~0.1-0.5 ms on a loaded machine, before every spawn.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { RuntimeId, RuntimeSource } from './ids.js';
import { runtimeBinary, runtimeEnvVar, runtimeVersion, versionLabel } from './ids.js';

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

// PATH: executables found the way a shell would, but from the PATH fgrun was given rather than its own.

// Every executable file called `name` in PATH's folders, in PATH order (relative folders are skipped).
async function findAllOnPath(name: string, pathValue: string | undefined): Promise<string[]> {
  const folders = (pathValue ?? '').split(delimiter).filter((folder) => folder !== '' && isAbsolute(folder));
  const found: string[] = [];
  for (const folder of new Set(folders)) {
    const file = join(folder, name);
    if (await isExecutableFile(file)) found.push(file);
  }
  return found;
}

// Turns what a user wrote (--python, pythonPath, FGRUN_PYTHON_X_Y) into a file: a bare name is looked up
// on PATH, anything with a slash is taken relative to the working directory.
async function resolveUserPath(value: string, pathValue: string | undefined): Promise<string | null> {
  if (!value.includes('/')) return (await findAllOnPath(value, pathValue))[0] ?? null;
  return resolve(value);
}

// True for a regular file (after symlinks) that this process may execute.
async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// pyenv: $PYENV_ROOT/versions/X.Y.*/bin/pythonX.Y.

// pyenv's root: $PYENV_ROOT, else ~/.pyenv, or null when neither is known.
export function pyenvRoot(env: NodeJS.ProcessEnv): string | null {
  const root = env['PYENV_ROOT'];
  if (root && isAbsolute(root)) return root;
  const home = env['HOME'];
  return home && isAbsolute(home) ? join(home, '.pyenv') : null;
}

// Picks the folders of one major.minor and orders them: plain releases by patch, highest first, then
// everything else (3.9.18-debug, 3.9.0rc1) the same way; "3.1.x" never matches "3.10.x".
export function sortPyenvVersions(names: readonly string[], label: string): string[] {
  const pattern = new RegExp(`^${label.replace('.', '\\.')}\\.(\\d+)(.*)$`);
  const matching = names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ name, patch: Number(match[1]), plain: match[2] === '' }] : [];
  });
  matching.sort((a, b) => Number(b.plain) - Number(a.plain) || b.patch - a.patch || a.name.localeCompare(b.name));
  return matching.map((version) => version.name);
}

// The folder names under $PYENV_ROOT/versions, or null when it cannot be read.
async function listPyenvVersions(root: string): Promise<string[] | null> {
  try {
    return readdirSync(join(root, 'versions'));
  } catch {
    return null;
  }
}

// The fixed paths to try for a runtime, in order: installs outside PATH and pyenv, and FunctionGraph's own image.
export function systemPaths(runtime: RuntimeId): string[] {
  const binary = runtimeBinary(runtime);
  const inImage = runtimeVersion(runtime).major === 2 ? 'python' : 'python3';
  return [`/usr/local/bin/${binary}`, `/usr/bin/${binary}`, `/opt/function/runtime/${binary}/rtsp/python/bin/${inImage}`];
}

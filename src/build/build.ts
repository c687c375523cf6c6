// buildDependencies(): install a code folder's requirements.txt with each runtime's own pip into
// the build store (store.ts). pip installs into a temporary folder that is renamed into place only
// when pip succeeded, so a failed run leaves the previous build (and its pointer) as it was.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RuntimeInfo } from '../runtimes/index.js';
import { BuildError } from './errors.js';
import { pipArguments, runPip, type PipSource } from './pip.js';
import { requirementsDigest, sourceDigest } from './inputs.js';
import { buildName, buildRoot, readLastBuild, readRecord, REQUIREMENTS_FILE, sha256, untrustedBuild, writeLastBuild, type BuildRecord } from './store.js';

export interface BuildOptions extends PipSource {
  /** The code folder holding requirements.txt. */
  code: string;
  runtimes: RuntimeInfo[];
  /** Install again even when a build for these requirements exists. */
  force?: boolean;
  /** The environment pip runs with and the build store is found from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Each line of progress (pip's own output included), as it happens. */
  onProgress?: (runtime: RuntimeInfo, line: string) => void;
}

/** A runtime whose pip failed: the others are built all the same. */
export interface BuildFailure {
  runtime: RuntimeInfo;
  /** pip's reason (its last ERROR line). */
  why: string;
  /** The earlier build of this code folder the function keeps running with, or null when there is none. */
  kept: BuildRecord | null;
}

/** Every runtime's outcome, in the order asked. */
export interface BuildOutcome {
  results: BuildResult[];
  failures: BuildFailure[];
}

export interface BuildResult {
  runtime: RuntimeInfo;
  /** The folder the function imports from. */
  site: string;
  /** False when an existing build was current and pip did not run. */
  built: boolean;
  record: BuildRecord;
}

// Build (or find current) the dependencies of `code` for each runtime in turn; a runtime whose pip
// fails is reported in `failures` and the others are still built.
export async function buildDependencies(options: BuildOptions): Promise<BuildOutcome> {
  const env = options.env ?? process.env;
  const code = await codeFolder(options.code);
  const requirementsFile = join(code, REQUIREMENTS_FILE);
  let requirements: Buffer;
  try {
    requirements = await readFile(requirementsFile);
  } catch {
    throw new BuildError('FGRUN_BUILD_NO_REQUIREMENTS', `${requirementsFile} not found: fgrun build installs the packages it lists`, { file: requirementsFile });
  }
  const source: PipSource = { ...options, findLinks: options.findLinks?.map((dir) => resolve(dir)) };
  const root = buildRoot(env);
  const inputs = requirementsDigest(requirements, code);
  const from = sourceDigest(source);
  const results: BuildResult[] = [];
  const failures: BuildFailure[] = [];
  for (const runtime of options.runtimes) {
    const say = (line: string) => options.onProgress?.(runtime, line);
    const name = buildName(inputs, from, runtime);
    const folder = join(root, name);
    const untrusted = await untrustedBuild(folder);
    if (untrusted) throw new BuildError('FGRUN_BUILD_CACHE_UNSAFE', `${untrusted}: fgrun uses only build store entries of its own; remove it, or set FGRUN_BUILD_CACHE to a folder of yours`, { file: folder, runtime: runtime.runtime });
    const existing = options.force ? null : await readRecord(folder);
    if (existing) {
      say(`up to date (built ${existing.builtAt}), ${folder}`);
      await writeLastBuild(root, code, runtime, name);
      results.push({ runtime, site: join(folder, 'site'), built: false, record: existing });
      continue;
    }
    let record: BuildRecord;
    try {
      record = await install(code, requirements, inputs, runtime, root, name, source, env, say);
    } catch (error) {
      if (!(error instanceof BuildError) || error.code !== 'FGRUN_BUILD_PIP_FAILED') throw error;
      const last = await readLastBuild(root, code, runtime);
      failures.push({ runtime, why: String(error.details['reason'] ?? error.message), kept: last === null ? null : await readRecord(join(root, last)) });
      continue;
    }
    await writeLastBuild(root, code, runtime, name);
    say(`built ${folder}`);
    results.push({ runtime, site: join(folder, 'site'), built: true, record });
  }
  return { results, failures };
}

// The code folder's real path, or a BuildError naming it.
async function codeFolder(code: string): Promise<string> {
  try {
    const folder = await realpath(code);
    if ((await stat(folder)).isDirectory()) return folder;
  } catch {
    // reported below
  }
  throw new BuildError('FGRUN_BUILD_NO_REQUIREMENTS', `${code} is not a folder: give the function's code folder, the one holding ${REQUIREMENTS_FILE}`, { file: code });
}

// pip into a temporary folder, build.json beside it, then one rename into place.
async function install(code: string, requirements: Buffer, inputs: string, runtime: RuntimeInfo, root: string, name: string,
  source: PipSource, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<BuildRecord> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const temp = join(root, `.tmp-${name}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(join(temp, 'site'), { recursive: true, mode: 0o700 });
    say(`installing ${join(code, REQUIREMENTS_FILE)} with ${runtime.path} -m pip`);
    await runPip(runtime, pipArguments(join(code, REQUIREMENTS_FILE), join(temp, 'site'), source), code, env, say);
    const packages = await installedPackages(join(temp, 'site'));
    const record: BuildRecord = {
      format: 1, runtime: runtime.runtime, python: runtime.version, requirementsSha256: sha256(requirements), inputsSha256: inputs,
      code, builtAt: new Date().toISOString(), packages,
    };
    await writeFile(join(temp, 'build.json'), JSON.stringify(record, null, 2) + '\n');
    await replace(temp, join(root, name));
    return record;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

// Move `from` to `to`, moving an older `to` aside first (a forced rebuild of the same key).
async function replace(from: string, to: string): Promise<void> {
  const aside = `${to}.old-${randomBytes(4).toString('hex')}`;
  let moved = false;
  try {
    await rename(to, aside);
    moved = true;
  } catch {
    // nothing there yet
  }
  await rename(from, to);
  if (moved) await rm(aside, { recursive: true, force: true });
}

// Name and version of each distribution pip put in `site` (wheels' dist-info, sdists' egg-info).
async function installedPackages(site: string): Promise<Array<{ name: string; version: string }>> {
  const found: Array<{ name: string; version: string }> = [];
  for (const entry of (await readdir(site)).sort()) {
    const file = entry.endsWith('.dist-info') ? 'METADATA' : entry.endsWith('.egg-info') ? 'PKG-INFO' : null;
    if (file === null) continue;
    let text: string;
    try {
      text = await readFile(join(site, entry, file), 'utf8');
    } catch {
      continue;
    }
    const name = /^Name:\s*(.+)$/m.exec(text)?.[1]?.trim();
    const version = /^Version:\s*(.+)$/m.exec(text)?.[1]?.trim();
    if (name && version) found.push({ name, version });
  }
  return found;
}

// Where builds live and how they are named. Nothing is written in the user's code folder:
//
//   <root>/<runtime>-<version>-<key>/site/        pip's --target: what the function imports
//   <root>/<runtime>-<version>-<key>/build.json   what was built, when, and the packages
//   <root>/last/<code hash>-<runtime>-<version>.json   the last build of one code folder
//
// <root> is $FGRUN_BUILD_CACHE, else $XDG_CACHE_HOME/fgrun/builds, else ~/.cache/fgrun/builds.
// <key> hashes requirements.txt's bytes, the content of the local paths it names and of the
// --find-links folders, with the runtime and exact interpreter version (inputs.ts): equal inputs
// share one build, any change (or a new interpreter patch release) is a new build. Every folder and
// file of the store that fgrun reads must be this user's and writable by no one else (ownedBy).
import { createHash } from 'node:crypto';
// The store's checks and reads are sync (each answers before an instance start, faster than a
// thread-pool round trip); its writes (builds) stay on the thread pool.
import { lstatSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { RuntimeInfo } from '../runtimes/index.js';
import { BuildError } from './errors.js';

export const REQUIREMENTS_FILE = 'requirements.txt';
const KEY_FORMAT = 'fgrun-build-2';

const RecordSchema = z.object({
  format: z.literal(1),
  runtime: z.string(),
  python: z.string(),
  requirementsSha256: z.string(),
  /** requirements.txt with the local paths it names (inputs.ts): what a function's lookup checks. */
  inputsSha256: z.string().optional(),
  code: z.string(),
  builtAt: z.string(),
  packages: z.array(z.object({ name: z.string(), version: z.string() })),
});

/** What build.json says about one build. */
export type BuildRecord = z.infer<typeof RecordSchema>;

// The folder holding every build for this environment.
export function buildRoot(env: NodeJS.ProcessEnv): string {
  const own = env['FGRUN_BUILD_CACHE'];
  if (own && isAbsolute(own)) return own;
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return join(xdg, 'fgrun', 'builds');
  const home = env['HOME'];
  if (home && isAbsolute(home)) return join(home, '.cache', 'fgrun', 'builds');
  return join(tmpdir(), `fgrun-${process.geteuid?.() ?? -1}`, 'builds');
}

// The build folder's name for these inputs (requirementsDigest, sourceDigest) on this interpreter.
export function buildName(inputs: string, source: string, runtime: RuntimeInfo): string {
  const hash = createHash('sha256').update(`${KEY_FORMAT}\0${runtime.runtime}\0${runtime.version}\0${inputs}\0${source}`).digest('hex');
  return `${runtime.runtime}-${runtime.version}-${hash.slice(0, 20)}`;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// The pointer file naming the last build of `code` (a realpath) on this interpreter.
function lastBuildFile(root: string, code: string, runtime: RuntimeInfo): string {
  return join(root, 'last', `${sha256(Buffer.from(code)).slice(0, 20)}-${runtime.runtime}-${runtime.version}.json`);
}

// Why `path` cannot be trusted (a link, another user's, writable by others), or null.
async function notOwned(path: string): Promise<string | null> {
  const uid = process.geteuid?.() ?? -1;
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return null;
  }
  if (info.isSymbolicLink()) return `${path} is a symbolic link`;
  if (uid >= 0 && info.uid !== uid) return `${path} belongs to another user (uid ${info.uid}, fgrun runs as uid ${uid})`;
  if ((info.mode & 0o022) !== 0) return `${path} is writable by other users (mode ${(info.mode & 0o777).toString(8)})`;
  return null;
}

// Why a build folder of the store cannot be trusted, or null: the folder, its site/ and build.json.
export async function untrustedBuild(folder: string): Promise<string | null> {
  for (const path of [folder, join(folder, 'site'), join(folder, 'build.json')]) {
    const why = await notOwned(path);
    if (why) return why;
  }
  return null;
}

// build.json of a build folder, or null when it is missing or not a build.
export async function readRecord(folder: string): Promise<BuildRecord | null> {
  try {
    return RecordSchema.parse(JSON.parse(readFileSync(join(folder, 'build.json'), 'utf8')));
  } catch {
    return null;
  }
}

// The build folder name the pointer of `code` names, or null (also when the pointer is not ours).
export async function readLastBuild(root: string, code: string, runtime: RuntimeInfo): Promise<string | null> {
  const file = lastBuildFile(root, code, runtime);
  if (await notOwned(join(root, 'last')) || await notOwned(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { build?: unknown };
    return typeof value.build === 'string' && /^[\w.-]+$/.test(value.build) ? value.build : null;
  } catch {
    return null;
  }
}

// Point `code`'s last build at `name` (write and rename, so readers never see half a file).
export async function writeLastBuild(root: string, code: string, runtime: RuntimeInfo, name: string): Promise<void> {
  const file = lastBuildFile(root, code, runtime);
  await mkdir(join(root, 'last'), { recursive: true, mode: 0o700 });
  const why = await notOwned(join(root, 'last'));
  if (why) throw new BuildError('FGRUN_BUILD_CACHE_UNSAFE', `${why}: fgrun uses only build store entries of its own; remove it, or set FGRUN_BUILD_CACHE to a folder of yours`, { file: join(root, 'last') });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ build: name, code }) + '\n', { mode: 0o600 });
  await rename(temp, file);
}

// Where builds live and how they are named. Nothing is written in the user's code folder:
//
//   <root>/<runtime>-<version>-<key>/site/        pip's --target: what the function imports
//   <root>/<runtime>-<version>-<key>/build.json   what was built, when, and the packages
//   <root>/last/<code hash>-<runtime>-<version>.json   the last build of one code folder
//
// <root> is $FGRUN_BUILD_CACHE, else $XDG_CACHE_HOME/fgrun/builds, else ~/.cache/fgrun/builds.
// <key> hashes requirements.txt's bytes with the runtime and exact interpreter version, so equal
// requirements share one build and any change (or a new interpreter patch release) is a new build.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { RuntimeInfo } from '../runtimes/index.js';

export const REQUIREMENTS_FILE = 'requirements.txt';
const KEY_FORMAT = 'fgrun-build-1';

const RecordSchema = z.object({
  format: z.literal(1),
  runtime: z.string(),
  python: z.string(),
  requirementsSha256: z.string(),
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
  return join(tmpdir(), `fgrun-${userInfo().uid}`, 'builds');
}

// The build folder's name for these requirements on this interpreter.
export function buildName(requirements: Buffer, runtime: RuntimeInfo): string {
  const hash = createHash('sha256').update(`${KEY_FORMAT}\0${runtime.runtime}\0${runtime.version}\0`).update(requirements).digest('hex');
  return `${runtime.runtime}-${runtime.version}-${hash.slice(0, 20)}`;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// The pointer file naming the last build of `code` (a realpath) on this interpreter.
function lastBuildFile(root: string, code: string, runtime: RuntimeInfo): string {
  return join(root, 'last', `${sha256(Buffer.from(code)).slice(0, 20)}-${runtime.runtime}-${runtime.version}.json`);
}

// build.json of a build folder, or null when it is missing or not a build.
export async function readRecord(folder: string): Promise<BuildRecord | null> {
  try {
    return RecordSchema.parse(JSON.parse(await readFile(join(folder, 'build.json'), 'utf8')));
  } catch {
    return null;
  }
}

// The build folder name the pointer of `code` names, or null.
export async function readLastBuild(root: string, code: string, runtime: RuntimeInfo): Promise<string | null> {
  try {
    const value = JSON.parse(await readFile(lastBuildFile(root, code, runtime), 'utf8')) as { build?: unknown };
    return typeof value.build === 'string' && /^[\w.-]+$/.test(value.build) ? value.build : null;
  } catch {
    return null;
  }
}

// Point `code`'s last build at `name` (write and rename, so readers never see half a file).
export async function writeLastBuild(root: string, code: string, runtime: RuntimeInfo, name: string): Promise<void> {
  const file = lastBuildFile(root, code, runtime);
  await mkdir(join(root, 'last'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ build: name, code }) + '\n');
  await rename(temp, file);
}

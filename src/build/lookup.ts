// Which build a function runs with: the one for its requirements.txt as it is now, else the last
// build of that folder (with a notice that it is out of date), else none (with a hint to build).
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeInfo } from '../runtimes/index.js';
import { buildName, buildRoot, readLastBuild, readRecord, REQUIREMENTS_FILE } from './store.js';

export interface FoundBuild {
  /** The folder to put on the function's import path, or null. */
  site: string | null;
  /** One line for stderr when the build is out of date or missing, else null. */
  notice: string | null;
}

const NONE: FoundBuild = { site: null, notice: null };

// The build of the code folder `code` for `runtime`, if requirements.txt is there.
export async function findBuild(code: string, runtime: RuntimeInfo, env: NodeJS.ProcessEnv = process.env): Promise<FoundBuild> {
  let requirements: Buffer;
  let folder: string;
  try {
    folder = await realpath(code);
    requirements = await readFile(join(folder, REQUIREMENTS_FILE));
  } catch {
    return NONE;
  }
  const root = buildRoot(env);
  const current = join(root, buildName(requirements, runtime));
  if (await readRecord(current)) return { site: join(current, 'site'), notice: null };
  const which = `${runtime.runtime} (${runtime.version})`;
  const last = await readLastBuild(root, folder, runtime);
  const record = last === null ? null : await readRecord(join(root, last));
  if (last !== null && record) {
    return {
      site: join(root, last, 'site'),
      notice: `fgrun: ${join(folder, REQUIREMENTS_FILE)} changed since its build for ${which} of ${record.builtAt}: running with that build; run \`fgrun build --runtime ${runtime.runtime}\` to update it`,
    };
  }
  return { site: null, notice: `fgrun: ${join(folder, REQUIREMENTS_FILE)} has no build for ${which}: run \`fgrun build --runtime ${runtime.runtime}\` to install its packages` };
}

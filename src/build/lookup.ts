// Which build a function runs with: the one for its requirements.txt as it is now, else the last
// build of that folder (with a notice that it is out of date), else none (with a hint to build).
// Sync reads: they answer before every instance start, where a thread-pool round trip each cost more.
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeInfo } from '../runtimes/index.js';
import { requirementsDigest } from './inputs.js';
import { buildRoot, readLastBuild, readRecord, REQUIREMENTS_FILE, untrustedBuild } from './store.js';

export interface FoundBuild {
  /** The folder to put on the function's import path, or null. */
  site: string | null;
  /** One line for stderr when the build is out of date or missing, else null. */
  notice: string | null;
}

const NONE: FoundBuild = { site: null, notice: null };

// The build of the code folder `code` for `runtime`, if requirements.txt is there: the one its last
// `fgrun build` made, current when requirements.txt and the local paths it names are unchanged.
export async function findBuild(code: string, runtime: RuntimeInfo, env: NodeJS.ProcessEnv = process.env): Promise<FoundBuild> {
  let requirements: Buffer;
  let folder: string;
  try {
    folder = realpathSync(code);
    requirements = readFileSync(join(folder, REQUIREMENTS_FILE));
  } catch {
    return NONE;
  }
  const root = buildRoot(env);
  const which = `${runtime.runtime} (${runtime.version})`;
  const build = `run \`fgrun build --runtime ${runtime.runtime}\``;
  const last = await readLastBuild(root, folder, runtime);
  const untrusted = last === null ? null : await untrustedBuild(join(root, last));
  if (untrusted) return { site: null, notice: `fgrun: ignoring the build of ${join(folder, REQUIREMENTS_FILE)} for ${which}: ${untrusted}; ${build} with a FGRUN_BUILD_CACHE of yours` };
  const record = last === null ? null : await readRecord(join(root, last));
  if (last !== null && record) {
    if (record.inputsSha256 === requirementsDigest(requirements, folder)) return { site: join(root, last, 'site'), notice: null };
    return {
      site: join(root, last, 'site'),
      notice: `fgrun: ${join(folder, REQUIREMENTS_FILE)} (or a local path it names) changed since its build for ${which} of ${record.builtAt}: running with that build; ${build} to update it`,
    };
  }
  return { site: null, notice: `fgrun: ${join(folder, REQUIREMENTS_FILE)} has no build for ${which}: ${build} to install its packages` };
}

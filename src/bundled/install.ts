// `fgrun build --bundled`: install a runtime's bundled libraries (libraries.ts) with its own pip,
// library by library (--no-deps: the list is the image's whole set), into its shared layer
// (layer.ts). One that cannot be installed (no wheel for 2.7, no index) is recorded with pip's reason
// and the rest go on; those already in the layer are kept unless `force`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from '../build/errors.js';
import { ConfigError } from '../errors.js';
import { runPip, type PipSource } from '../build/pip.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import { layerFolder, readLayer, type LayerRecord } from './layer.js';
import { BUNDLED } from './libraries.js';

export interface BundledOptions extends PipSource {
  /** Install again the libraries already in the layer. */
  force?: boolean;
  /** Only these libraries of the list (distribution names); default: all. */
  only?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** One line per library as it is done, and pip's own lines. */
  onProgress?: (line: string) => void;
}

export interface BundledResult {
  runtime: RuntimeInfo;
  site: string;
  record: LayerRecord;
  /** How many libraries the cloud lists for this runtime. */
  total: number;
}

// pip's arguments for one library into `target`.
function libraryArguments(spec: string, target: string, source: PipSource): string[] {
  const args = ['-m', 'pip', 'install', '--target', target, '--upgrade', '--no-deps', spec,
    '--disable-pip-version-check', '--no-input', '--no-warn-script-location', '--progress-bar', 'off'];
  if (source.noIndex) args.push('--no-index');
  if (source.indexUrl !== undefined) args.push('--index-url', source.indexUrl);
  for (const dir of source.findLinks ?? []) args.push('--find-links', dir);
  return args;
}

// Install every bundled library of `runtime` that the layer lacks; never throws for one library.
export async function installBundled(runtime: RuntimeInfo, options: BundledOptions = {}): Promise<BundledResult> {
  const env = options.env ?? process.env;
  const folder = layerFolder(runtime, env);
  const site = join(folder, 'site');
  await mkdir(site, { recursive: true, mode: 0o700 });
  const before = await readLayer(folder);
  const all = BUNDLED[runtime.runtime].libraries;
  const wanted = options.only?.map((name) => name.toLowerCase());
  for (const name of wanted ?? []) {
    if (!all.some((l) => l.name.toLowerCase() === name)) {
      throw new ConfigError(`--only ${name}: ${runtime.runtime} bundles no library of that name; it bundles ${all.map((l) => l.name).join(', ')}`, { field: '--only' });
    }
  }
  const libraries = wanted ? all.filter((l) => wanted.includes(l.name.toLowerCase())) : all;
  const record: LayerRecord = { format: 1, runtime: runtime.runtime, python: runtime.version, installed: [], failed: [] };
  const say = options.onProgress ?? (() => {});
  for (const [i, library] of libraries.entries()) {
    const label = `${library.name} ${library.version} (${i + 1}/${libraries.length})`;
    const kept = before?.installed.find((l) => l.name === library.name && l.version === library.version);
    if (kept && !options.force) {
      record.installed.push(kept);
      say(`${label}: already installed`);
      continue;
    }
    try {
      await runPip(runtime, libraryArguments(`${library.name}==${library.version}`, site, options), folder, env, () => {});
      record.installed.push({ name: library.name, version: library.version });
      say(`${label}: installed`);
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      const why = String(error.details['reason'] ?? error.message);
      record.failed.push({ name: library.name, version: library.version, why });
      say(`${label}: failed: ${why}`);
    }
    await writeFile(join(folder, 'bundled.json'), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  }
  // Libraries installed earlier and not asked for now stay in the record.
  for (const l of before?.installed ?? []) if (!record.installed.some((r) => r.name === l.name)) record.installed.push(l);
  await writeFile(join(folder, 'bundled.json'), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  return { runtime, site, record, total: all.length };
}

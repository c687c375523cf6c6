// The bundled layer of one runtime: the libraries of BUNDLED installed by `fgrun build --bundled`
// into one shared, per-runtime folder of the build store, put on every function's sys.path after its
// code, dependencies and build, as the cloud's image has them.
//
//   <store>/bundled/<runtime>-<X.Y.Z>/site/          pip's --target, one library at a time
//   <store>/bundled/<runtime>-<X.Y.Z>/bundled.json   which were installed, which failed and why
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { buildRoot, untrustedBuild } from '../build/store.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import { BUNDLED, type BundledLibrary } from './libraries.js';

const LayerSchema = z.object({
  format: z.literal(1),
  runtime: z.string(),
  python: z.string(),
  installed: z.array(z.object({ name: z.string(), version: z.string() })),
  failed: z.array(z.object({ name: z.string(), version: z.string(), why: z.string() })),
});

/** What bundled.json says about a layer. */
export type LayerRecord = z.infer<typeof LayerSchema>;

// The layer's folder for this interpreter.
export function layerFolder(runtime: RuntimeInfo, env: NodeJS.ProcessEnv): string {
  return join(buildRoot(env), 'bundled', `${runtime.runtime}-${runtime.version}`);
}

// bundled.json of a layer, or null when there is none (or it is not ours: see build/store.ts).
export async function readLayer(folder: string): Promise<LayerRecord | null> {
  if (await untrustedBuild(folder)) return null;
  try {
    return LayerSchema.parse(JSON.parse(readFileSync(join(folder, 'bundled.json'), 'utf8')));
  } catch {
    return null;
  }
}

// The libraries of the runtime that `record` holds, as "name version" keys.
const key = (l: { name: string; version: string }) => `${l.name.toLowerCase()} ${l.version}`;

export interface FunctionLayer {
  /** The folder to put on sys.path after the function's own, or null. */
  site: string | null;
  /** Top-level module -> the sentence an ImportError of it gets (libraries the layer lacks). */
  importHints: Record<string, string>;
}

// The layer a function on `runtime` sees (none when `enabled` is false), and the hints for what it lacks.
export async function functionLayer(runtime: RuntimeInfo, env: NodeJS.ProcessEnv, enabled: boolean): Promise<FunctionLayer> {
  const folder = layerFolder(runtime, env);
  const record = enabled ? await readLayer(folder) : null;
  const have = new Set((record?.installed ?? []).map(key));
  const importHints: Record<string, string> = {};
  for (const library of BUNDLED[runtime.runtime].libraries) {
    if (have.has(key(library))) continue;
    for (const module of topModules(library)) importHints[module] ??= hint(module, library, runtime, enabled);
  }
  return { site: record && record.installed.length ? join(folder, 'site') : null, importHints };
}

// The top-level modules a library provides.
function topModules(library: BundledLibrary): string[] {
  return [...new Set(library.imports.map((name) => name.split('.')[0]!))];
}

function hint(module: string, library: BundledLibrary, runtime: RuntimeInfo, enabled: boolean): string {
  const what = `'${module}' is provided by ${library.name} ${library.version} in FunctionGraph's ${runtime.runtime} runtime`;
  return enabled
    ? `${what}; run \`fgrun build --bundled --runtime ${runtime.runtime}\``
    : `${what}; fgrun runs this function without the bundled libraries (--no-bundled, or bundled_libraries: false)`;
}

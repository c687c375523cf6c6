// prepareCode(): a config whose code and dependencies may be .zip packages -> the same config with
// folders only, which is what createFunction takes. Folders (and paths that do not exist, which
// resolveConfig reports) pass through unchanged.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PackageError } from './errors.js';
import { CODE_LIMITS, DEPENDENCY_LIMITS, type PackageLimits } from './limits.js';
import { unpackedFolder } from './unpacked-cache.js';

export interface CodePaths {
  code: string;
  dependencies?: string[] | undefined;
}

// The config with every .zip replaced by the folder it is unpacked in (reused while unchanged).
export async function prepareCode<T extends CodePaths>(input: T): Promise<T> {
  const code = await preparePackage(input.code, 'code', CODE_LIMITS);
  if (input.dependencies === undefined) return { ...input, code };
  const dependencies = await Promise.all(input.dependencies.map((dep, i) => preparePackage(dep, `dependencies[${i}]`, DEPENDENCY_LIMITS)));
  return { ...input, code, dependencies };
}

// Whether a path names a zip package (a file ending in .zip).
function isZipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.zip');
}

// A folder for one package path.
async function preparePackage(path: string, field: string, limits: PackageLimits): Promise<string> {
  const absolute = resolve(path);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    return path;
  }
  if (!isFile) return path;
  const kind = field === 'code' ? 'code package' : 'dependency package';
  if (!isZipPath(absolute)) {
    throw new PackageError('FGRUN_PACKAGE_INVALID', `${field} '${path}' is a file but not a .zip: give the folder holding the ${field === 'code' ? "function's code" : 'dependency'} or a .zip ${kind}`, { file: absolute, details: { field } });
  }
  return unpackedFolder(absolute, limits, `${kind} ${path} (${field})`);
}

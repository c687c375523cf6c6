// Why a function could not be loaded, and where its code was looked for: the text `fgrun invoke`
// and `fgrun serve` print on stderr for an import error, a syntax error, a missing handler or a
// failed initializer (the response body is FunctionGraph's error body, unchanged, on stdout).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import { packageOf } from '../package/index.js';
import { ERROR_TEXT, type Invocation } from '../result/index.js';

/** Entries of the top level listed before "... and N more". */
const LIST_AT_MOST = 20;
/** What archivers and Python add by themselves: not what the user meant to put there. */
const NOISE = new Set(['__MACOSX', '__pycache__', '.DS_Store']);

// Whether the invocation failed because the function could not be loaded or initialised.
function isLoadFailure(invocation: Invocation): boolean {
  if (invocation.status === 'init-error') return true;
  return invocation.errorReason === 'entry';
}

// The sorted top-level entries of a folder, folders marked with '/', or null when it cannot be read.
function topLevel(folder: string): string[] | null {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((e) => !NOISE.has(e.name))
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
  } catch {
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// The module file a '[path/]file.function' spec names, relative to a sys.path entry, if it exists there.
function moduleFile(root: string, spec: string): string | null {
  const modulePath = spec.slice(0, spec.lastIndexOf('.'));
  for (const candidate of [`${modulePath}.py`, join(modulePath, '__init__.py')]) {
    if (isFile(join(root, candidate))) return candidate;
  }
  return null;
}

// The lines explaining a load failure, or null when the invocation did not fail to load.
export function loadFailureReport(invocation: Invocation, config: ResolvedConfig): string[] | null {
  if (!isLoadFailure(invocation) || !invocation.error) return null;
  const { errorType, errorMessage, stackTrace } = invocation.error;
  const initializer = invocation.status === 'init-error' && config.initializer !== undefined;
  const spec = initializer ? config.initializer! : config.handler;
  const message = errorMessage.slice(ERROR_TEXT[invocation.errorReason!].prefix.length);
  const lines = [`fgrun: the ${initializer ? 'initializer failed' : 'function could not be loaded'}: ${errorType}: ${message}`];
  for (const frame of stackTrace) for (const line of frame.split('\n')) lines.push(`  ${line}`);

  const zip = packageOf(config.code);
  const field = (label: string, value: string) => lines.push(`  ${(label + ':').padEnd(15)}${value}`);
  field('code root', `${config.code}${zip ? ` (${zip}, unpacked)` : ''}`);
  const modulePath = spec.slice(0, spec.lastIndexOf('.'));
  const inRoot = moduleFile(config.code, spec);
  const inDependency = inRoot ? null : config.dependencies.find((dep) => moduleFile(dep, spec) !== null);
  const where = inRoot ? `${inRoot} (found in the code root)`
    : inDependency ? `${modulePath}.py (found in the dependency ${inDependency}, not in the code root)`
      : `${modulePath}.py (not found in the code root)`;
  field(initializer ? 'initializer' : 'handler', `${spec} -> ${where}`);
  const entries = topLevel(config.code);
  if (entries !== null) {
    const shown = entries.length > LIST_AT_MOST ? [...entries.slice(0, LIST_AT_MOST), `... and ${entries.length - LIST_AT_MOST} more`] : entries;
    field(zip ? 'zip top level' : 'top level', shown.length ? shown.join(', ') : '(empty)');
    const hint = nestedHint(config.code, entries, spec, initializer, zip) ?? srcHint(config.code, spec, initializer);
    if (hint && !inRoot) field('hint', hint);
  }
  return lines;
}

// When everything sits under one folder (a zip made of the folder rather than of its contents):
// say to point the handler into it.
function nestedHint(root: string, entries: string[], spec: string, initializer: boolean, zip: string | undefined): string | null {
  if (entries.length !== 1 || !entries[0]!.endsWith('/')) return null;
  const folder = entries[0]!.slice(0, -1);
  const nested = `${folder}/${spec}`;
  const flag = initializer ? '--initializer' : '--handler';
  const field = initializer ? 'initializer' : 'handler';
  const what = zip ? `every file of ${zip} sits under one folder, '${folder}/'` : `every file sits under one folder, '${folder}/'`;
  const found = moduleFile(join(root, folder), spec) !== null ? ` (${folder}/${spec.slice(0, spec.lastIndexOf('.'))}.py is there)` : '';
  // A handler's path parts must be Python identifiers: a folder named 'my-fn' cannot be pointed into.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(folder)) {
    return `${what}${found}, and a ${field} cannot point into a folder whose name is not a Python identifier: ${zip ? "zip the folder's contents rather than the folder" : 'move its contents up, or give the folder itself as CODE'}`;
  }
  return `${what}${found}: point the ${field} into it with ${flag} ${nested} ("${field}": "${nested}" in a config file)${zip ? ", or zip the folder's contents rather than the folder" : ''}`;
}

// The cloud's own sample projects keep the code in src/ (src/index.py beside bootstrap, README...):
// when the handler's module is there and not at the root, say to point the handler into src/.
function srcHint(root: string, spec: string, initializer: boolean): string | null {
  if (moduleFile(join(root, 'src'), spec) === null) return null;
  const flag = initializer ? '--initializer' : '--handler';
  const field = initializer ? 'initializer' : 'handler';
  return `src/${spec.slice(0, spec.lastIndexOf('.'))}.py is there (the layout of FunctionGraph's sample projects): point the ${field} into it with ${flag} src/${spec} ("${field}": "src/${spec}" in a config file)`;
}

// An HTTP function's `bootstrap` file (docs/http-functions.md): the shell command line at the root
// of its code that starts its web server. Read and checked here: it must be executable (the cloud
// runs it as a program), and the cloud's interpreter paths in it are swapped for the local
// interpreter of the function's runtime.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { normalizeRuntimeId, type RuntimeId } from '../runtimes/index.js';

/** The file that makes a code folder an HTTP function. */
export const BOOTSTRAP_FILE = 'bootstrap';

/** The cloud's interpreter of a Python runtime: /opt/function/runtime/python3.10/rtsp/python/bin/python3. */
const CLOUD_PYTHON = /\/opt\/function\/runtime\/python(\d+\.\d+)\/rtsp\/python\/bin\/python[0-9.]*/g;
/** Any runtime folder of the cloud, Python or not (java8, nodejs16.17...). */
const CLOUD_RUNTIME = /\/opt\/function\/runtime\/([A-Za-z][A-Za-z0-9._-]*)/;

// Whether the code folder holds a `bootstrap` file at its root.
export function hasBootstrap(code: string): boolean {
  try {
    return statSync(join(code, BOOTSTRAP_FILE)).isFile();
  } catch {
    return false;
  }
}

// The bootstrap's text, checked: it exists and is executable.
export function readBootstrap(code: string): string {
  const file = join(code, BOOTSTRAP_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`the HTTP function's ${file} cannot be read (${(cause as Error).message}): put an executable file named bootstrap at the root of the code, with the command that starts your server`, { field: 'type', file, cause });
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new ConfigError(`the HTTP function's ${file} is not executable; FunctionGraph runs it as a program and fails the same way: run \`chmod +x ${file}\` (and keep the mode in your zip)`, { field: 'type', file, details: { fix: `chmod +x ${file}` } });
  }
  return text;
}

// The runtime the bootstrap's interpreter path names (python3.10 -> Python3.10), or null when it
// names none. A cloud runtime that is not one of fgrun's Python runtimes is a ConfigError.
export function runtimeNamed(text: string, file: string): RuntimeId | null {
  const python = [...text.matchAll(CLOUD_PYTHON)][0];
  if (python) {
    const runtime = normalizeRuntimeId(`python${python[1]}`);
    if (runtime) return runtime;
    throw unknownRuntime(`python${python[1]}`, file);
  }
  const other = CLOUD_RUNTIME.exec(text);
  if (other) throw unknownRuntime(other[1]!, file);
  return null;
}

function unknownRuntime(name: string, file: string): ConfigError {
  return new ConfigError(`${file} starts the interpreter of the runtime '${name}', which fgrun does not run: fgrun runs Python2.7, 3.6, 3.9, 3.10 and 3.12; name one of them in the path (/opt/function/runtime/python3.10/rtsp/python/bin/python3) or pass --runtime`, { field: 'runtime', file, details: { runtime: name } });
}

// The bootstrap with the cloud's interpreter paths replaced by the local interpreter.
export function localCommand(text: string, pythonPath: string): string {
  const quoted = `'${pythonPath.replace(/'/g, `'\\''`)}'`;
  return text.replace(CLOUD_PYTHON, quoted);
}

// A real, tiny pure-Python wheel (py2.py3-none-any) for offline `fgrun build` tests: a zip holding
// the module and a dist-info folder with METADATA, WHEEL and RECORD (PEP 427).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { makeZip } from '../package/make-zip.js';

// Write <name>-<version>-py2.py3-none-any.whl into `dir`, whose module `name` has VERSION = version.
export async function makeWheel(dir: string, name: string, version: string, requires: string[] = []): Promise<string> {
  const info = `${name}-${version}.dist-info`;
  const files: Array<[string, string]> = [
    [`${name}/__init__.py`, `VERSION = "${version}"\n`],
    [`${info}/METADATA`, ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...requires.map((r) => `Requires-Dist: ${r}`), ''].join('\n')],
    [`${info}/WHEEL`, 'Wheel-Version: 1.0\nGenerator: fgrun-test\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n'],
  ];
  const hash = (text: string) => createHash('sha256').update(text).digest('base64url');
  const record = files.map(([path, text]) => `${path},sha256=${hash(text)},${Buffer.byteLength(text)}`).concat(`${info}/RECORD,,`, '').join('\n');
  files.push([`${info}/RECORD`, record]);
  return makeZip(join(dir, `${name}-${version}-py2.py3-none-any.whl`), files.map(([path, content]) => ({ name: path, content })));
}

// Issue 19 item 1: `fgrun build --bundled` installs a runtime's bundled libraries library by library
// into its shared layer (offline: wheels made here; one library without a wheel fails alone, exit 1,
// in the table); every function on that runtime then imports them after its own code and
// dependencies; a bundled module the layer lacks fails with the library, its cloud version and the
// command; --no-bundled turns the layer off.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED } from '../../src/bundled/index.js';
import { createFunction } from '../../src/function/index.js';
import type { RuntimeInfo } from '../../src/runtimes/index.js';
import { fgrunInProcess as fgrun } from '../helpers/cli-io.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { makeZip } from '../package/make-zip.js';
import { makeWheel } from './make-wheel.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-bundled-'));
const wheels = join(tmp, 'wheels');
for (const key of Object.keys(process.env)) if (key.startsWith('PIP_')) delete process.env[key];
process.env['PIP_CONFIG_FILE'] = '/dev/null';
process.env['FGRUN_BUILD_CACHE'] = join(tmp, 'cache');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const version = (runtime: string, name: string) => BUNDLED[runtime as keyof typeof BUNDLED].libraries.find((l) => l.name === name)!.version;

// obssdk's wheel: its module is `obs`, not `obssdk`.
async function obsWheel(dir: string, v: string): Promise<void> {
  const info = `obssdk-${v}.dist-info`;
  await makeZip(join(dir, `obssdk-${v}-py2.py3-none-any.whl`), [
    { name: 'obs/__init__.py', content: `VERSION = "${v}"\n` },
    { name: `${info}/METADATA`, content: `Metadata-Version: 2.1\nName: obssdk\nVersion: ${v}\n` },
    { name: `${info}/WHEEL`, content: 'Wheel-Version: 1.0\nGenerator: fgrun-test\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n' },
    { name: `${info}/RECORD`, content: '' },
  ]);
}

beforeAll(async () => {
  mkdirSync(wheels);
  const sixes = new Set(Object.keys(BUNDLED).map((r) => version(r, 'six')));
  const obss = new Set(Object.keys(BUNDLED).map((r) => version(r, 'obssdk')));
  for (const v of sixes) await makeWheel(wheels, 'six', v);
  for (const v of obss) await obsWheel(wheels, v);
  // A function's own `six` (a dependency folder) that must win over the layer's.
  mkdirSync(join(tmp, 'own-deps', 'six'), { recursive: true });
  writeFileSync(join(tmp, 'own-deps', 'six', '__init__.py'), 'VERSION = "own"\n');
  // An HTTP function (bootstrap + src/index.py) whose server imports the same libraries.
  mkdirSync(join(tmp, 'http', 'src'), { recursive: true });
  writeFileSync(join(tmp, 'http', 'bootstrap'), '/opt/function/runtime/python3.10/rtsp/python/bin/python3 $RUNTIME_CODE_ROOT/src/index.py\n', { mode: 0o755 });
  writeFileSync(join(tmp, 'http', 'src', 'index.py'), [
    'try:',
    '    from http.server import BaseHTTPRequestHandler, HTTPServer',
    'except ImportError:',
    '    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer',
    'import obs, six',
    '',
    'class Handler(BaseHTTPRequestHandler):',
    '    def do_GET(self):',
    '        body = (obs.VERSION + " " + six.VERSION).encode("utf-8")',
    '        self.send_response(200)',
    '        self.send_header("Content-Length", str(len(body)))',
    '        self.end_headers()',
    '        self.wfile.write(body)',
    '',
    'HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()',
    '',
  ].join('\n'));
  const code = join(tmp, 'fn');
  mkdirSync(code);
  writeFileSync(join(code, 'index.py'), [
    'def handler(event, context):',
    '    import obs, six',
    '    if event.get("yaml"):',
    '        import yaml',
    '    return obs.VERSION + " " + six.VERSION',
    '',
  ].join('\n'));
});

async function invoke(runtime: RuntimeInfo, event: object, extra: object = {}) {
  const handle = await createFunction({ code: join(tmp, 'fn'), runtime: runtime.runtime, ...extra });
  try {
    return await handle.invoke(event);
  } finally {
    await handle.close();
  }
}

describeEachRuntime('fgrun build --bundled', (runtime) => {
  it('installs library by library: one without a wheel fails alone (exit 1), the table says why; the function imports the rest', async () => {
    const before = await invoke(runtime, {});
    expect(before.status).toBe('error');
    expect(before.error!.errorMessage).toContain(`'obs' is provided by obssdk ${version(runtime.runtime, 'obssdk')} in FunctionGraph's ${runtime.runtime} runtime; run \`fgrun build --bundled --runtime ${runtime.runtime}\``);

    const run = await fgrun(['build', '--bundled', '--runtime', runtime.runtime, '--only', 'six,obssdk,pyyaml', '--no-index', '--find-links', wheels]);
    expect(run.code, run.stderr).toBe(1);
    const total = BUNDLED[runtime.runtime].libraries.length;
    const yamlVersion = version(runtime.runtime, 'pyyaml');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${runtime.runtime} \\(${runtime.version.replace(/\./g, '\\.')}\\): bundled libraries, 2 of ${total} installed in \\S+/bundled/${runtime.runtime}-${runtime.version}/site$`));
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['library', 'version', 'status'],
      ['obssdk', version(runtime.runtime, 'obssdk'), 'installed'],
      ['six', version(runtime.runtime, 'six'), 'installed'],
      ['pyyaml', yamlVersion, expect.stringMatching(new RegExp(`^failed: .*(No matching distribution found for pyyaml==${yamlVersion.replace(/\./g, '\\.')}|Could not find a version that satisfies the requirement pyyaml==)`))],
    ]);
    expect(run.stderr).toContain(`[${runtime.runtime}] obssdk ${version(runtime.runtime, 'obssdk')} (1/3): installed\n`);

    const after = await invoke(runtime, {});
    expect(after.status, after.log).toBe('success');
    expect(after.body).toBe(`${version(runtime.runtime, 'obssdk')} ${version(runtime.runtime, 'six')}`);
    // The function's own packages come first, as in the cloud.
    expect((await invoke(runtime, {}, { dependencies: [join(tmp, 'own-deps')] })).body).toBe(`${version(runtime.runtime, 'obssdk')} own`);
    const noYaml = await invoke(runtime, { yaml: true });
    expect(noYaml.error!.errorMessage).toContain(`'yaml' is provided by pyyaml ${yamlVersion} in FunctionGraph's ${runtime.runtime} runtime; run \`fgrun build --bundled --runtime ${runtime.runtime}\``);
    // An HTTP function's server sees the layer too (and the function's own packages first).
    const http = await createFunction({ code: join(tmp, 'http'), runtime: runtime.runtime, dependencies: [join(tmp, 'own-deps')] });
    try {
      const answer = await http.invoke({ httpMethod: 'GET', path: '/', headers: {}, queryStringParameters: {}, body: '', isBase64Encoded: false });
      expect([answer.status, answer.result], answer.log).toEqual(['success', {
        statusCode: 200, headers: expect.any(Object), isBase64Encoded: true,
        body: Buffer.from(`${version(runtime.runtime, 'obssdk')} own`).toString('base64'),
      }]);
    } finally {
      await http.close();
    }
    const off = await invoke(runtime, {}, { bundledLibraries: false });
    expect(off.error!.errorMessage).toContain(`'obs' is provided by obssdk ${version(runtime.runtime, 'obssdk')} in FunctionGraph's ${runtime.runtime} runtime; fgrun runs this function without the bundled libraries (--no-bundled, or bundled_libraries: false)`);
  });
}, undefined, { concurrent: true });

it('refuses --only without --bundled, and a name the runtime does not bundle', async () => {
  expect(await fgrun(['build', '--only', 'six'])).toMatchObject({ code: 2, stderr: 'fgrun: --only picks bundled libraries: use it with --bundled\n' });
  const unknown = await fgrun(['build', '--bundled', '--only', 'left-pad']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/^fgrun: --only left-pad: Python3\.\d+ bundles no library of that name; it bundles /);
});

describeEachRuntime('fgrun runtimes --verbose', (runtime) => {
  it('says what the cloud runs and how much of the bundled layer is installed', async () => {
    const run = await fgrun(['runtimes', '--verbose', '--json']);
    const row = (JSON.parse(run.stdout) as Array<{ runtime: string; cloudPython: string | null; bundled: { installed: number; total: number } | null }>).find((r) => r.runtime === runtime.runtime)!;
    expect(row.cloudPython).toBe(BUNDLED[runtime.runtime].cloudPython);
    expect(row.bundled!.total).toBe(BUNDLED[runtime.runtime].libraries.length);
    const text = (await fgrun(['runtimes', '--verbose'])).stdout;
    const cloud = BUNDLED[runtime.runtime].cloudPython;
    expect(text).toContain(cloud === null ? '  the cloud does not publish its patch version\n'
      : cloud === runtime.version ? `  the cloud runs Python ${cloud}\n` : `  the cloud runs Python ${cloud}; this interpreter is ${runtime.version}: the patch version differs\n`);
    expect(text).toMatch(new RegExp(`  bundled libraries \\(OTC FunctionGraph Python runtime documentation, "Bundled third-party components"\\): (not installed \\(${row.bundled!.total} libraries\\)|\\d+ of ${row.bundled!.total} installed in \\S+)(; run \`fgrun build --bundled --runtime ${runtime.runtime.replace('.', '\\.')}\`)?\\n`));
  });
});

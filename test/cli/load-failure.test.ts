// Load and init failures say why on stderr, in `fgrun invoke` (in-process CLI) and `fgrun serve`:
// the error, the code root, the handler file looked for, the top level of the folder or zip, and a
// hint for a zip whose files sit under one folder. The body stays FunctionGraph's error body on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { painter } from '../../src/cli/serve/serve-lines.js';
import { startServeLog } from '../../src/cli/serve/serve-log.js';
import { removeUnpackedPackages } from '../../src/package/index.js';
import { InvocationFeed, startServer } from '../../src/server/index.js';
import { fixture } from '../helpers/fixtures.js';
import { cli as runMain } from '../matrix/fgrun-cli.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { makeZip } from '../package/make-zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-load-failure-'));
afterAll(async () => {
  await removeUnpackedPackages();
  rmSync(tmp, { recursive: true, force: true });
});

// The explanation block: from its first line to the line before "Status:".
function why(stderr: string): string {
  return stderr.slice(stderr.indexOf('fgrun: the '), stderr.lastIndexOf('Status: '));
}

describe.runIf(newestRuntime)('load failures in fgrun invoke', () => {
  it('an import error: the error with its frame, the code root, the handler file, the top level', async () => {
    const code = fixture('missing-module');
    const inv = await runMain(['invoke', code]);
    expect(inv.code).toBe(1);
    expect(JSON.parse(inv.stdout)).toMatchObject({ errorType: 'ModuleNotFoundError', errorMessage: "function entry exception, error: failed to import module 'index'(No module named 'fgrun_no_such_module_xyz')" });
    expect(why(inv.stderr)).toBe([
      "fgrun: the function could not be loaded: ModuleNotFoundError: failed to import module 'index'(No module named 'fgrun_no_such_module_xyz')",
      `  File "${code}/index.py", line 1, in <module>`,
      '      import fgrun_no_such_module_xyz',
      `  code root:     ${code}`,
      '  handler:       index.handler -> index.py (found in the code root)',
      '  top level:     index.py',
      '',
    ].join('\n'));
    expect(inv.stderr.endsWith('Status: error\n')).toBe(true);
  });

  it('a zip whose files sit under one folder: what it holds, and a hint to point the handler into it', async () => {
    const zip = join(tmp, 'nested.zip');
    await makeZip(zip, [{ name: 'app/index.py', content: 'def handler(event, context):\n    return 1\n' }, { name: 'app/util.py', content: '' }]);
    const inv = await runMain(['invoke', zip, '--json']);
    expect(inv.code).toBe(1);
    expect(JSON.parse(inv.stdout).error.errorType).toBe('ModuleNotFoundError');
    const lines = inv.stderr.split('\n');
    expect(lines[0]).toBe("fgrun: the function could not be loaded: ModuleNotFoundError: failed to import module 'index'(No module named 'index')");
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}code root: {5}/\\S+ \\(${zip.replace(/[.]/g, '\\.')}, unpacked\\)$`)));
    expect(lines).toContain('  handler:       index.handler -> index.py (not found in the code root)');
    expect(lines).toContain('  zip top level: app/');
    expect(lines).toContain(`  hint:          every file of ${zip} sits under one folder, 'app/' (app/index.py is there): point the handler into it with --handler app/index.handler ("handler": "app/index.handler" in a config file), or zip the folder's contents rather than the folder`);

    // Following the hint works.
    const fixed = await runMain(['invoke', zip, '--handler', 'app/index.handler']);
    expect([fixed.code, fixed.stdout]).toEqual([0, '1']);

    // A folder name a handler cannot hold ('my-fn') gets the other way out.
    const dashed = join(tmp, 'dashed.zip');
    await makeZip(dashed, [{ name: 'my-fn/index.py', content: '' }]);
    expect((await runMain(['invoke', dashed])).stderr).toContain(`\n  hint:          every file of ${dashed} sits under one folder, 'my-fn/' (my-fn/index.py is there), and a handler cannot point into a folder whose name is not a Python identifier: zip the folder's contents rather than the folder\n`);
  });

  it("the cloud samples' layout (src/index.py beside other files): a hint to point the handler into src/", async () => {
    const zip = join(tmp, 'sample.zip');
    await makeZip(zip, [{ name: 'src/index.py', content: 'def handler(event, context):\n    return 2\n' }, { name: 'README.md', content: '# sample\n' }]);
    const inv = await runMain(['invoke', zip]);
    expect(inv.code).toBe(1);
    expect(inv.stderr.split('\n')).toContain('  hint:          src/index.py is there (the layout of FunctionGraph\'s sample projects): point the handler into it with --handler src/index.handler ("handler": "src/index.handler" in a config file)');
    const fixed = await runMain(['invoke', zip, '--handler', 'src/index.handler']);
    expect([fixed.code, fixed.stdout]).toEqual([0, '2']);
  });

  it('a failed initializer names the initializer and its file', async () => {
    const code = fixture('init-fails');
    const inv = await runMain(['invoke', code, '--initializer', 'index.init']);
    expect(inv.code).toBe(1);
    expect(why(inv.stderr)).toBe([
      'fgrun: the initializer failed: RuntimeError: cannot connect to the database',
      `  File "${code}/index.py", line 2, in init`,
      '      raise RuntimeError("cannot connect to the database")',
      `  code root:     ${code}`,
      '  initializer:   index.init -> index.py (found in the code root)',
      '  top level:     index.py',
      '',
    ].join('\n'));
  });

  it('a handler in a file that is not there lists what the folder holds', async () => {
    const code = join(tmp, 'two-files');
    rmSync(code, { recursive: true, force: true });
    await import('node:fs').then((fs) => fs.mkdirSync(join(code, 'src'), { recursive: true }));
    writeFileSync(join(code, 'main.py'), '');
    const inv = await runMain(['invoke', code, '--handler', 'app.handler']);
    expect(inv.code).toBe(1);
    expect(inv.stderr).toContain('\n  handler:       app.handler -> app.py (not found in the code root)\n  top level:     main.py, src/\nStatus: error\n');
  });
});

describe.runIf(newestRuntime)('load failures in fgrun serve', () => {
  it('prints the explanation with the request prefix before the request line', async () => {
    let stderr = '';
    const feed = new InvocationFeed();
    const log = await startServeLog(feed, { quiet: false, paint: painter(false), write: (t) => (stderr += t) });
    const server = await startServer({ functions: [{ code: fixture('missing-function'), runtime: newestRuntime!.runtime }], port: 0, feed, onRequest: (r) => log.onRequest(r) });
    try {
      const response = await fetch(`${server.url}/v2/local/fgs/functions/urn:fss:local:local:function:default:missing-function:latest/invocations`, { method: 'POST', body: '{}' });
      expect(response.headers.get('x-func-err-code')).toBe('4001');
      const id = response.headers.get('x-cff-request-id')!.slice(0, 8);
      const p = `[missing-function ${id}] `;
      const lines = stderr.split('\n');
      expect(lines.slice(0, 4)).toEqual([
        `${p}fgrun: the function could not be loaded: HandlerNotFound: Handler 'handler' missing on module 'index'`,
        `${p}  code root:     ${fixture('missing-function')}`,
        `${p}  handler:       index.handler -> index.py (found in the code root)`,
        `${p}  top level:     index.py`,
      ]);
      expect(lines[4]).toMatch(new RegExp(`^\\[missing-function ${id}\\] invoke 200 error 4001 {2}duration `));
      expect(lines.slice(5)).toEqual(['']);
    } finally {
      await server.close();
      await log.close();
    }
  });
});

// Watch reloads with --sandbox (an event function) and for an HTTP function: an edit retires the
// warm instance and the next request runs the new code, read from /opt/function/code in the sandbox.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWatchedFunction, type ReloadEvent } from '../../src/watch/index.js';
import { newestRuntime } from '../helpers/runtimes.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-sandbox-watch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Resolves once `events` has grown (the reload happened), bounded.
async function reloaded(events: ReloadEvent[], seen: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (events.length <= seen) {
    if (Date.now() > deadline) throw new Error('no reload within 20 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const eventSource = (v: number) => `import os\n\n\ndef handler(event, context):\n    return {"version": ${v}, "file": __file__, "uid": os.getuid()}\n`;
const serverSource = (v: number) => [
  'from http.server import BaseHTTPRequestHandler, HTTPServer',
  'class H(BaseHTTPRequestHandler):',
  '    def do_GET(self):',
  `        body = b"version ${v}"`,
  '        self.send_response(200)',
  '        self.send_header("Content-Length", str(len(body)))',
  '        self.end_headers()',
  '        self.wfile.write(body)',
  'HTTPServer(("127.0.0.1", 8000), H).serve_forever()',
  '',
].join('\n');

describe.runIf(newestRuntime)('watch reloads', () => {
  it('reload an event function in the sandbox', async () => {
    const code = join(tmp, 'boxed');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), eventSource(1));
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction({ code, sandbox: true }, { debounceMs: 50, onReload: (e) => events.push(e) });
    try {
      expect((await fn.invoke({})).result).toEqual({ version: 1, file: '/opt/function/code/index.py', uid: 1003 });
      writeFileSync(join(code, 'index.py'), eventSource(2));
      await reloaded(events, 0);
      expect((await fn.invoke({})).result).toEqual({ version: 2, file: '/opt/function/code/index.py', uid: 1003 });
    } finally {
      await fn.close();
    }
  });

  it('reload an HTTP function', async () => {
    const code = join(tmp, 'web');
    mkdirSync(join(code, 'src'), { recursive: true });
    writeFileSync(join(code, 'bootstrap'), `${newestRuntime!.path} -u $RUNTIME_CODE_ROOT/src/index.py\n`);
    chmodSync(join(code, 'bootstrap'), 0o755);
    writeFileSync(join(code, 'src', 'index.py'), serverSource(1));
    const events: ReloadEvent[] = [];
    const fn = await createWatchedFunction({ code, runtime: newestRuntime!.runtime }, { debounceMs: 50, onReload: (e) => events.push(e), onNotice: () => {} });
    const body = async () => Buffer.from(((await fn.invoke({ httpMethod: 'GET', path: '/', headers: {}, body: '' })).result as { body: string }).body, 'base64').toString();
    try {
      expect(await body()).toBe('version 1');
      writeFileSync(join(code, 'src', 'index.py'), serverSource(2));
      await reloaded(events, 0);
      expect(await body()).toBe('version 2');
    } finally {
      await fn.close();
    }
  });
});

// The gateway streams HTTP functions (http-function/exchange.ts): the client gets the server's first
// chunk before the server writes its last (the server waits for a file the test creates only once it
// has the first), the server gets the first piece of an upload before the client sends the rest,
// and the 6 MB limits hold each way (413 for a request, the cloud's error or a cut connection for a
// response).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FgrunServer } from '../../src/server/index.js';
import type { RequestRecord } from '../../src/server/server.js';
import { fn, serve } from '../server/helpers.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const MB = 1024 * 1024;

// Resolve once `check()` holds (polled: the conditions here are files another process creates).
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

// The response's body, read to its end, or the error that cut it.
function readAll(res: IncomingMessage): Promise<{ body: Buffer; cut: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve({ body: Buffer.concat(chunks), cut: !res.complete }));
    res.once('error', () => resolve({ body: Buffer.concat(chunks), cut: true }));
    res.resume();
  });
}

describeEachRuntime('the gateway streams HTTP functions', (runtime) => {
  let server: FgrunServer;
  let temp: string;
  let host: string;
  let port: number;
  const records: RequestRecord[] = [];
  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), 'fgrun-stream-'));
    server = await serve([
      fn('http-stream', { name: 'st', runtime: runtime.runtime, timeout: 30 }),
      fn('http-stream', { name: 'short', runtime: runtime.runtime, timeout: 3 }),
    ], { gatewayAuth: { mode: 'none' }, console: false, onRequest: (record) => records.push(record) });
    host = new URL(server.url).hostname;
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  const send = (method: string, path: string, headers: Record<string, string> = {}, name = 'st') => {
    const req = request({ host, port, method, path: `/apig/${name}${path}`, headers });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    return { req, response };
  };

  it('passes the first chunk to the client before the server writes the last', async () => {
    const gate = join(temp, `gate-${runtime.version}`);
    const { req, response } = send('GET', `/chunks?gate=${encodeURIComponent(gate)}`);
    req.end();
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-streamed']).toBe('yes');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    let text = '';
    await new Promise<void>((resolve) => {
      const onData = (c: Buffer) => {
        text += c.toString();
        if (text.includes('\n')) {
          res.off('data', onData);
          res.pause();
          resolve();
        }
      };
      res.on('data', onData);
    });
    expect(text).toBe('first chunk\n');
    writeFileSync(gate, '');
    const rest = await readAll(res);
    expect(text + rest.body.toString()).toBe('first chunk\nlast chunk\n');
    expect(rest.cut).toBe(false);
    // The invocation's log is the server's output during the request; its result the head, no body.
    await until(() => records.some((r) => r.path.startsWith('/apig/st/chunks')));
    const { invocation } = records.find((r) => r.path.startsWith('/apig/st/chunks'))!.invocation!;
    expect(invocation.status).toBe('success');
    expect(invocation.log).toMatch(/Start invoke request '[0-9a-f-]{36}', version: latest\nwriting the first chunk\nwriting the last chunk\n.*Finish invoke request/);
    expect(invocation.result).toMatchObject({ statusCode: 200, body: '', isBase64Encoded: true, headers: expect.objectContaining({ 'X-Streamed': 'yes' }) });
  });

  it('passes an upload\'s first piece to the server before the client sends the rest, and all 5 MB of it', async () => {
    const mark = join(temp, `mark-${runtime.version}`);
    const body = Buffer.alloc(5 * MB, 0);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    const { req, response } = send('POST', `/upload?mark=${encodeURIComponent(mark)}`, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
    req.write(body.subarray(0, 256 * 1024));
    await until(() => existsSync(mark));
    req.end(body.subarray(256 * 1024));
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse((await readAll(res)).body.toString())).toEqual({ bytes: 5 * MB, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('answers 413 to a request over 6 MB, declared or chunked', async () => {
    const declared = send('POST', '/upload?mark=x', { 'content-length': String(7 * MB) });
    declared.req.on('error', () => {});
    declared.req.flushHeaders();
    const refused = await declared.response;
    expect(refused.statusCode).toBe(413);
    expect(refused.headers.connection).toBe('close');
    declared.req.destroy();
    const chunked = send('PUT', '/sink', { 'transfer-encoding': 'chunked' });
    chunked.req.on('error', () => {});
    const piece = Buffer.alloc(MB, 1);
    for (let i = 0; i < 7; i++) chunked.req.write(piece);
    chunked.req.end();
    const res = await chunked.response;
    expect(res.statusCode).toBe(413);
    expect(JSON.parse((await readAll(res)).body.toString())).toMatchObject({ error_code: 'FSS.0413' });
  });

  it('answers the cloud\'s error for a declared response over 6 MB, and cuts one that grows past it', async () => {
    const declared = send('GET', '/big-declared');
    declared.req.end();
    const res = await declared.response;
    expect(res.statusCode).toBe(500);
    expect((await readAll(res)).body.toString()).toContain('ResultTooLarge');
    const grown = send('GET', '/big');
    grown.req.end();
    const cut = await grown.response;
    expect(cut.statusCode).toBe(200);
    const read = await readAll(cut);
    expect(read.cut).toBe(true);
    expect(read.body.length).toBeLessThanOrEqual(6291456);
  });

  it('cuts the client\'s connection when the function times out after the response\'s head', async () => {
    const { req, response } = send('GET', `/chunks?gate=${encodeURIComponent(join(temp, 'never'))}`, {}, 'short');
    req.end();
    const res = await response;
    expect(res.statusCode).toBe(200);
    const read = await readAll(res);
    expect(read).toEqual({ body: Buffer.from('first chunk\n'), cut: true });
  });
}, ['Python2.7', 'Python3.9', 'Python3.10', 'Python3.12'], { concurrent: true });

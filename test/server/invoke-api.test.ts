// The invoke API with plain fetch: v0 bodies, FunctionGraph's headers, the log tail, limits, malformed
// requests, authentication by token, and concurrency up to the instance limit.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fssErrorSchema, invokeSummarySchema, v1EnvelopeSchema, type FgrunServer } from '../../src/server/index.js';
import { liveProcessGroups } from '../../src/instance/index.js';
import { fn, invokeUrl, PROJECT, serve, urn } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: FgrunServer;

beforeAll(async () => {
  server = await serve([fn('server-echo', { name: 'echo' }), fn('server-raise', { name: 'raise' })], { maxMemory: 512 });
});

afterAll(async () => {
  await server?.close();
});

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

// The FSS error a response carries, checked against the schema.
function fss(response: { status: number; text: string }) {
  return { status: response.status, ...fssErrorSchema.parse(JSON.parse(response.text)) };
}

describe('invoke API (v0 and headers)', () => {
  it('answers v0 with the function\'s body as Python encodes it, and every FunctionGraph header', async () => {
    const r = await post(invokeUrl(server, urn('echo')), '{"a": [1, 2]}');
    expect(r.status).toBe(200);
    const id = r.headers.get('x-cff-request-id')!;
    expect(id).toMatch(UUID);
    expect(r.headers.get('x-request-id')).toBe(id);
    expect(r.text).toBe(`{"event": {"a": [1, 2]}, "function": "echo", "version": "latest", "alias": "", "memory": 128, "requestId": "${id}"}`);
    const summary = invokeSummarySchema.parse(JSON.parse(r.headers.get('x-cff-invoke-summary')!));
    expect(summary.memorySize).toBe(128);
    expect(summary.billingDuration).toBe(Math.max(1, Math.ceil(summary.duration)));
    expect(summary.memoryUsed).toBeGreaterThan(1);
    expect(r.headers.get('x-cff-billing-duration')).toBe(String(summary.billingDuration));
    expect(r.headers.get('x-cff-response-version')).toBe('v0');
    expect(r.headers.get('x-func-err-code')).toBe('0');
    expect(r.headers.get('x-is-func-err')).toBe('false');
    expect(r.headers.get('x-cff-function-log')).toBeNull();
    expect(r.headers.get('content-type')).toBe('application/json');
  });

  it('passes str, None and list results through as FunctionGraph does (str as is, None empty, JSON otherwise)', async () => {
    const bodies = await Promise.all([{ return: 'plain text' }, { return: null }, { return: [1, 'a', { b: null }] }, { return: 0 }]
      .map(async (event) => (await post(invokeUrl(server, urn('echo')), JSON.stringify(event))).text));
    expect(bodies).toEqual(['plain text', '', '[1, "a", {"b": null}]', '0']);
  });

  it('returns the last 4 KB of the log, base64, with X-Cff-Log-Type: tail (and in the v1 envelope)', async () => {
    const r = await post(invokeUrl(server, urn('echo')), '{"log_lines": 200}', { 'X-Cff-Log-Type': 'tail', 'X-CFF-Request-Version': 'v1' });
    const tail = Buffer.from(r.headers.get('x-cff-function-log')!, 'base64');
    expect(tail.length).toBeLessThanOrEqual(4096);
    expect(tail.length).toBeGreaterThan(4000);
    const text = tail.toString('utf8');
    expect(text).toContain('line 00199 ');
    expect(text).not.toContain('line 00000 ');
    expect(text).toMatch(/Finish invoke request '[0-9a-f-]{36}', duration: [^\n]+\n$/);
    const envelope = v1EnvelopeSchema.parse(JSON.parse(r.text));
    expect(envelope.log).toBe(text);
    expect(r.headers.get('x-cff-response-version')).toBe('v1');
    const plain = await post(invokeUrl(server, urn('echo')), '{}', { 'X-CFF-Request-Version': 'V1' });
    expect(v1EnvelopeSchema.parse(JSON.parse(plain.text)).log).toBe('');
  });

  it('reports a raising function with 200, X-Func-Err-Code 4002, X-Is-Func-Err true and the error body', async () => {
    const r = await post(invokeUrl(server, urn('raise')), '{"message": "bad input"}');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-func-err-code')).toBe('4002');
    expect(r.headers.get('x-is-func-err')).toBe('true');
    const body = JSON.parse(r.text) as { errorMessage: string; errorType: string; stackTrace: string[] };
    expect(body.errorMessage).toBe('function invocation exception, error: bad input');
    expect(body.errorType).toBe('ValueError');
  });

  it('reports a timeout with 200, X-Func-Err-Code 4010 and v1 status 500', async () => {
    const r = await post(invokeUrl(server, urn('echo')), '{"sleep": 4}', { 'X-CFF-Request-Version': 'v1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-func-err-code')).toBe('4010');
    expect(r.headers.get('x-is-func-err')).toBe('true');
    const envelope = v1EnvelopeSchema.parse(JSON.parse(r.text));
    expect(envelope.status).toBe(500);
    expect(JSON.parse(envelope.result)).toMatchObject({ errorMessage: expect.stringMatching(/^invoke timed out, error: /) });
  });

  it('runs a request with the memory X-Cff-Instance-Memory asks for, and refuses a size FunctionGraph lacks', async () => {
    const r = await post(invokeUrl(server, urn('echo')), '{}', { 'X-Cff-Instance-Memory': '256' });
    expect(JSON.parse(r.text)).toMatchObject({ memory: 256 });
    expect(invokeSummarySchema.parse(JSON.parse(r.headers.get('x-cff-invoke-summary')!)).memorySize).toBe(256);
    expect(fss(await post(invokeUrl(server, urn('echo')), '{}', { 'X-Cff-Instance-Memory': '100' }))).toMatchObject({ status: 400, error_code: 'FSS.0400', error_msg: expect.stringMatching(/^X-Cff-Instance-Memory must be one of 128, 256, /) });
  });

  it('accepts a URN without a version as latest, a percent-encoded URN, and an empty body as {}', async () => {
    const r = await post(invokeUrl(server, `urn:fss:ap-southeast-1:${PROJECT}:function:default:echo`), '');
    expect(JSON.parse(r.text)).toMatchObject({ event: {}, version: 'latest' });
    const encoded = await post(invokeUrl(server, encodeURIComponent(urn('echo'))), '{"return": "percent-encoded URN"}');
    expect(encoded.text).toBe('percent-encoded URN');
  });
});

describe('invoke API refusals (the server stays up)', () => {
  it('refuses a body over 6 MB (sync) and 256 KB (async) with 413 FSS.0413', async () => {
    const big = `{"pad": "${'x'.repeat(7 * 1024 * 1024)}"}`;
    expect(fss(await post(invokeUrl(server, urn('echo')), big))).toEqual({
      status: 413, error_code: 'FSS.0413', error_msg: `the request body is ${big.length} bytes; FunctionGraph accepts at most 6291456 bytes (6 MB) for a synchronous invocation`,
    });
    const medium = `{"pad": "${'x'.repeat(300 * 1024)}"}`;
    expect(fss(await post(invokeUrl(server, urn('echo'), true), medium))).toEqual({
      status: 413, error_code: 'FSS.0413', error_msg: `the request body is ${medium.length} bytes; FunctionGraph accepts at most 262144 bytes (256 KB) for an asynchronous invocation`,
    });
    expect((await post(invokeUrl(server, urn('echo')), '{"return": "still up"}')).text).toBe('still up');
  });

  it('refuses malformed JSON with 406 FSS.0406', async () => {
    const refused = fss(await post(invokeUrl(server, urn('echo')), '{"a": '));
    expect(refused).toMatchObject({ status: 406, error_code: 'FSS.0406' });
    expect(refused.error_msg).toMatch(/^the request body is not valid JSON \(.+\); send the event as a JSON document$/);
  });

  it('answers wrong methods 405 (with Allow), unknown paths 404, bad URNs and versions 400', async () => {
    const get = await fetch(invokeUrl(server, urn('echo')));
    expect(get.headers.get('allow')).toBe('POST');
    expect(fss({ status: get.status, text: await get.text() })).toMatchObject({ status: 405, error_code: 'FSS.0405', error_msg: expect.stringMatching(/^GET is not allowed on .*; use POST$/) });
    const unknown = await fetch(`${server.url}/v3/nothing`);
    expect(fss({ status: unknown.status, text: await unknown.text() })).toMatchObject({ status: 404, error_code: 'FSS.0404' });
    expect(fss(await post(invokeUrl(server, 'urn:fss:x'), '{}'))).toMatchObject({ status: 400, error_code: 'FSS.0400', error_msg: expect.stringMatching(/^invalid function URN 'urn:fss:x'/) });
    expect(fss(await post(invokeUrl(server, urn('echo', 'latest', 'r', 'other')), '{}'))).toMatchObject({ status: 400, error_msg: "the URN's project 'other' differs from the project in the path 'proj-local'; use the same project id in both" });
    expect(fss(await post(`${server.url}/v2/${PROJECT}/fgs/functions/%E0%A4%A/invocations`, '{}'))).toMatchObject({ status: 400, error_code: 'FSS.0400' });
    expect(fss(await post(invokeUrl(server, urn('echo')), '{}', { 'X-CFF-Request-Version': 'v9' }))).toMatchObject({ status: 400, error_msg: "X-CFF-Request-Version must be v0 or v1, got 'v9'" });
  });

  it('answers a request Node cannot parse with 400 and keeps serving', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, server.host, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 'FSS.0400', error_msg: expect.stringMatching(/^malformed HTTP request/) });
    expect((await post(invokeUrl(server, urn('echo')), '{"return": "alive"}')).text).toBe('alive');
  });
});

describe('invoke API with a token, and concurrency', () => {
  it('accepts the configured X-Auth-Token and refuses anything else with 401 FSS.0401', async () => {
    const guarded = await serve([fn('server-echo', { name: 'echo' })], { auth: { token: 'tok-123' } });
    try {
      expect((await fetch(`${guarded.url}/v2/${PROJECT}/fgs/functions`, { headers: { 'X-Auth-Token': 'tok-123' } })).status).toBe(200);
      const none = await fetch(`${guarded.url}/v2/${PROJECT}/fgs/functions`);
      expect(fss({ status: none.status, text: await none.text() })).toEqual({ status: 401, error_code: 'FSS.0401', error_msg: 'Incorrect IAM authentication information: send X-Auth-Token' });
      const wrong = await post(invokeUrl(guarded, urn('echo')), '{}', { 'X-Auth-Token': 'tok-124' });
      expect(fss(wrong)).toMatchObject({ status: 401, error_code: 'FSS.0401' });
      expect(guarded.authEnabled).toBe(true);
      expect(server.authEnabled).toBe(false);
    } finally {
      await guarded.close();
    }
  });

  it('answers a request still running after the shutdown grace period with 503 FSS.0503, and kills its instance', async () => {
    const before = new Set(liveProcessGroups());
    const stopping = await serve([fn('server-echo', { name: 'echo', timeout: 10 })], { shutdownGraceMs: 300 });
    const marker = join(mkdtempSync(join(tmpdir(), 'fgrun-stop-')), 'started');
    const slow = post(invokeUrl(stopping, urn('echo')), JSON.stringify({ sleep: 5, touch: marker }));
    for (let i = 0; i < 400 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 25));
    const ours = liveProcessGroups().filter((g) => !before.has(g));
    expect(ours).toHaveLength(1);
    const closing = Date.now();
    await Promise.all([stopping.close(), stopping.close()]);
    expect(fss(await slow)).toEqual({ status: 503, error_code: 'FSS.0503', error_msg: 'fgrun serve shut down before the function finished' });
    expect(Date.now() - closing).toBeLessThan(4500);
    expect(liveProcessGroups().filter((g) => ours.includes(g))).toEqual([]);
    rmSync(dirname(marker), { recursive: true, force: true });
  });

  it('runs requests to one function concurrently on separate instances up to maxInstances', async () => {
    const pooled = await serve([fn('server-echo', { name: 'echo', timeout: 30 })], { maxInstances: 2 });
    try {
      const [a, b] = await Promise.all([1, 2].map(async () => JSON.parse((await post(invokeUrl(pooled, urn('echo')), '{"sleep": 1.5}')).text) as { pid: number; started: number; ended: number }));
      expect(a!.pid).not.toBe(b!.pid);
      expect(a!.started < b!.ended && b!.started < a!.ended).toBe(true);
    } finally {
      await pooled.close();
    }
  });
});
